package io.mongosteward.health;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sidecar: probe loop, metrics and HTTP server, wired together. The CLI builds the
 * probe and calls {@link #start}; tests do the same with their own probe or URI.
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
  /** SIGTERM to exit: the server stops at once, the loop and the client within this. */
  public static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(5);
  private static final Duration LOOP_GRACE = Duration.ofSeconds(1);

  private final Prober prober;
  private final HealthServer server;
  private final ProbeHealth health;
  private final JvmMetrics jvmMetrics;
  private final PrometheusMeterRegistry registry;

  private Sidecar(Prober prober, HealthServer server, ProbeHealth health, JvmMetrics jvmMetrics,
      PrometheusMeterRegistry registry) {
    this.prober = prober;
    this.server = server;
    this.health = health;
    this.jvmMetrics = jvmMetrics;
    this.registry = registry;
  }

  /**
   * Binds the HTTP server, then starts probing. The probe is closed here if the bind fails.
   *
   * @param reasons every failure reason the probe may report, so each counter series exists from the start
   * @throws IOException when the address cannot be bound
   */
  public static Sidecar start(ProbeSettings settings, Probe probe, List<String> reasons, InetSocketAddress address)
      throws IOException {
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMetrics jvm = JvmMetrics.bindTo(registry);
    ReadinessPolicy policy = ReadinessPolicy.of(settings);
    ProbeMetrics metrics = new ProbeMetrics(registry, reasons, policy, clock);
    Prober prober = new Prober(probe, settings, clock, Scheduler.singleThread("mongosteward-probe"),
        List.of(metrics, new TransitionLog(probe::target, policy, clock)));
    ProbeHealth health = new ProbeHealth(prober, settings, clock, probe::warning);
    HealthServer server;
    try {
      server = HealthServer.start(address, health, registry);
    } catch (IOException | RuntimeException e) {
      probe.close();
      jvm.close();
      registry.close();
      throw e;
    }
    prober.start();
    LOG.info("serving /livez /readyz /health /metrics on port {}; pinging {} every {} (timeout {})", server.port(),
        probe.target(), Durations.format(settings.interval()), Durations.format(settings.timeout()));
    return new Sidecar(prober, server, health, jvm, registry);
  }

  public int port() {
    return server.port();
  }

  public ProbeState state() {
    return prober.state();
  }

  public HealthSource health() {
    return health;
  }

  /** Stops serving, stops the loop and closes the MongoDB client, within {@link #SHUTDOWN_BOUND}. */
  @Override
  public void close() {
    long start = System.nanoTime();
    server.close();
    // The client is closed at once; a ping still blocked in a read gets a moment, then is left to the
    // JVM's exit (the loop runs on a daemon thread).
    prober.close(LOOP_GRACE);
    jvmMetrics.close();
    registry.close();
    LOG.info("stopped in {}", Durations.format(Duration.ofNanos(System.nanoTime() - start)));
  }
}
