package io.mongosteward.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Our own meters, tagged by type or reason only: cardinality does not grow with the cluster. */
final class OperatorMetrics {
  private final MeterRegistry registry;
  /** The unused-index gauge's value per schema (namespace/name): held here, as a gauge holds it weakly. */
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> unused =
      new java.util.concurrent.ConcurrentHashMap<>();

  OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
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
   * mongosteward_index_unused{namespace, name}: the schema's unused indexes (policy.reportUnusedAfter).
   * Per schema, never per index: index names would make the series grow with the schemas' size.
   */
  void unused(String namespace, String name, int count) {
    unused.computeIfAbsent(namespace + "/" + name, k -> {
      java.util.concurrent.atomic.AtomicInteger value = new java.util.concurrent.atomic.AtomicInteger();
      io.micrometer.core.instrument.Gauge.builder("mongosteward.index.unused", value, java.util.concurrent.atomic.AtomicInteger::get)
          .description("Indexes with no access for the schema's policy.reportUnusedAfter, per $indexStats")
          .tag("namespace", namespace).tag("name", name).register(registry);
      return value;
    }).set(count);
  }

  /** The schema is gone: its series with it. */
  void forgetUnused(String namespace, String name) {
    if (unused.remove(namespace + "/" + name) != null) {
      registry.find("mongosteward.index.unused").tag("namespace", namespace).tag("name", name).meters()
          .forEach(registry::remove);
    }
  }

  void failure(io.mongosteward.api.v1alpha1.Reason reason) {
    Counter.builder("mongosteward.reconcile.failures").description("Reconciles that did not reach Ready, by reason")
        .tag("reason", reason.name()).register(registry).increment();
  }
}
