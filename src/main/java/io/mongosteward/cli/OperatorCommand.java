package io.mongosteward.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.kube.KubeHttpClients;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.health.HealthServer;
import io.mongosteward.health.JvmMetrics;
import io.mongosteward.operator.OperatorApp;
import io.mongosteward.operator.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "operator", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the Kubernetes operator: keeps every MongoSchema's database as declared.",
        "",
        "It uses the in-cluster configuration, or the current kubeconfig outside a cluster. It caches only MongoSchema "
            + "resources and the Secrets they name. With leader election (default), replicas elect one leader through "
            + "a Lease; the others wait. It serves /livez, /readyz, /health and /metrics (JOSDK's controller metrics "
            + "plus mongosteward_actions_applied_total{type} and mongosteward_reconcile_failures_total{reason}).",
        "",
        "Every option can also be set by the environment variable named in its description.", ""},
    footer = {"", "Examples:", "  mongo-steward operator                                # all namespaces, kubeconfig",
        "  mongo-steward operator --namespaces bots,shop --resync 5m",
        "", "Install: kubectl apply -f crds/ -f deploy/   (see docs/operator.md)"})
final class OperatorCommand implements Callable<Integer> {
  /** Every setting of the operator, declared once; {@link Main} adds their options to this command. */
  static final List<Setting<OperatorSettings.Builder>> SETTINGS = List.of(
      Setting.namespaces("--namespaces", "MONGOSTEWARD_NAMESPACES",
          "Namespaces to watch, comma-separated; empty watches all", b -> b.namespaces, (b, v) -> b.namespaces = v),
      Setting.duration("--resync", "MONGOSTEWARD_RESYNC", "How often each MongoSchema is checked again for drift, "
          + "e.g. an index dropped by hand. Durations: 500ms, 30s, 10m, 1h", b -> b.resyncInterval,
          (b, v) -> b.resyncInterval = v),
      Setting.duration("--secret-poll", "MONGOSTEWARD_SECRET_POLL", "How often each referenced Secret is read, to "
          + "notice its creation or rotation", b -> b.secretPollInterval, (b, v) -> b.secretPollInterval = v),
      Setting.duration("--unreachable-recheck", "MONGOSTEWARD_UNREACHABLE_RECHECK", "After retries for an unreachable "
          + "MongoDB are exhausted, how often to try again", b -> b.unreachableRecheck, (b, v) -> b.unreachableRecheck = v),
      Setting.duration("--permanent-recheck", "MONGOSTEWARD_PERMANENT_RECHECK", "How often a schema that MongoDB "
          + "refused for good (credentials, a privilege, a limit) is tried again, and an index build it refused",
          b -> b.permanentErrorRecheck,
          (b, v) -> b.permanentErrorRecheck = v),
      Setting.duration("--blocked-recheck", "MONGOSTEWARD_BLOCKED_RECHECK", "How long a unique index that existing "
          + "duplicates block waits before it is built again; meanwhile each resync only recounts the duplicates, and "
          + "builds as soon as they are gone", b -> b.blockedRecheck, (b, v) -> b.blockedRecheck = v),
      Setting.duration("--stuck-reconcile", "MONGOSTEWARD_STUCK_RECONCILE", "How long a reconcile may stand at one "
          + "step (an index build, say) before /livez fails and the pod is restarted; keep it above "
          + "clientOptions.indexBuildTimeoutMS (1h by default)", b -> b.stuckReconcile, (b, v) -> b.stuckReconcile = v),
      Setting.integer("--mongo-attempts", "MONGOSTEWARD_MONGO_ATTEMPTS", 1, "Attempts of each MongoDB operation "
          + "within one reconcile, with backoff; longer waits are the framework's retry", b -> b.mongoAttempts,
          (b, v) -> b.mongoAttempts = v),
      Setting.integer("--delete-attempts", "MONGOSTEWARD_DELETE_ATTEMPTS", 1, "Attempts to clean up after a deleted "
          + "schema (release its collections and, with deletionPolicy Delete, drop its indexes) before its finalizer "
          + "is released anyway", b -> b.deleteAttempts, (b, v) -> b.deleteAttempts = v),
      Setting.integer("--reconcile-threads", "MONGOSTEWARD_RECONCILE_THREADS", 1, "Schemas reconciled at once",
          b -> b.reconcileThreads, (b, v) -> b.reconcileThreads = v),
      Setting.integer("--migration-threads", "MONGOSTEWARD_MIGRATION_THREADS", 1, "MongoMigrations run at once, "
          + "each on a thread of its own; the others wait as Pending", b -> b.migrationThreads,
          (b, v) -> b.migrationThreads = v),
      Setting.integer("--max-concurrent-index-builds", "MONGOSTEWARD_MAX_CONCURRENT_INDEX_BUILDS", 1, "Index builds "
          + "at once on one MongoDB deployment (one connection string and options); the others queue, and their "
          + "schemas show Reconciling=True with reason IndexBuilding. Builds run apart from the reconcile threads, "
          + "at most 64 of them in all", b -> b.maxConcurrentIndexBuilds,
          (b, v) -> b.maxConcurrentIndexBuilds = v),
      Setting.bool("--leader-election", "MONGOSTEWARD_LEADER_ELECTION", "Elect one active replica through a Lease; "
          + "the others stand by, ready", b -> b.leaderElection, (b, v) -> b.leaderElection = v),
      Setting.namespace("--lease-namespace", "POD_NAMESPACE", "Namespace of the Lease; default: the client's "
          + "namespace", b -> b.leaseNamespace, (b, v) -> b.leaseNamespace = v));

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port of /livez, /readyz, /health and /metrics (env MONGOSTEWARD_PORT; default 8080).")
  String port;

