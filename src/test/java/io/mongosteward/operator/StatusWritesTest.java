package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusWritesTest {
  private final StatusWrites<String> writes = new StatusWrites<>();

  @Test
  void aStatusEqualToTheCachedOneIsNotWrittenAgain() {
    assertThat(writes.needsWrite("ns/m", "Pending", "Pending")).isFalse();
    assertThat(writes.needsWrite("ns/m", null, "Running")).isTrue();
    assertThat(writes.needsWrite("ns/m", "Running", "Running")).isFalse();
  }

  @Test
  void aStaleCacheThatEqualsTheNextStatusDoesNotHideTheWriteInBetween() {
    // Pending written, then Running; the cache still holds Pending when the run has already ended
    // busy and the next status is Pending again: the API server says Running, so it must be written.
    assertThat(writes.needsWrite("ns/m", null, "Pending")).isTrue();
    assertThat(writes.needsWrite("ns/m", "Pending", "Running")).isTrue();
    assertThat(writes.needsWrite("ns/m", "Pending", "Pending")).isTrue();
    assertThat(writes.needsWrite("ns/m", "Pending", "Pending")).isFalse();
  }

  @Test
  void keysAreIndependentAndForgettingOneStartsItAfresh() {
    assertThat(writes.needsWrite("ns/a", null, "Running")).isTrue();
    assertThat(writes.needsWrite("ns/b", "Pending", "Pending")).isFalse();
    writes.forget("ns/a");
    assertThat(writes.needsWrite("ns/a", "Pending", "Pending")).isFalse();
  }
}
