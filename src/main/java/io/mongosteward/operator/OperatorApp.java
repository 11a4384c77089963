package io.mongosteward.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.health.HealthSource;
import io.mongosteward.kube.SecretUriReader;
import io.mongosteward.mongo.MongoSessions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of `mongo-steward operator`: builds everything once, starts, stops. */
public final class OperatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorApp.class);

  private final Operator operator;
  private final MongoSessions mongo;
  private final SchemaConnections connections;
  private final OperatorHealth health;

  public OperatorApp(KubernetesClient client, OperatorSettings settings, PrometheusMeterRegistry registry) {
    this(client, settings, registry, true);
  }

  /**
   * @param exitOnLostLease a leader that loses its Lease exits, so that two replicas never write at
   *     once; tests that run several operators in one JVM turn it off
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
    this.mongo = MongoSessions.operator(settings.mongoAttempts());
    this.connections = new SchemaConnections(new SecretUriReader(client), mongo.clients());
    Clock clock = Clock.systemUTC();
    MongoSchemaReconciler reconciler = new MongoSchemaReconciler(settings, connections, mongo.engine(),
        new SchemaStatuses(clock), new SchemaEvents(client, clock), new OperatorMetrics(registry),
        new BlockedBuilds(clock, settings.blockedRecheck()));
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withConcurrentWorkflowExecutorThreads(1)
          .withStopOnInformerErrorDuringStartup(false);
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, settings.identity(), null, exitOnLostLease));
      }
    });
    operator.register(reconciler, c -> {
      if (settings.namespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.namespaces());
      }
      c.withRetry(retry);
      c.withReconciliationMaxInterval(settings.resyncInterval());
    });
    this.health = new OperatorHealth(operator, connections);
  }

  public void start() {
    operator.start();
    LOG.info("operator started");
  }

  public HealthSource health() {
    return health;
  }

  @Override
  public void close() {
    operator.stop();
    connections.close();
  }
}
