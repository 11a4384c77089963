package io.mongosteward.operator;

import io.javaoperatorsdk.operator.Operator;
import io.mongosteward.health.HealthSource;
import io.mongosteward.health.Readiness;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operator's own /livez, /readyz and /health, from JOSDK's runtime info (memory only). */
final class OperatorHealth implements HealthSource {
  private final Operator operator;
  private final SchemaConnections connections;

  OperatorHealth(Operator operator, SchemaConnections connections) {
    this.operator = operator;
    this.connections = connections;
  }

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public Readiness readiness() {
    var info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return new Readiness(false, "starting", "the operator has not started yet");
    }
    if (!info.allEventSourcesAreHealthy()) {
      return new Readiness(false, "degraded", "an informer is not healthy: " + info.unhealthyEventSources().keySet());
    }
    return new Readiness(true, "up", "informers are healthy");
  }

  @Override
  public Map<String, Object> details(Readiness readiness) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("status", readiness.status());
    d.put("reason", readiness.reason());
    d.put("controllers", operator.getRuntimeInfo().getRegisteredControllers().size());
    d.put("mongoClients", connections.openClients());
    return d;
  }
}
