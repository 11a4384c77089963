package io.mongosteward.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The latencies of the successful pings of the last {@code span}, at most {@code capacity} of them,
 * and their percentiles (nearest rank). Not thread-safe: the probe loop owns it and publishes
 * {@link Stats} snapshots.
 */
final class LatencyWindow {
  /** Percentiles over the window; {@code samples == 0} means there is nothing to report. */
  record Stats(Duration p50, Duration p99, int samples) {
    static final Stats EMPTY = new Stats(null, null, 0);
  }

  private record Sample(Instant at, long nanos) {}

  private final Duration span;
  private final int capacity;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  LatencyWindow(Duration span, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
    this.span = span;
    this.capacity = capacity;
  }

  void add(Instant at, Duration latency) {
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(new Sample(at, latency.toNanos()));
  }

  /** The percentiles of the samples taken after {@code now - span}; older ones are dropped. */
  Stats stats(Instant now) {
    Instant oldest = now.minus(span);
    while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
      samples.removeFirst();
    }
    if (samples.isEmpty()) {
      return Stats.EMPTY;
    }
    long[] sorted = samples.stream().mapToLong(Sample::nanos).toArray();
    Arrays.sort(sorted);
    return new Stats(Duration.ofNanos(rank(sorted, 0.50)), Duration.ofNanos(rank(sorted, 0.99)), sorted.length);
  }

  private static long rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
