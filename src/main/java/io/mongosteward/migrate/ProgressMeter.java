package io.mongosteward.migrate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The rate over the last batches (at most {@link #WINDOW} of them, and none older than
 * {@link #SPAN}) and the time left at that rate. Pure: the caller gives the times.
 */
public final class ProgressMeter {
  static final int WINDOW = 20;
  static final Duration SPAN = Duration.ofSeconds(60);

  private record Sample(long nanos, long scanned) {}

  private final Deque<Sample> samples = new ArrayDeque<>();

  /** Records that {@code scanned} documents had been read at {@code nanos} (a monotonic time). */
  public void record(long nanos, long scanned) {
    samples.addLast(new Sample(nanos, scanned));
    while (samples.size() > WINDOW + 1 || samples.size() > 2 && nanos - samples.getFirst().nanos() > SPAN.toNanos()) {
      samples.removeFirst();
    }
  }

  /** Documents per second over the window; 0 until two samples span some time. */
  public double rate() {
    if (samples.size() < 2) return 0;
    Sample first = samples.getFirst();
    Sample last = samples.getLast();
    long nanos = last.nanos() - first.nanos();
    return nanos <= 0 ? 0 : (last.scanned() - first.scanned()) * 1e9 / nanos;
  }

  /** The time to read the documents left at the current rate, or null when the rate or the total is unknown. */
  public Duration eta(long scanned, Long total) {
    double rate = rate();
    if (total == null || rate <= 0) return null;
    long left = Math.max(0, total - scanned);
    return Duration.ofMillis((long) Math.ceil(left * 1000 / rate));
  }
}
