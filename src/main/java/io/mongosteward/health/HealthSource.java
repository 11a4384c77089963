package io.mongosteward.health;

import java.util.Map;

/**
 * What a {@link HealthServer} serves. Implementations answer from state already in memory: a
 * request must never wait on I/O. The sidecar's is {@link ProbeHealth}; the operator plugs in its own.
 */
public interface HealthSource {
  /** False only when the process should be restarted (/livez 503). */
  boolean live();

  /** What /livez says when {@link #live()} is false: why a restart is the cure. */
  default String notLiveReason() {
    return "not live";
  }

  /** The verdict for /readyz; /health reuses it so that both agree. */
  Readiness readiness();

  /**
   * The /health document for this verdict, as JSON values: String, Number, Boolean, null, Map, List
   * or Instant. Never a credential.
   */
  Map<String, Object> details(Readiness readiness);
}
