package io.mongosteward.health;

import java.time.Duration;
import java.time.Instant;

/**
 * Judges a {@link ProbeState}: ready while the latest check succeeded, is fresh and was not slower
 * than the threshold. Pure, so that every edge is unit tested and every caller agrees.
 */
public final class ReadinessPolicy {
  private final Duration readyLatency;
  private final Duration staleAfter;

  public ReadinessPolicy(Duration readyLatency, Duration staleAfter) {
    this.readyLatency = readyLatency;
    this.staleAfter = staleAfter;
  }

  public static ReadinessPolicy of(ProbeSettings settings) {
    return new ReadinessPolicy(settings.readyLatency(), settings.staleAfter());
  }

  public Readiness evaluate(ProbeState s, Instant now) {
    if (s.checkedAt() == null) {
      return new Readiness(false, "starting", "no ping has completed yet (started "
          + Durations.format(age(s.startedAt(), now)) + " ago)");
    }
    if (!s.lastOk()) {
      ProbeState.LastError e = s.lastError();
      return new Readiness(false, "down", "the last " + plural(s.consecutiveFailures(), "ping") + " failed ("
          + e.reason() + "): " + e.message());
    }
    Duration age = age(s.lastSuccessAt(), now);
    if (age.compareTo(staleAfter) > 0) {
      return new Readiness(false, "stale", "the last successful ping ended " + Durations.format(age)
          + " ago, over the staleness bound of " + Durations.format(staleAfter));
    }
    if (s.lastLatency().compareTo(readyLatency) > 0) {
      return new Readiness(false, "slow", "the last ping took " + Durations.format(s.lastLatency())
          + ", over the ready latency of " + Durations.format(readyLatency));
    }
    return new Readiness(true, "up", "the last ping took " + Durations.format(s.lastLatency()) + ", "
        + Durations.format(age) + " ago");
  }

  private static Duration age(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static String plural(int n, String word) {
    return n == 1 ? word : n + " " + word + "s";
  }
}
