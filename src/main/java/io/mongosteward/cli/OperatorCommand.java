package io.mongosteward.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.health.HealthServer;
import io.mongosteward.health.JvmMetrics;
import io.mongosteward.operator.OperatorApp;
import io.mongosteward.operator.OperatorSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

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
  @ParentCommand Main main;

  @Option(names = "--namespaces", paramLabel = "NS[,NS]",
      description = "Namespaces to watch, comma-separated (env MONGOSTEWARD_NAMESPACES); empty watches all.")
  String namespaces;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port of /livez, /readyz, /health and /metrics (env MONGOSTEWARD_PORT; default 8080).")
  String port;

  @Option(names = "--resync", paramLabel = "DURATION",
      description = "How often each MongoSchema is checked again for drift, e.g. an index dropped by hand "
          + "(env MONGOSTEWARD_RESYNC; default 10m). Durations: 500ms, 30s, 10m, 1h.")
  String resync;

  @Option(names = "--secret-poll", paramLabel = "DURATION",
      description = "How often each referenced Secret is read, to notice its creation or rotation "
          + "(env MONGOSTEWARD_SECRET_POLL; default 30s).")
  String secretPoll;

  @Option(names = "--unreachable-recheck", paramLabel = "DURATION",
      description = "After retries for an unreachable MongoDB are exhausted, how often to try again "
          + "(env MONGOSTEWARD_UNREACHABLE_RECHECK; default 1m).")
  String unreachableRecheck;

  @Option(names = "--delete-attempts", paramLabel = "N",
      description = "Attempts to clean up after a deleted schema (release its collections and, with "
          + "deletionPolicy Delete, drop its indexes) before its finalizer is released anyway "
          + "(env MONGOSTEWARD_DELETE_ATTEMPTS; default 5).")
  String deleteAttempts;

  @Option(names = "--blocked-recheck", paramLabel = "DURATION",
      description = "How long a unique index that existing duplicates block waits before it is built again; "
          + "meanwhile each resync only recounts the duplicates, and builds as soon as they are gone "
          + "(env MONGOSTEWARD_BLOCKED_RECHECK; default 1h).")
  String blockedRecheck;

  @Option(names = "--reconcile-threads", paramLabel = "N",
      description = "Schemas reconciled at once (env MONGOSTEWARD_RECONCILE_THREADS; default 10).")
  String reconcileThreads;

  @Option(names = "--leader-election", paramLabel = "true|false",
      description = "Elect one active replica through a Lease (env MONGOSTEWARD_LEADER_ELECTION; default true).")
  String leaderElection;

  @Option(names = "--lease-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (env POD_NAMESPACE); default: the client's namespace.")
  String leaseNamespace;

  /** Every setting, from its flag, else its environment variable, else its default; validated here. */
  OperatorSettings settings() {
    FlagOrEnv flags = new FlagOrEnv(main.env);
    String ns = flags.text(namespaces, "MONGOSTEWARD_NAMESPACES", "");
    Set<String> watched = Arrays.stream(ns.split(",")).map(String::strip).filter(x -> !x.isEmpty())
        .collect(Collectors.toSet());
    OperatorSettings defaults = OperatorSettings.defaults();
    String lease = flags.text(leaseNamespace, "POD_NAMESPACE", null);
    return defaults.withNamespaces(watched)
        .withIntervals(
            flags.duration("--resync", resync, "MONGOSTEWARD_RESYNC", defaults.resyncInterval()),
            flags.duration("--secret-poll", secretPoll, "MONGOSTEWARD_SECRET_POLL", defaults.secretPollInterval()),
            flags.duration("--unreachable-recheck", unreachableRecheck, "MONGOSTEWARD_UNREACHABLE_RECHECK",
                defaults.unreachableRecheck()),
            defaults.permanentErrorRecheck())
        .withDeletion(flags.integer("--delete-attempts", deleteAttempts, "MONGOSTEWARD_DELETE_ATTEMPTS", 1,
            defaults.deleteAttempts()), defaults.deleteRetryDelay())
        .withLeaderElection(flags.bool("--leader-election", leaderElection, "MONGOSTEWARD_LEADER_ELECTION", true),
            defaults.leaseName(), lease)
        .withReconcileThreads(flags.integer("--reconcile-threads", reconcileThreads, "MONGOSTEWARD_RECONCILE_THREADS", 1,
            defaults.reconcileThreads()))
        .withBlockedRecheck(flags.duration("--blocked-recheck", blockedRecheck, "MONGOSTEWARD_BLOCKED_RECHECK",
            defaults.blockedRecheck()));
  }

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = settings();
    int listenPort = new FlagOrEnv(main.env).port("--port", port, "MONGOSTEWARD_PORT", 8080);
    Set<String> watched = settings.namespaces();

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMetrics jvm = JvmMetrics.bindTo(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorApp app = new OperatorApp(client, settings, registry);
    HealthServer http;
    try {
      http = HealthServer.start(new InetSocketAddress(listenPort), app.health(), registry);
    } catch (BindException e) {
      app.close();
      throw new InputException("--port " + listenPort + ": cannot listen there (" + e.getMessage()
          + "); choose another with --port or MONGOSTEWARD_PORT.");
    } catch (IOException e) {
      app.close();
      throw new InputException("--port " + listenPort + ": cannot start the HTTP server: " + e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.close();
      app.close();
      jvm.close();
      client.close();
      stopped.countDown();
    }, "operator-shutdown"));
    main.err.println("mongo-steward operator: serving health and metrics on :" + http.port() + ", watching "
        + (watched.isEmpty() ? "all namespaces" : watched));
    main.err.flush();
    app.start();
    stopped.await();
    return Main.OK;
  }
}
