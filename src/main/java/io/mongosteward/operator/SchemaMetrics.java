package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MongoSchemas' conditions as the reconciler last wrote them, for dashboards and alerts:
 * {@code mongosteward_schemas{ready,reason}} counts schemas by Ready status ("true", "false",
 * "unknown") and reason (the {@code Reason} enum: a fixed set); {@code mongosteward_schema_ready{schema}}
 * and {@code mongosteward_schema_stalled{schema}} are 1 or 0 per schema ("namespace/name": one
 * series per schema, never a collection or index name). A schema's series go with it.
 */
final class SchemaMetrics {
  record State(String ready, String reason, boolean stalled) {}

  private final MeterRegistry registry;
  private final Map<String, State> bySchema = new ConcurrentHashMap<>();
  private final Map<String, List<Meter>> perSchema = new ConcurrentHashMap<>();
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
    State state = new State(readyValue, reason, stalled);
    if (pairs.add(readyValue + "/" + reason)) {
      Gauge.builder("mongosteward.schemas", bySchema, m -> count(m, readyValue, reason))
          .tags("ready", readyValue, "reason", reason)
          .description("MongoSchemas by their Ready condition's status and reason").register(registry);
    }
    bySchema.put(schema, state);
    perSchema.computeIfAbsent(schema, s -> List.of(
        Gauge.builder("mongosteward.schema.ready", bySchema, m -> is(m.get(s), st -> "true".equals(st.ready())))
            .tag("schema", s).description("1 while the MongoSchema's Ready condition is True").register(registry),
        Gauge.builder("mongosteward.schema.stalled", bySchema, m -> is(m.get(s), State::stalled))
            .tag("schema", s).description("1 while the MongoSchema's Stalled condition is True").register(registry)));
  }

  void forget(String schema) {
    bySchema.remove(schema);
    List<Meter> meters = perSchema.remove(schema);
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  private static double count(Map<String, State> states, String ready, String reason) {
    return states.values().stream().filter(s -> s.ready().equals(ready) && s.reason().equals(reason)).count();
  }

  private static double is(State state, java.util.function.Predicate<State> test) {
    return state != null && test.test(state) ? 1 : 0;
  }
}
