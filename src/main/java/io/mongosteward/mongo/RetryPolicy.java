package io.mongosteward.mongo;

import java.time.Duration;

/**
 * Bounded exponential backoff with full jitter: attempt n waits a random time in
 * [0, min(maxDelay, initialDelay * multiplier^(n-1))].
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0);

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
    }
    if (multiplier < 1) throw new IllegalArgumentException("multiplier must be at least 1");
  }

  /** The upper bound of the wait before retry number {@code retry} (1-based). */
  public Duration ceilingFor(int retry) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, retry - 1);
    return Duration.ofMillis((long) Math.min(maxDelay.toMillis(), millis));
  }
}
