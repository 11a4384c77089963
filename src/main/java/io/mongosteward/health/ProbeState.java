package io.mongosteward.health;

import java.time.Duration;
import java.time.Instant;

/**
 * What the probe loop knows after its latest check. Immutable and published whole, so a request
 * reads a consistent picture without a lock and without I/O.
 *
 * @param startedAt when the loop started
 * @param checkedAt when the latest check ended; null before the first one
 * @param lastOk whether the latest check succeeded
 * @param lastLatency the latest check's latency, when it succeeded
 * @param window percentiles of the successful checks over the window
 * @param consecutiveFailures failed checks since the last success
 * @param lastSuccessAt when the latest successful check ended; null if none yet
 * @param lastError the latest failure, kept after recovery so that a flap can be explained; null if none
 * @param serverVersion the server's version, from the latest connection that reported one
 * @param checks checks done since start
 */
public record ProbeState(Instant startedAt, Instant checkedAt, boolean lastOk, Duration lastLatency,
    LatencyWindow.Stats window, int consecutiveFailures, Instant lastSuccessAt, LastError lastError,
    String serverVersion, long checks) {

  /** A failure as shown to people: when, why (a fixed label) and the scrubbed message. */
  public record LastError(Instant at, String reason, String message) {}

  static ProbeState initial(Instant startedAt) {
    return new ProbeState(startedAt, null, false, null, LatencyWindow.Stats.EMPTY, 0, null, null, null, 0);
  }

  ProbeState succeeded(Instant at, Probe.Sample sample, LatencyWindow.Stats stats) {
    String version = sample.serverVersion() != null ? sample.serverVersion() : serverVersion;
    return new ProbeState(startedAt, at, true, sample.latency(), stats, 0, at, lastError, version, checks + 1);
  }

  ProbeState failed(Instant at, String reason, String message, LatencyWindow.Stats stats) {
    return new ProbeState(startedAt, at, false, null, stats, consecutiveFailures + 1, lastSuccessAt,
        new LastError(at, reason, message), serverVersion, checks + 1);
  }
}
