package io.mongosteward.health;

import java.time.Duration;

/**
 * How the probe loop runs and how its results are judged. Immutable; the CLI validates user input
 * with messages naming the flags, these checks only guard the invariants the loop relies on.
 *
 * @param interval the pause between the end of one ping and the start of the next, while healthy
 * @param timeout the bound on one ping, connection and server selection included
 * @param readyLatency a ping slower than this makes the target not ready
 * @param staleAfter a last success older than this makes the target not ready (the loop is stuck)
 * @param maxBackoff the longest pause between pings while they fail
 * @param window how far back the latency percentiles look
 */
public record ProbeSettings(Duration interval, Duration timeout, Duration readyLatency, Duration staleAfter,
    Duration maxBackoff, Duration window) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_READY_LATENCY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  /** The window keeps at most this many samples, to bound memory; a window that needs more is refused. */
  public static final int MAX_WINDOW_SAMPLES = 4096;

  public ProbeSettings {
    requirePositive(interval, "interval");
    requirePositive(timeout, "timeout");
    requirePositive(readyLatency, "readyLatency");
    requirePositive(window, "window");
    if (staleAfter.compareTo(interval.plus(timeout)) <= 0) {
      throw new IllegalArgumentException("staleAfter must exceed interval + timeout, or a healthy loop looks stale");
    }
    if (maxBackoff.compareTo(interval) < 0) {
      throw new IllegalArgumentException("maxBackoff must be at least the interval");
    }
    // Were the oldest samples dropped to make room, /health would name a window its percentiles do not cover.
    if (pingsIn(window, interval) > MAX_WINDOW_SAMPLES) {
      throw new IllegalArgumentException("the window " + Durations.format(window) + " would hold "
          + pingsIn(window, interval) + " pings at an interval of " + Durations.format(interval) + ", over the "
          + "at most " + MAX_WINDOW_SAMPLES + " it keeps");
    }
  }

  /** The most successful pings a window can see: one per interval, and one more at its edge. */
  public static long pingsIn(Duration window, Duration interval) {
    return window.dividedBy(interval) + 1;
  }

  /** The longest window that holds every ping at this interval. */
  public static Duration longestWindow(Duration interval) {
    return interval.multipliedBy(MAX_WINDOW_SAMPLES - 1);
  }

  /** The defaults of the sidecar: a ping every 5s, 2s timeout, ready under 1s, stale after 3 intervals. */
  public static ProbeSettings defaults() {
    return of(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }

  /** These two, with every other setting at its default (staleness: three intervals). */
  public static ProbeSettings of(Duration interval, Duration timeout) {
    return new ProbeSettings(interval, timeout, DEFAULT_READY_LATENCY, defaultStaleAfter(interval, timeout),
        max(DEFAULT_MAX_BACKOFF, interval), defaultWindow(interval));
  }

  /** Five minutes, or less when the interval is so short that five minutes of pings would not fit. */
  public static Duration defaultWindow(Duration interval) {
    Duration longest = longestWindow(interval);
    return DEFAULT_WINDOW.compareTo(longest) <= 0 ? DEFAULT_WINDOW : longest;
  }

  /** Three intervals, or more when a timeout is close to the interval. */
  public static Duration defaultStaleAfter(Duration interval, Duration timeout) {
    return max(interval.multipliedBy(3), interval.plus(timeout).multipliedBy(2));
  }

  public ProbeSettings withReadyLatency(Duration d) {
    return new ProbeSettings(interval, timeout, d, staleAfter, maxBackoff, window);
  }

  public ProbeSettings withStaleAfter(Duration d) {
    return new ProbeSettings(interval, timeout, readyLatency, d, maxBackoff, window);
  }

  public ProbeSettings withMaxBackoff(Duration d) {
    return new ProbeSettings(interval, timeout, readyLatency, staleAfter, d, window);
  }

  public ProbeSettings withWindow(Duration d) {
    return new ProbeSettings(interval, timeout, readyLatency, staleAfter, maxBackoff, d);
  }

  /** Enough slots for every ping the window can hold at the healthy rate (checked above to be few). */
  int windowCapacity() {
    return (int) pingsIn(window, interval);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
