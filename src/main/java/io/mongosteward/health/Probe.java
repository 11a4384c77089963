package io.mongosteward.health;

import java.time.Duration;

/**
 * One check of the dependency a process needs (for the sidecar, a MongoDB ping). Called by the
 * {@link Prober} loop only, never by a request.
 */
public interface Probe extends AutoCloseable {
  /** What a successful check measured; {@code serverVersion} may be null. */
  record Sample(Duration latency, String serverVersion) {}

  /**
   * Runs one check, bounded in time by the implementation.
   *
   * @throws Failure when the dependency is not usable
   */
  Sample check();

  /** What is checked, free of credentials, for logs (for the sidecar, the redacted URI); may change. */
  String target();

  /**
   * A problem that does not fail the check, for /health (for the sidecar, TLS files it could not
   * use while it pings with the material it kept), free of credentials; null when there is none.
   */
  default String warning() {
    return null;
  }

  @Override
  void close();

  /** A failed check: a low-cardinality reason (a metric tag) and a message free of credentials. */
  final class Failure extends RuntimeException {
    private final String reason;

    public Failure(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }
}
