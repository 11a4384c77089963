package io.mongosteward.operator;

import io.mongosteward.health.HealthSource;
import io.mongosteward.health.Readiness;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's own /livez, /readyz and /health, from memory only: never from the framework,
 * whose runtime info can wait minutes on its start-up lock.
 */
final class OperatorHealth implements HealthSource {
  private final OperatorState state;
  private final ReconcileWatch watch;
  private final SchemaConnections connections;

  OperatorHealth(OperatorState state, ReconcileWatch watch, SchemaConnections connections) {
    this.state = state;
    this.watch = watch;
    this.connections = connections;
  }

  /** Live unless a reconcile is stuck: a restart is the cure for nothing else. */
  @Override
  public boolean live() {
    return watch.live();
  }

  @Override
  public String notLiveReason() {
    return watch.oldest().map(r -> "the reconcile of " + r.schema() + " is stuck (see the log)").orElse("a reconcile is stuck");
  }

  @Override
  public Readiness readiness() {
    return state.readiness();
  }

  @Override
  public Map<String, Object> details(Readiness readiness) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("status", readiness.status());
    d.put("reason", readiness.reason());
    d.put("mongoClients", connections.openClients());
    watch.oldest().ifPresent(r -> d.put("oldestReconcile", Map.of("schema", r.schema(), "since", r.since())));
    return d;
  }
}
