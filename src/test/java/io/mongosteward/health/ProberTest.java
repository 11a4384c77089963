package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProberTest {
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final ProbeSettings SETTINGS = ProbeSettings.of(INTERVAL, Duration.ofSeconds(2));

  final FakeClock clock = new FakeClock();
  final FakeScheduler scheduler = new FakeScheduler(clock);
  final FakeProbe probe = new FakeProbe(clock);
  final List<ProbeState> seen = new ArrayList<>();
  double random = 0.5;

  Prober prober(List<Consumer<ProbeState>> listeners) {
    return new Prober(probe, SETTINGS, clock, scheduler, () -> random, listeners);
  }

  Prober prober() {
    return prober(List.of(seen::add));
  }

  @Test
  void firstCheckRunsAtOnceAndHealthyChecksComeOneIntervalApart() {
    Prober p = prober();
    p.start();
    assertThat(scheduler.lastDelay()).isZero();
    assertThat(p.state().checkedAt()).isNull();

    probe.ok(Duration.ofMillis(3)).ok(Duration.ofMillis(4));
    scheduler.runNext();
    scheduler.runNext();

    assertThat(scheduler.delays).containsExactly(Duration.ZERO, INTERVAL, INTERVAL);
    assertThat(scheduler.pending()).isEqualTo(1);
    ProbeState s = p.state();
    assertThat(s.lastOk()).isTrue();
    assertThat(s.lastLatency()).isEqualTo(Duration.ofMillis(4));
    assertThat(s.lastSuccessAt()).isEqualTo(clock.instant());
    assertThat(s.checkedAt()).isEqualTo(clock.instant());
    assertThat(s.serverVersion()).isEqualTo("7.0.5");
    assertThat(s.window().samples()).isEqualTo(2);
    assertThat(s.window().p50()).isEqualTo(Duration.ofMillis(3));
    assertThat(s.window().p99()).isEqualTo(Duration.ofMillis(4));
    assertThat(s.checks()).isEqualTo(2);
    assertThat(seen).hasSize(2);
  }

  @Test
  void readingTheStateNeverChecks() {
    Prober p = prober();
    ProbeHealth health = new ProbeHealth(p, SETTINGS, clock);
    p.start();
    probe.ok(Duration.ofMillis(1));
    scheduler.runNext();

    for (int i = 0; i < 1_000; i++) {
      health.readiness();
      health.details(health.readiness());
      health.live();
    }

    assertThat(probe.checks).isEqualTo(1);
  }

  @Test
  void failuresBackOffExponentiallyNeverFasterThanTheIntervalAndUpToTheCap() {
    Prober p = prober();
    p.start();
    // interval 5s, cap 30s: ceilings 10s, 20s, 30s, 30s; equal jitter keeps the upper half.
    random = 0.0;
    for (int i = 0; i < 4; i++) {
      probe.fail("timeout", "timed out");
      scheduler.runNext();
    }
    assertThat(scheduler.delays.subList(1, 5)).containsExactly(
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(15));

    random = 1.0;
    probe.fail("timeout", "timed out");
    scheduler.runNext();
    assertThat(scheduler.lastDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.state().consecutiveFailures()).isEqualTo(5);
  }

  @Test
  void jitterSpreadsTheFirstRetryBetweenOneAndTwoIntervals() {
    Prober p = prober();
    ProbeState once = ProbeState.initial(clock.instant()).failed(clock.instant(), "network", "refused",
        LatencyWindow.Stats.EMPTY);
    random = 0.0;
    assertThat(p.delayAfter(once)).isEqualTo(INTERVAL);
    random = 0.5;
    assertThat(p.delayAfter(once)).isEqualTo(Duration.ofMillis(7_500));
    random = 1.0;
    assertThat(p.delayAfter(once)).isEqualTo(INTERVAL.multipliedBy(2));
  }

  @Test
  void recoveryResetsFailuresKeepsTheLastErrorAndReturnsToTheInterval() {
    Prober p = prober();
    p.start();
    probe.fail("network", "connection refused").fail("network", "connection refused").ok(Duration.ofMillis(2));
    scheduler.runNext();
    scheduler.runNext();
    assertThat(p.state().consecutiveFailures()).isEqualTo(2);
    assertThat(p.state().lastOk()).isFalse();
    assertThat(p.state().lastLatency()).isNull();

    scheduler.runNext();

    ProbeState s = p.state();
    assertThat(s.lastOk()).isTrue();
    assertThat(s.consecutiveFailures()).isZero();
    assertThat(s.lastError().reason()).isEqualTo("network");
    assertThat(s.lastError().message()).isEqualTo("connection refused");
    assertThat(scheduler.lastDelay()).isEqualTo(INTERVAL);
  }

  @Test
  void anUnexpectedProbeErrorIsAFailureThatShowsOnlyItsTypeAndTheLoopGoesOn() {
    Prober p = prober();
    p.start();
    probe.crash(new IllegalStateException("mongodb://app:hunter22@db:27017 exploded")).ok(Duration.ofMillis(1));
    scheduler.runNext();

    assertThat(p.state().lastError().reason()).isEqualTo("client");
    assertThat(p.state().lastError().message()).isEqualTo("unexpected IllegalStateException")
        .doesNotContain("hunter22");
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.runNext();
    assertThat(p.state().lastOk()).isTrue();
  }

  @Test
  void aFailingListenerDoesNotStopTheLoop() {
    Prober p = prober(List.of(s -> {
      throw new IllegalStateException("listener bug");
    }, seen::add));
    p.start();
    probe.ok(Duration.ofMillis(1)).ok(Duration.ofMillis(1));
    scheduler.runNext();
    scheduler.runNext();

    assertThat(seen).hasSize(2);
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void liveWhileOnScheduleNotWhenOverdueNorAfterClose() {
    Prober p = prober();
    p.start();
    probe.ok(Duration.ofMillis(1));
    scheduler.runNext();
    assertThat(p.live(clock.instant())).isTrue();

    // The next check is due in 5s; it may take 2 x 2s; one more interval is slack: 14s.
    assertThat(p.live(clock.instant().plusSeconds(14))).isTrue();
    assertThat(p.live(clock.instant().plusSeconds(14).plusMillis(1))).isFalse();

    p.close();
    assertThat(p.live(clock.instant())).isFalse();
  }

  @Test
  void aCheckCutShortByCloseIsNeitherAFailureNorPublished() {
    Prober p = prober();
    p.start();
    probe.ok(Duration.ofMillis(1)).interruptedBy(p::close, "client", "the pinger is closed");
    scheduler.runNext();
    ProbeState healthy = p.state();

    scheduler.runNext(); // SIGTERM arrives while this check waits on MongoDB: close fails it fast

    assertThat(p.state()).isSameAs(healthy);
    assertThat(seen).hasSize(1).allSatisfy(s -> assertThat(s.lastOk()).isTrue()); // no failure counted or logged
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void closeClosesTheProbeAndTheSchedulerAndStopsTheLoop() {
    Prober p = prober();
    p.start();
    p.close();

    assertThat(probe.closed).isTrue();
    assertThat(scheduler.closed).isTrue();
    p.tick(); // a tick that was already running when close came
    assertThat(probe.checks).isZero();
    assertThat(scheduler.pending()).isZero();
  }
}