  /** Every setting, from its flag, else its environment variable, else its default; validated here. */
  OperatorSettings settings() {
    FlagOrEnv flags = new FlagOrEnv(main.env);
    return OperatorSettings.defaults().with(b -> Setting.read(spec, SETTINGS, flags, b));
  }

  /**
   * The Lease's namespace: the flag or POD_NAMESPACE, else the client's. Found before anything
   * starts, since without one the elector fails later with a bare "namespace is required".
   */
  static OperatorSettings withLeaseNamespace(OperatorSettings settings, String clientNamespace) {
    if (!settings.leaderElection() || settings.leaseNamespace() != null) {
      return settings;
    }
    if (clientNamespace == null || clientNamespace.isBlank()) {
      throw new InputException("leader election needs the namespace of its Lease, and neither --lease-namespace, "
          + "POD_NAMESPACE nor the kubeconfig's context names one: set --lease-namespace (the Deployment in deploy/ "
          + "sets POD_NAMESPACE), or run a single replica with --leader-election=false.");
    }
    return settings.with(b -> b.leaseNamespace = clientNamespace);
  }

  /** SIGTERM to exit: kubelet waits 30 s by default before it kills; the stop is bounded well below. */
  static final Duration STOP_BOUND = Duration.ofSeconds(8);

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = settings();
    int listenPort = new FlagOrEnv(main.env).port("--port", port, "MONGOSTEWARD_PORT", 8080);
    Set<String> watched = settings.namespaces();

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMetrics jvm = JvmMetrics.bindTo(registry);
    KubernetesClient client = KubeHttpClients.clientBuilder().build();
    try {
      settings = withLeaseNamespace(settings, client.getNamespace());
    } catch (InputException e) {
      client.close();
      throw e;
    }
    OperatorApp app = new OperatorApp(client, settings, registry);
    HealthServer http;
    try {
      http = Lifecycle.serve(listenPort, app.health(), registry);
    } catch (InputException e) {
      app.close();
      throw e;
    }
    main.err.println("mongo-steward operator: serving health and metrics on :" + http.port() + ", watching "
        + (watched.isEmpty() ? "all namespaces" : watched));
    main.err.flush();
    app.start();
    return Lifecycle.runUntilStopped(STOP_BOUND, () -> {
      app.close();
      http.close();
      jvm.close();
      client.close();
    });
  }
}
