package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
  final Instant t0 = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void nearestRankPercentiles() {
    LatencyWindow w = new LatencyWindow(Duration.ofMinutes(5), 1000);
    for (int ms = 100; ms >= 1; ms--) { // order of arrival must not matter
      w.add(t0, Duration.ofMillis(ms));
    }
    LatencyWindow.Stats s = w.stats(t0);
    assertThat(s.samples()).isEqualTo(100);
    assertThat(s.p50()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.p99()).isEqualTo(Duration.ofMillis(99));
  }

  @Test
  void oneSampleIsEveryPercentile() {
    LatencyWindow w = new LatencyWindow(Duration.ofMinutes(5), 10);
    w.add(t0, Duration.ofMillis(7));
    assertThat(w.stats(t0)).isEqualTo(new LatencyWindow.Stats(Duration.ofMillis(7), Duration.ofMillis(7), 1));
  }

  @Test
  void samplesOlderThanTheSpanLeave() {
    LatencyWindow w = new LatencyWindow(Duration.ofSeconds(60), 100);
    w.add(t0, Duration.ofSeconds(1));
    w.add(t0.plusSeconds(30), Duration.ofMillis(2));
    assertThat(w.stats(t0.plusSeconds(60)).samples()).isEqualTo(2);

    LatencyWindow.Stats later = w.stats(t0.plusSeconds(61));
    assertThat(later.samples()).isEqualTo(1);
    assertThat(later.p99()).isEqualTo(Duration.ofMillis(2));
    assertThat(w.stats(t0.plusSeconds(91))).isEqualTo(LatencyWindow.Stats.EMPTY);
  }

  @Test
  void capacityBoundsMemoryByDroppingTheOldest() {
    LatencyWindow w = new LatencyWindow(Duration.ofHours(1), 3);
    w.add(t0, Duration.ofSeconds(9));
    w.add(t0, Duration.ofMillis(1));
    w.add(t0, Duration.ofMillis(2));
    w.add(t0, Duration.ofMillis(3));
    LatencyWindow.Stats s = w.stats(t0);
    assertThat(s.samples()).isEqualTo(3);
    assertThat(s.p99()).isEqualTo(Duration.ofMillis(3));
  }

  @Test
  void settingsSizeTheWindowForTheHealthyRate() {
    assertThat(ProbeSettings.defaults().windowCapacity()).isEqualTo(61); // 5m / 5s + 1
    // At one ping per 10 ms, five minutes would be 30,001 pings: the default shrinks to what fits.
    ProbeSettings fast = ProbeSettings.of(Duration.ofMillis(10), Duration.ofMillis(5));
    assertThat(fast.window()).isEqualTo(Duration.ofMillis(40_950));
    assertThat(fast.windowCapacity()).isEqualTo(ProbeSettings.MAX_WINDOW_SAMPLES);
  }

  @Test
  void aWindowTooLongToHoldAtTheIntervalIsRefusedNotSilentlyShortened() {
    // At one ping per 10 ms, 4,096 samples span 41 s: /health would say "1h" over 41 s of pings.
    assertThatThrownBy(() -> ProbeSettings.of(Duration.ofMillis(10), Duration.ofMillis(5))
        .withWindow(Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4096");
  }

  @Test
  void theWindowHoldsEveryPingOfItsSpanAtTheHealthyRate() {
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(100), Duration.ofMillis(50))
        .withWindow(Duration.ofSeconds(400));
    LatencyWindow w = new LatencyWindow(settings.window(), settings.windowCapacity());
    Instant now = t0;
    w.add(now, Duration.ofSeconds(9)); // the one slow ping, the oldest
    for (int i = 0; i < 4_000; i++) {
      now = now.plus(settings.interval());
      w.add(now, Duration.ofMillis(1));
    }
    // 400 s later the first ping is still inside the window: nothing was dropped to make room.
    assertThat(w.stats(now).samples()).isEqualTo(4_001);
    assertThat(w.stats(now.plusMillis(1)).samples()).isEqualTo(4_000);
  }
}
