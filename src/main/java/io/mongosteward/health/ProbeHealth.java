package io.mongosteward.health;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sidecar's {@link HealthSource}: the prober's latest state, judged by the readiness policy. */
public final class ProbeHealth implements HealthSource {
  private final Prober prober;
  private final ReadinessPolicy policy;
  private final ProbeSettings settings;
  private final Clock clock;
  private final java.util.function.Supplier<String> warning;

  public ProbeHealth(Prober prober, ProbeSettings settings, Clock clock) {
    this(prober, settings, clock, () -> null);
  }

  /** @param warning the probe's {@link Probe#warning()}, shown as {@code warning} while not null */
  public ProbeHealth(Prober prober, ProbeSettings settings, Clock clock, java.util.function.Supplier<String> warning) {
    this.prober = prober;
    this.policy = ReadinessPolicy.of(settings);
    this.settings = settings;
    this.clock = clock;
    this.warning = warning;
  }

  @Override
  public boolean live() {
    return prober.live(clock.instant());
  }
  @Override
  public String notLiveReason() {
    return "the probe loop is stuck";
  }


  @Override
  public Readiness readiness() {
    return policy.evaluate(prober.state(), clock.instant());
  }

  @Override
  public Map<String, Object> details(Readiness r) {
    ProbeState s = prober.state();
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("last", ms(s.lastLatency()));
    latency.put("p50", ms(s.window().p50()));
    latency.put("p99", ms(s.window().p99()));
    latency.put("samples", s.window().samples());
    latency.put("window", Durations.format(settings.window()));
    Map<String, Object> error = null;
    if (s.lastError() != null) {
      error = new LinkedHashMap<>();
      error.put("at", s.lastError().at());
      error.put("reason", s.lastError().reason());
      error.put("message", s.lastError().message());
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", r.status());
    doc.put("ready", r.ready());
    doc.put("reason", r.reason());
    doc.put("checkedAt", s.checkedAt());
    doc.put("lastSuccessAt", s.lastSuccessAt());
    doc.put("latencyMs", latency);
    doc.put("consecutiveFailures", s.consecutiveFailures());
    doc.put("lastError", error);
    doc.put("serverVersion", s.serverVersion());
    doc.put("checks", s.checks());
    String warned = warning.get();
    if (warned != null) {
      doc.put("warning", warned);
    }
    Map<String, Object> settingsDoc = new LinkedHashMap<>();
    settingsDoc.put("interval", Durations.format(settings.interval()));
    settingsDoc.put("timeout", Durations.format(settings.timeout()));
    settingsDoc.put("readyLatency", Durations.format(settings.readyLatency()));
    settingsDoc.put("staleAfter", Durations.format(settings.staleAfter()));
    doc.put("settings", settingsDoc);
    return doc;
  }

  private static Object ms(Duration d) {
    return d == null ? null : Durations.millis(d);
  }
}
