package io.mongosteward.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Our own meters, tagged by type or reason only, so that cardinality does not grow with the
 * cluster; the per-schema gauges of {@link SchemaMetrics} grow with the number of schemas, never
 * with their collections or indexes.
 */
final class OperatorMetrics {
  private final PrometheusMeterRegistry registry;
  private final SchemaMetrics schemas;

  /** The per-schema series are a collector of the registry's Prometheus exposition (SchemaMetrics). */
  OperatorMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.schemas = new SchemaMetrics(registry);
    registry.getPrometheusRegistry().register(schemas);
  }

  /** The per-schema series go with the operator: a later one on the same registry registers its own. */
  void close() {
    registry.getPrometheusRegistry().unregister(schemas);
  }

  /** 1 while this replica runs the reconcilers (holds the Lease, or runs without leader election). */
  void leader(java.util.function.BooleanSupplier leading) {
    io.micrometer.core.instrument.Gauge.builder("mongosteward.leader", leading, l -> l.getAsBoolean() ? 1 : 0)
        .description("1 while this replica reconciles: it holds the Lease, or leader election is off")
        .strongReference(true).register(registry);
  }

  /** The status a reconcile left on a schema ("namespace/name"). */
  void schemaStatus(String schema, io.mongosteward.api.v1alpha1.MongoSchemaStatus status) {
    schemas.status(schema, status);
  }

  void schemaGone(String schema) {
    schemas.forget(schema);
  }

  void applied(String actionType) {
    Counter.builder("mongosteward.actions.applied").description("Changes applied to MongoDB, by action type")
        .tag("type", actionType).register(registry).increment();
  }

  void refused(String result) {
    Counter.builder("mongosteward.actions.refused").description("Changes the server refused, by outcome")
        .tag("result", result).register(registry).increment();
  }

  /** The age of the oldest running reconcile, for an alert before the watchdog restarts the pod. */
  void watch(ReconcileWatch watch) {
    io.micrometer.core.instrument.Gauge.builder("mongosteward.reconcile.oldest.seconds", watch,
        ReconcileWatch::oldestSeconds).description("Seconds the oldest running reconcile has run; 0 when none runs")
        .register(registry);
  }

  /**
   * mongosteward_index_unused{schema}: the schema's unused indexes (policy.reportUnusedAfter), by
   * "namespace/name" like the other per-schema series (a {@code namespace} label would clash with the
   * scrape target's own). Never per index: index names would make the series grow with the schemas.
   */
  void unused(String schema, int count) {
    schemas.unused(schema, count);
  }

  void failure(io.mongosteward.api.v1alpha1.Reason reason) {
    Counter.builder("mongosteward.reconcile.failures").description("Reconciles that did not reach Ready, by reason")
        .tag("reason", reason.name()).register(registry).increment();
  }
}
