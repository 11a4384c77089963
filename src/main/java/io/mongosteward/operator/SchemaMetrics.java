package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The MongoSchemas' conditions as the reconciler last wrote them, for dashboards and alerts:
 * {@code mongosteward_schemas{ready,reason}} counts schemas by Ready status ("true", "false",
 * "unknown") and reason (the {@code Reason} enum: a fixed set); {@code mongosteward_schema_ready{schema}}
 * and {@code mongosteward_schema_stalled{schema}} are 1 or 0 per schema, and
 * {@code mongosteward_index_unused{schema}} counts its unused indexes once a pass has read them
 * ("namespace/name": one series per schema, never a collection or index name). A schema's series go
 * with it.
 *
 * <p>The per-schema series are written at each scrape from the states held here, by one Prometheus
 * collector, rather than kept as a Micrometer gauge each: a registered gauge costs about 500 bytes
 * (its id and tags, the exposition's child, the registry's three maps), 1.5 MB at 1,000 schemas
 * for three series each, of a 64 MB heap (docs/benchmarks.md).
 */
final class SchemaMetrics implements MultiCollector {
  static final String READY = "mongosteward_schema_ready";
  static final String STALLED = "mongosteward_schema_stalled";
  static final String UNUSED = "mongosteward_index_unused";

  record State(String ready, String reason, boolean stalled) {}

  private final Map<String, State> bySchema = new ConcurrentHashMap<>();
  private final Map<String, Integer> unusedBySchema = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  /** The (ready, reason) pairs that have a gauge: at most 3 times the reasons. */
  private final Set<String> pairs = ConcurrentHashMap.newKeySet();

  SchemaMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records the status a reconcile left (written or unchanged); a status without Ready is "unknown". */
  void status(String schema, MongoSchemaStatus status) {
    Condition ready = status == null ? null : Conditions.find(status.getConditions(), Conditions.READY);
    String readyValue = ready == null ? "unknown" : switch (ready.getStatus()) {
      case "True" -> "true";
      case "False" -> "false";
      default -> "unknown";
    };
    String reason = ready == null || ready.getReason() == null ? "" : ready.getReason();
    boolean stalled = status != null && Conditions.isTrue(status.getConditions(), Conditions.STALLED);
    if (pairs.add(readyValue + "/" + reason)) {
      Gauge.builder("mongosteward.schemas", bySchema, m -> count(m, readyValue, reason))
          .tags("ready", readyValue, "reason", reason)
          .description("MongoSchemas by their Ready condition's status and reason").register(registry);
    }
    bySchema.put(schema, new State(readyValue, reason, stalled));
  }

  /** The schema's unused indexes, as its last pass counted them. */
  void unused(String schema, int count) {
    unusedBySchema.put(schema, count);
  }

  void forget(String schema) {
    bySchema.remove(schema);
    unusedBySchema.remove(schema);
  }

  @Override
  public MetricSnapshots collect() {
    return MetricSnapshots.of(
        gauge(READY, "1 while the MongoSchema's Ready condition is True", bySchema,
            s -> "true".equals(s.ready()) ? 1 : 0),
        gauge(STALLED, "1 while the MongoSchema's Stalled condition is True", bySchema, s -> s.stalled() ? 1 : 0),
        gauge(UNUSED, "Indexes with no access for the schema's policy.reportUnusedAfter, per $indexStats",
            unusedBySchema, Integer::doubleValue));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(READY, STALLED, UNUSED);
  }

  private static <V> GaugeSnapshot gauge(String name, String help, Map<String, V> bySchema, ToDoubleFunction<V> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    bySchema.forEach((schema, v) -> gauge.dataPoint(GaugeDataPointSnapshot.builder()
        .labels(Labels.of("schema", schema)).value(value.applyAsDouble(v)).build()));
    return gauge.build();
  }

  private static double count(Map<String, State> states, String ready, String reason) {
    return states.values().stream().filter(s -> s.ready().equals(ready) && s.reason().equals(reason)).count();
  }
}
