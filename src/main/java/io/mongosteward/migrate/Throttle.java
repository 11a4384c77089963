package io.mongosteward.migrate;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/**
 * Holds a run to {@code maxDocumentsPerSecond} on average: a token bucket (Bucket4j) refilled
 * greedily at that rate, starting empty, holding at most one second of tokens or one batch,
 * whichever is more. Each batch reserves as many tokens as documents it read and waits until they
 * are earned, so the average over a run is the rate and a burst is at most one batch.
 */
public final class Throttle {
  private final Bucket bucket;
  private final long capacity;

  public Throttle(long documentsPerSecond, int batchSize) {
    this(documentsPerSecond, batchSize, TimeMeter.SYSTEM_NANOTIME);
  }

  Throttle(long documentsPerSecond, int batchSize, TimeMeter time) {
    if (documentsPerSecond < 1) throw new IllegalArgumentException("documentsPerSecond must be at least 1");
    this.capacity = Math.max(documentsPerSecond, Math.max(1, batchSize));
    this.bucket = Bucket.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(documentsPerSecond, Duration.ofSeconds(1))
            .initialTokens(0))
        .withCustomTimePrecision(time)
        .build();
  }

  /**
   * Takes {@code documents} tokens now, in advance if need be.
   *
   * @return how long to wait before going on, so that the average stays at the rate
   */
  public Duration reserve(long documents) {
    long nanos = 0;
    for (long left = documents; left > 0; left -= capacity) {
      // A reservation larger than the bucket is refused: take it in bucket-sized parts.
      nanos = bucket.consumeIgnoringRateLimits(Math.min(left, capacity));
    }
    return Duration.ofNanos(Math.max(0, nanos));
  }
}
