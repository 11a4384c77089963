package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The throttle's arithmetic on a fake clock; its accuracy on a real one is measured in ThrottleIT. */
class ThrottleTest {
  static final class FakeTime implements TimeMeter {
    long nanos;

    @Override
    public long currentTimeNanos() {
      return nanos;
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }

  @Test
  void batchesThatDoNotWaitTheirTurnAreToldHowLongToWait() {
    FakeTime time = new FakeTime();
    Throttle t = new Throttle(1000, 100, time);
    // The bucket starts empty: the first batch waits for its 100 tokens, 0.1 s.
    assertThat(t.reserve(100)).isEqualTo(Duration.ofMillis(100));
    // Asked again at once, the next one waits for its own tokens after those.
    assertThat(t.reserve(100)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aRunThatWaitsAsToldAveragesTheRate() {
    FakeTime time = new FakeTime();
    Throttle t = new Throttle(250, 40, time);
    long documents = 0;
    for (int batch = 0; batch < 1000; batch++) {
      time.nanos += t.reserve(40).toNanos();
      time.nanos += 1_000_000; // the batch's own work: 1 ms
      documents += 40;
    }
    double rate = documents / (time.nanos / 1e9);
    assertThat(rate).isBetween(250 * 0.99, 250 * 1.01);
  }

  @Test
  void slowWorkIsNotThrottledFurther() {
    FakeTime time = new FakeTime();
    Throttle t = new Throttle(1000, 10, time);
    time.nanos += Duration.ofSeconds(5).toNanos();
    assertThat(t.reserve(10)).isEqualTo(Duration.ZERO);
  }

  @Test
  void aBatchLargerThanOneSecondOfTokensWaitsItsShare() {
    FakeTime time = new FakeTime();
    Throttle t = new Throttle(10, 5000, time);
    // Capacity is the batch (5000): 5000 documents at 10/s is 500 s.
    assertThat(t.reserve(5000)).isEqualTo(Duration.ofSeconds(500));
    Throttle small = new Throttle(100, 10, time);
    // 250 documents, more than the 100-token bucket: reserved in parts, 2.5 s in all.
    assertThat(small.reserve(250)).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void aRateBelowOneIsRefused() {
    assertThatThrownBy(() -> new Throttle(0, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
