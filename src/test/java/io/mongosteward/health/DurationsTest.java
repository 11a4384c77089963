package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesWhatPeopleType() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse(" 1.5s ")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("0.25ms")).isEqualTo(Duration.ofNanos(250_000));
  }

  @Test
  void rejectsWithTheAcceptedForms() {
    for (String bad : new String[] {"5", "5x", "", "-1s", "s", "PTfoo"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("500ms, 5s");
    }
  }

  @Test
  void refusesWhatWouldOverflowInsteadOfWrappingAround() {
    assertThat(Durations.parse("8760h")).isEqualTo(Durations.MAX);
    for (String tooLong : new String[] {"5200000h", "8760.001h", "PT99999999999999H", "PT9999999999999999999H",
        "99999999999999999999999999h"}) {
      assertThatThrownBy(() -> Durations.parse(tooLong)).as(tooLong).isInstanceOf(Durations.TooLongException.class)
          .hasMessageContaining("at most 8760h");
    }
  }

  @Test
  void formatsShortly() {
    assertThat(Durations.format(Duration.ofNanos(420_000))).isEqualTo("0.42ms");
    assertThat(Durations.format(Duration.ofMillis(4))).isEqualTo("4ms");
    assertThat(Durations.format(Duration.ofMillis(12))).isEqualTo("12ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.millis(Duration.ofNanos(1_234_567))).isEqualTo(1.235);
  }
}
