package io.mongosteward.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The probe's meters. Names (Prometheus): mongosteward_ping_latency_seconds (histogram),
 * mongosteward_up, mongosteward_ready, mongosteward_ping_failures_total{reason},
 * mongosteward_ping_consecutive_failures and mongosteward_last_success_timestamp_seconds. The
 * only tag is the failure reason, a fixed set.
 */
final class ProbeMetrics implements Consumer<ProbeState> {
  /** Buckets in the spirit of Prometheus' defaults, finer below 10 ms where a healthy ping lives. */
  static final Duration[] BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final Timer latency;
  private final Map<String, Counter> failures;
  private final Counter otherFailures;
  /** The gauges read this copy of the loop's latest state. */
  private volatile ProbeState last;

  ProbeMetrics(MeterRegistry registry, List<String> reasons, ReadinessPolicy policy, Clock clock) {
    last = ProbeState.initial(clock.instant());
    latency = Timer.builder("mongosteward.ping.latency")
        .description("Round trip of the successful pings to MongoDB")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    failures = reasons.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), r -> failureCounter(registry, r)));
    otherFailures = failureCounter(registry, "other");
    Gauge.builder("mongosteward.up", this, m -> m.last.lastOk() ? 1 : 0)
        .description("1 while the last ping to MongoDB succeeded, else 0").strongReference(true).register(registry);
    Gauge.builder("mongosteward.ready", this, m -> policy.evaluate(m.last, clock.instant()).ready() ? 1 : 0)
        .description("1 while /readyz answers 200: last ping succeeded, fresh and under the latency threshold")
        .strongReference(true).register(registry);
    Gauge.builder("mongosteward.ping.consecutive.failures", this, m -> m.last.consecutiveFailures())
        .description("Failed pings since the last success").strongReference(true).register(registry);
    Gauge.builder("mongosteward.last.success.timestamp", this,
            m -> m.last.lastSuccessAt() == null ? 0 : m.last.lastSuccessAt().toEpochMilli() / 1000.0)
        .description("Unix time of the last successful ping, 0 before the first").baseUnit("seconds")
        .strongReference(true).register(registry);
  }

  private static Counter failureCounter(MeterRegistry registry, String reason) {
    return Counter.builder("mongosteward.ping.failures").tag("reason", reason)
        .description("Failed pings to MongoDB, by reason").register(registry);
  }

  @Override
  public void accept(ProbeState s) {
    last = s;
    if (s.lastOk()) {
      latency.record(s.lastLatency());
    } else {
      failures.getOrDefault(s.lastError().reason(), otherFailures).increment();
    }
  }
}
