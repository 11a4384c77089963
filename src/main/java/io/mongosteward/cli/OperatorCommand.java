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
import java.time.Duration;
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

  @Option(names = "--namespaces", paramLabel = "NS[,NS]", defaultValue = "${env:MONGOSTEWARD_NAMESPACES:-}",
      description = "Namespaces to watch, comma-separated (env MONGOSTEWARD_NAMESPACES); empty watches all.")
  String namespaces;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:MONGOSTEWARD_PORT:-8080}",
      description = "Port of /livez, /readyz, /health and /metrics (env MONGOSTEWARD_PORT; default 8080).")
  int port;

  @Option(names = "--resync", paramLabel = "DURATION", defaultValue = "${env:MONGOSTEWARD_RESYNC:-10m}",
      converter = DurationConverter.class,
      description = "How often each MongoSchema is checked again for drift, e.g. an index dropped by hand "
          + "(env MONGOSTEWARD_RESYNC; default 10m).")
  Duration resync;

  @Option(names = "--secret-poll", paramLabel = "DURATION", defaultValue = "${env:MONGOSTEWARD_SECRET_POLL:-30s}",
      converter = DurationConverter.class,
      description = "How often each referenced Secret is read, to notice its creation or rotation "
          + "(env MONGOSTEWARD_SECRET_POLL; default 30s).")
  Duration secretPoll;

  @Option(names = "--unreachable-recheck", paramLabel = "DURATION",
      defaultValue = "${env:MONGOSTEWARD_UNREACHABLE_RECHECK:-1m}", converter = DurationConverter.class,
      description = "After retries for an unreachable MongoDB are exhausted, how often to try again "
          + "(env MONGOSTEWARD_UNREACHABLE_RECHECK; default 1m).")
  Duration unreachableRecheck;

  @Option(names = "--delete-attempts", paramLabel = "N", defaultValue = "${env:MONGOSTEWARD_DELETE_ATTEMPTS:-5}",
      description = "Attempts to drop indexes of a deleted schema with deletionPolicy Delete before its finalizer "
          + "is released anyway (env MONGOSTEWARD_DELETE_ATTEMPTS; default 5).")
  int deleteAttempts;

  @Option(names = "--reconcile-threads", paramLabel = "N", defaultValue = "${env:MONGOSTEWARD_RECONCILE_THREADS:-10}",
      description = "Schemas reconciled at once (env MONGOSTEWARD_RECONCILE_THREADS; default 10).")
  int reconcileThreads;

  @Option(names = "--leader-election", paramLabel = "true|false", defaultValue = "${env:MONGOSTEWARD_LEADER_ELECTION:-true}",
      arity = "1", description = "Elect one active replica through a Lease (env MONGOSTEWARD_LEADER_ELECTION; default true).")
  boolean leaderElection;

  @Option(names = "--lease-namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-}",
      description = "Namespace of the Lease (env POD_NAMESPACE); default: the client's namespace.")
  String leaseNamespace;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new InputException("--port " + port + ": not a port; use 1 to 65535 (0 picks a free one)");
    }
    if (reconcileThreads < 1) {
      throw new InputException("--reconcile-threads " + reconcileThreads + ": must be at least 1");
    }
    if (deleteAttempts < 1) {
      throw new InputException("--delete-attempts " + deleteAttempts + ": must be at least 1");
    }
    Set<String> watched = namespaces == null || namespaces.isBlank() ? Set.of()
        : Arrays.stream(namespaces.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    OperatorSettings defaults = OperatorSettings.defaults();
    OperatorSettings settings = defaults.withNamespaces(watched)
        .withIntervals(resync, secretPoll, unreachableRecheck, defaults.permanentErrorRecheck())
        .withDeletion(deleteAttempts, defaults.deleteRetryDelay())
        .withLeaderElection(leaderElection, defaults.leaseName(), leaseNamespace.isBlank() ? null : leaseNamespace)
        .withReconcileThreads(reconcileThreads);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmMetrics jvm = JvmMetrics.bindTo(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorApp app = new OperatorApp(client, settings, registry);
    HealthServer http;
    try {
      http = HealthServer.start(new InetSocketAddress(port), app.health(), registry);
    } catch (BindException e) {
      throw new InputException("--port " + port + ": cannot listen there (" + e.getMessage() + "); choose another.");
    } catch (IOException e) {
      throw new InputException("--port " + port + ": cannot start the HTTP server: " + e);
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
