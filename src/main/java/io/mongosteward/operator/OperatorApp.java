package io.mongosteward.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.health.HealthSource;
import io.mongosteward.kube.SecretUriReader;
import io.mongosteward.migrate.MigrationRunner;
import io.mongosteward.mongo.MongoSessions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of `mongo-steward operator`: builds everything once, starts, stops. With
 * leader election, the framework starts only on the replica that holds the Lease; the others
 * stand by, ready.
 */
public final class OperatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorApp.class);
  /** How long a stop waits for running reconciles; their operations are idempotent. */
  static final Duration RECONCILE_TERMINATION = Duration.ofSeconds(4);
  /** How long a stop waits for the API server to take the Lease back. */
  static final Duration LEASE_RELEASE = Duration.ofSeconds(2);

  private final OperatorSettings settings;
  private final java.util.function.BooleanSupplier openApiConnection;
  private final OperatorMetrics metrics;
  private final Operator operator;
  private final MongoSessions mongo;
  private final SchemaConnections connections;
  private final OperatorState state = new OperatorState();
  private final ReconcileWatch watch;
  private final OperatorHealth health;
  private final LeaderElection election;
  private final MongoSchemaReconciler schemas;
  private final MongoMigrationReconciler migrations;
  private final IndexBuildQueue builds;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  public OperatorApp(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry) {
    this(client, settings, registry, true);
  }

  /**
   * @param exitOnLostLease a leader that loses its Lease while running exits, so that two replicas
   *     never write at once; tests that run several operators in one JVM turn it off, and such a
   *     leader only stops reconciling
   */
  public OperatorApp(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry,
      boolean exitOnLostLease) {
    this(client, settings, registry, exitOnLostLease, defaultRetry());
  }

  /** The framework's retry of transient failures: 1 s doubling to 30 s, 6 retries. */
  static GenericRetry defaultRetry() {
    return new GenericRetry().setMaxAttempts(6).setInitialInterval(1000).setIntervalMultiplier(2).setMaxInterval(30_000);
  }

  /** @param retry the framework's retry; tests shorten it */
  OperatorApp(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry,
      boolean exitOnLostLease, GenericRetry retry) {
    this(client, settings, registry, exitOnLostLease, retry, java.util.List.of());
  }

  /** @param listeners told every command sent to MongoDB; tests count them */
  OperatorApp(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry,
      boolean exitOnLostLease, GenericRetry retry, java.util.List<com.mongodb.event.CommandListener> listeners) {
    this.settings = settings;
    // Before the informers list (kube.ApiConnection says why); a stop meanwhile calls the start off.
    this.openApiConnection = () -> {
      io.mongosteward.kube.ApiConnection.open(client);
      return !stopped.get() && !closed.get();
    };
    this.mongo = MongoSessions.operator(settings.mongoAttempts(), listeners);
    this.connections = new SchemaConnections(new SecretUriReader(client), mongo.clients());
    Clock clock = Clock.systemUTC();
    this.watch = new ReconcileWatch(clock, settings.stuckReconcile());
    this.metrics = new OperatorMetrics(registry);
    metrics.watch(watch);
    // Started and not stopped: the framework runs on the leader only, and a lost Lease stops it.
    metrics.leader(() -> started.get() && !stopped.get() && !closed.get());
    SchemaEvents events = new SchemaEvents(client, clock);
    SchemaNudge nudge = new SchemaNudge(client, settings.namespaces());
    this.builds = new IndexBuildQueue(IndexBuildQueue.THREADS, settings.maxConcurrentIndexBuilds(), clock,
        settings.permanentErrorRecheck(), nudge::schema, mongo.clients()::hold);
    this.schemas = new MongoSchemaReconciler(settings, connections, mongo.engine(),
        new SchemaStatuses(clock), events, metrics, new BlockedBuilds(clock, settings.blockedRecheck()), watch, nudge,
        builds);
    this.migrations = new MongoMigrationReconciler(client, connections,
        new MigrationRunner(mongo.retrier(), clock, MigrationRunner.Settings.defaults().withRunner(settings.identity())),
        settings.migrationThreads(), new MigrationStatuses(clock), events, new MigrationMetrics(registry), nudge, clock);
    this.operator = new Operator(o -> o.withKubernetesClient(client)
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(settings.reconcileThreads())
        .withConcurrentWorkflowExecutorThreads(1)
        .withReconciliationTerminationTimeout(RECONCILE_TERMINATION)
        .withStopOnInformerErrorDuringStartup(false));
    operator.register(schemas, c -> {
      watch(c, settings);
      c.withRetry(retry);
      c.withTriggerReconcilerOnAllEvents(true);
      c.withReconciliationMaxInterval(settings.resyncInterval());
    });
    operator.register(migrations, c -> {
      watch(c, settings);
      c.withRetry(retry);
      // Deletions too (there is no finalizer), so that a deleted migration's run stops.
      c.withTriggerReconcilerOnAllEvents(true);
    });
    this.election = !settings.leaderElection() ? null
        : new LeaderElection(client, settings.leaseNamespace() != null ? settings.leaseNamespace() : client.getNamespace(),
            settings.leaseName(), settings.identity(), this::startOperator,
            exitOnLostLease ? OperatorApp::exitLost : this::stopReconciling, leader -> {
              if (!leader.equals(settings.identity())) {
                state.standby(settings.leaseName(), leader);
              }
            });
    this.health = new OperatorHealth(state, watch, connections);
  }

  /**
   * The informers list in pages of {@link #LIST_PAGE}, client-go's page size: a connection to the API
   * server keeps the exchange that opened it (kube.ApiConnection says why), so a list that reopens one
   * after the API server went away keeps at most a page, not every schema.
   */
  static final long LIST_PAGE = 500;

  /** Both kinds are watched in the same namespaces, listed in pages. */
  private static void watch(io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<?> c,
      OperatorSettings settings) {
    c.withInformerListLimit(LIST_PAGE);
    if (settings.namespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(settings.namespaces());
    }
  }

  /** Returns at once: the framework loads its informers in the background, and /readyz says when it is done. */
  public void start() {
    if (election == null) {
      startOperator();
    } else {
      state.electing(settings.leaseName(), settings.leaseNamespace() != null ? settings.leaseNamespace()
          : "the client's namespace");
      election.start();
    }
  }

  private void startOperator() {
    if (started.compareAndSet(false, true)) {
      state.start(operator, Duration.ofSeconds(1), openApiConnection);
      LOG.info("operator starting");
    }
  }

  /** Never exit inside a callback the JVM's shutdown may be running: from a thread of its own. */
  private static void exitLost() {
    new Thread(() -> System.exit(1), "lost-lease-exit").start();
  }

  private void stopReconciling() {
    state.stopping();
    stopOperator();
  }

  /** Once: a second stop would wait again on an API server that may be gone. */
  private void stopOperator() {
    if (started.get() && stopped.compareAndSet(false, true)) {
      // Runs first: each stops at its next batch with its checkpoint written, for the next leader.
      migrations.stopRuns(RECONCILE_TERMINATION);
      // Builds are not waited for: the server finishes them, and the next leader finds them running.
      builds.close(Duration.ofSeconds(1));
      operator.stop();
    }
  }

  /** Open MongoDB clients; with {@link #createdClients()}, what a rotated certificate did. */
  int openClients() {
    return connections.openClients();
  }

  int createdClients() {
    return connections.createdClients();
  }

  public HealthSource health() {
    return health;
  }

  /**
   * Stops reconciling (running reconciles get {@link #RECONCILE_TERMINATION}), then gives the Lease
   * back. The caller bounds the whole: with the API server gone, each step may wait on it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    state.stopping();
    stopOperator();
    schemas.stopPolling();
    if (election != null) {
      election.stop(LEASE_RELEASE);
    }
    state.close();
    connections.close();
    metrics.close();
    LOG.info("operator stopped");
  }
}
