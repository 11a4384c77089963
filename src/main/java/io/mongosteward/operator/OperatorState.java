package io.mongosteward.operator;

import io.javaoperatorsdk.operator.Operator;
import io.mongosteward.health.Readiness;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What /readyz says, kept in memory by the operator itself. The framework's runtime info waits on
 * a lock that Operator.start() holds while the informers load (up to minutes when the CRD is
 * missing or RBAC refuses a list), so no request ever asks the framework: a background check does,
 * once started, and probes read its last answer.
 */
final class OperatorState implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorState.class);

  private volatile Readiness readiness = new Readiness(false, "starting", "the operator is starting");
  private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "operator-state");
    t.setDaemon(true);
    return t;
  });

  Readiness readiness() {
    return readiness;
  }

  /**
   * No leader seen yet: not ready, since nothing may be reconciling at all (the API server out of
   * reach, or RBAC refusing the Lease).
   */
  void electing(String leaseName, String namespace) {
    set(new Readiness(false, "electing", "no replica holds the Lease " + leaseName + " yet: if this lasts, "
        + "check that the API server answers and that the operator may get, create and patch leases in " + namespace));
  }

  /** Another replica holds the Lease: this one is healthy, and ready to take over. */
  void standby(String leaseName, String leader) {
    set(new Readiness(true, "standby", leader + " holds the Lease " + leaseName + "; this replica waits"));
  }

  /**
   * Starts the framework off the caller's thread, after {@code opening} (what opens the API
   * connection, which may take minutes against a silent API server), unless that says the start was
   * called off meanwhile (a stop or a lost Lease); then checks its informers every {@code period}.
   */
  void start(Operator operator, java.time.Duration period, java.util.function.BooleanSupplier opening) {
    set(new Readiness(false, "starting", "loading MongoSchemas and MongoMigrations from the API server (are "
        + "the CRDs installed, and may the operator list and watch mongoschemas and mongomigrations?)"));
    Thread starter = new Thread(() -> {
      try {
        if (!opening.getAsBoolean()) {
          LOG.info("the operator was stopped while its API connection opened: not started");
          return;
        }
      } catch (RuntimeException e) {
        // Only a warm-up: the informers open their own connections and retry.
        LOG.warn("opening the API connection failed ({}); starting anyway", e.toString());
      }
      try {
        operator.start();
      } catch (RuntimeException e) {
        LOG.warn("the operator started with errors: {}", e.getMessage());
      }
      shortenIdleStartThreads(operator);
      checker.scheduleWithFixedDelay(() -> check(operator), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }, "operator-start");
    starter.setDaemon(true);
    starter.start();
  }

  /** How long the framework's start threads may stay idle once the start is over. */
  static final java.time.Duration START_THREADS_IDLE = java.time.Duration.ofSeconds(5);

  /**
   * JOSDK starts the informers, one per namespace and kind, in parallel on a cached pool whose idle
   * threads stay a minute (Executors.newCachedThreadPool, not configurable in JOSDK 5.2): with 10
   * namespaces, 22 threads and their stacks for a minute after every start. Once the start is over
   * they end within a few seconds; a later informer start makes threads again.
   */
  static void shortenIdleStartThreads(Operator operator) {
    try {
      if (operator.getConfigurationService().getExecutorServiceManager().cachingExecutorService()
          instanceof ThreadPoolExecutor pool) {
        pool.setKeepAliveTime(START_THREADS_IDLE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      LOG.debug("the framework's start threads keep their idle time: {}", e.toString()); // memory only
    }
  }

  private void check(Operator operator) {
    try {
      var info = operator.getRuntimeInfo();
      if (!info.isStarted()) {
        set(new Readiness(false, "starting", "the operator has not started yet"));
      } else if (!info.allEventSourcesAreHealthy()) {
        set(new Readiness(false, "degraded", "an informer is not healthy (are the CRDs installed, and may the "
            + "operator list and watch mongoschemas and mongomigrations?): " + info.unhealthyEventSources().keySet()));
      } else {
        set(new Readiness(true, "up", "informers are healthy"));
      }
    } catch (RuntimeException e) {
      set(new Readiness(false, "degraded", "cannot read the operator's state: " + e.getClass().getSimpleName()));
    }
  }

  synchronized void stopping() {
    readiness = new Readiness(false, "stopping", "the operator is stopping");
  }

  /**
   * Any answer but "stopping", which is final: the background check, a late election callback or a
   * check that read the framework just before the stop would otherwise take it back (to "starting",
   * or for a moment "up") while the replica no longer reconciles.
   */
  private synchronized void set(Readiness r) {
    if (!"stopping".equals(readiness.status())) {
      readiness = r;
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
