package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeMetricsTest {
  final FakeClock clock = new FakeClock();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  static final List<String> REASONS = List.of("timeout", "network", "auth");
  final ProbeMetrics metrics = new ProbeMetrics(registry, REASONS,
      new ReadinessPolicy(Duration.ofMillis(100), Duration.ofSeconds(15)), clock);
  final ProbeState initial = ProbeState.initial(clock.instant());

  @Test
  void beforeAnyPingEverySeriesExistsAtZero() {
    String text = registry.scrape();
    assertThat(text).contains("mongosteward_up 0.0", "mongosteward_ready 0.0",
        "mongosteward_last_success_timestamp_seconds 0.0", "mongosteward_ping_latency_seconds_count 0");
    for (String reason : List.of("timeout", "network", "auth", "other")) {
      assertThat(text).contains("mongosteward_ping_failures_total{reason=\"" + reason + "\"} 0.0");
    }
  }

  @Test
  void latencyIsAPrometheusHistogramInSeconds() {
    ProbeState s = initial.succeeded(clock.instant(), new Probe.Sample(Duration.ofMillis(3), null),
        LatencyWindow.Stats.EMPTY);
    metrics.accept(s);
    metrics.accept(s.succeeded(clock.instant(), new Probe.Sample(Duration.ofMillis(700), null),
        LatencyWindow.Stats.EMPTY));

    String text = registry.scrape();
    assertThat(text).contains("# TYPE mongosteward_ping_latency_seconds histogram",
        "mongosteward_ping_latency_seconds_bucket{le=\"0.002\"} 0",
        "mongosteward_ping_latency_seconds_bucket{le=\"0.005\"} 1",
        "mongosteward_ping_latency_seconds_bucket{le=\"1.0\"} 2",
        "mongosteward_ping_latency_seconds_bucket{le=\"+Inf\"} 2",
        "mongosteward_ping_latency_seconds_count 2",
        "mongosteward_ping_latency_seconds_sum 0.703");
    assertThat(text).contains("mongosteward_up 1.0");
    // 700ms is over the 100ms threshold: up, but not ready.
    assertThat(text).contains("mongosteward_ready 0.0");
    assertThat(value(text, "mongosteward_last_success_timestamp_seconds")).isEqualTo(clock.instant().getEpochSecond());
  }

  @Test
  void failuresCountByReasonAndUnknownReasonsFallIntoOther() {
    ProbeState failed = initial.failed(clock.instant(), "timeout", "x", LatencyWindow.Stats.EMPTY);
    metrics.accept(failed);
    metrics.accept(failed.failed(clock.instant(), "something-new", "y", LatencyWindow.Stats.EMPTY));

    String text = registry.scrape();
    assertThat(text).contains("mongosteward_ping_failures_total{reason=\"timeout\"} 1.0",
        "mongosteward_ping_failures_total{reason=\"other\"} 1.0", "mongosteward_ping_consecutive_failures 2.0",
        "mongosteward_up 0.0");
    assertThat(text).doesNotContain("something-new");
  }

  @Test
  void readyFollowsThePolicyAtScrapeTime() {
    metrics.accept(initial.succeeded(clock.instant(), new Probe.Sample(Duration.ofMillis(1), null),
        LatencyWindow.Stats.EMPTY));
    assertThat(registry.scrape()).contains("mongosteward_ready 1.0");
    clock.advance(Duration.ofSeconds(16));
    assertThat(registry.scrape()).contains("mongosteward_ready 0.0");
  }

  static double value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElseThrow();
  }
}
