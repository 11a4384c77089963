package io.mongosteward.health;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs when the verdict changes (and when the failure reason changes while down), not every check:
 * a healthy sidecar stays silent, an outage costs a few lines.
 */
final class TransitionLog implements Consumer<ProbeState> {
  private static final Logger LOG = LoggerFactory.getLogger("io.mongosteward.health.Probe");

  private final Supplier<String> target;
  private final ReadinessPolicy policy;
  private final Clock clock;
  private String lastStatus = "starting";
  private String lastReason;

  /** @param target what is probed, free of credentials, e.g. the redacted URI */
  TransitionLog(Supplier<String> target, ReadinessPolicy policy, Clock clock) {
    this.target = target;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public void accept(ProbeState s) {
    Readiness r = policy.evaluate(s, clock.instant());
    String failure = s.lastOk() ? null : s.lastError().reason();
    if (r.status().equals(lastStatus) && (failure == null || failure.equals(lastReason))) {
      return;
    }
    if (r.ready()) {
      String version = s.serverVersion() == null ? "" : ", server " + s.serverVersion();
      LOG.info("{} is up: ping {}{}", target.get(), Durations.format(s.lastLatency()), version);
    } else {
      LOG.warn("{} is {}: {}", target.get(), r.status(), r.reason());
    }
    lastStatus = r.status();
    lastReason = failure;
  }
}
