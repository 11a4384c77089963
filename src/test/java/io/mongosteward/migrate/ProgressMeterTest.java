package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
  private static final long S = 1_000_000_000L;

  @Test
  void rateAndEtaOverTheWindow() {
    ProgressMeter m = new ProgressMeter();
    assertThat(m.rate()).isZero();
    assertThat(m.eta(0, 100L)).isNull();
    m.record(0, 0);
    m.record(2 * S, 200);
    assertThat(m.rate()).isEqualTo(100.0);
    assertThat(m.eta(200, 1200L)).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.eta(200, null)).isNull();
    assertThat(m.eta(5000, 1200L)).isEqualTo(Duration.ZERO);
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    ProgressMeter m = new ProgressMeter();
    m.record(0, 0);
    m.record(1 * S, 1000); // a fast start...
    for (int i = 2; i <= 100; i++) m.record(i * S, 1000 + (i - 1) * 10L); // ...then 10/s
    assertThat(m.rate()).isEqualTo(10.0);
  }

  @Test
  void percentOfProgress() {
    assertThat(new Progress("main", 50, 0, 0, 200L, 0, null, "{}", 0).percent()).isEqualTo(25);
    assertThat(new Progress("main", 50, 0, 0, null, 0, null, "{}", 0).percent()).isNull();
    assertThat(new Progress("main", 0, 0, 0, 0L, 0, null, "{}", 0).percent()).isEqualTo(100);
    assertThat(new Progress("main", 300, 0, 0, 200L, 0, null, "{}", 0).percent()).isEqualTo(100);
  }
}
