package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadinessPolicyTest {
  final Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
  final ReadinessPolicy policy = new ReadinessPolicy(Duration.ofMillis(100), Duration.ofSeconds(15));
  final ProbeState initial = ProbeState.initial(t0);

  ProbeState ok(Duration latency) {
    return initial.succeeded(t0, new Probe.Sample(latency, "7.0.5"), LatencyWindow.Stats.EMPTY);
  }

  @Test
  void startingUntilTheFirstCheckEnds() {
    Readiness r = policy.evaluate(initial, t0.plusSeconds(3));
    assertThat(r.ready()).isFalse();
    assertThat(r.status()).isEqualTo("starting");
    assertThat(r.reason()).contains("no ping has completed yet").contains("3s");
  }

  @Test
  void upWhenTheLastPingSucceededFreshAndFast() {
    Readiness r = policy.evaluate(ok(Duration.ofMillis(4)), t0.plusSeconds(2));
    assertThat(r).isEqualTo(new Readiness(true, "up", "the last ping took 4ms, 2s ago"));
  }

  @Test
  void theLatencyThresholdIsInclusive() {
    assertThat(policy.evaluate(ok(Duration.ofMillis(100)), t0).ready()).isTrue();
    Readiness slow = policy.evaluate(ok(Duration.ofMillis(100).plusNanos(1)), t0);
    assertThat(slow.ready()).isFalse();
    assertThat(slow.status()).isEqualTo("slow");
    assertThat(slow.reason()).isEqualTo("the last ping took 100ms, over the ready latency of 100ms");
  }

  @Test
  void staleOnceTheLastSuccessIsOlderThanTheBound() {
    ProbeState s = ok(Duration.ofMillis(1));
    assertThat(policy.evaluate(s, t0.plusSeconds(15)).ready()).isTrue();
    Readiness stale = policy.evaluate(s, t0.plusSeconds(15).plusMillis(1));
    assertThat(stale.ready()).isFalse();
    assertThat(stale.status()).isEqualTo("stale");
    assertThat(stale.reason()).contains("15.001s ago").contains("staleness bound of 15s");
  }

  @Test
  void downAfterAFailedPingEvenIfAnEarlierOneSucceeded() {
    ProbeState s = ok(Duration.ofMillis(1)).failed(t0.plusSeconds(5), "timeout", "timed out after 2000 ms",
        LatencyWindow.Stats.EMPTY);
    Readiness r = policy.evaluate(s, t0.plusSeconds(5));
    assertThat(r.ready()).isFalse();
    assertThat(r.status()).isEqualTo("down");
    assertThat(r.reason()).isEqualTo("the last ping failed (timeout): timed out after 2000 ms");

    ProbeState twice = s.failed(t0.plusSeconds(10), "network", "refused", LatencyWindow.Stats.EMPTY);
    assertThat(policy.evaluate(twice, t0.plusSeconds(10)).reason()).startsWith("the last 2 pings failed (network)");
  }
}
