package io.mongosteward.operator;

import io.mongosteward.testsupport.Http;
import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.health.HealthServer;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Leader election, the operator's own endpoints, and the credentials it must never leak. */
class OperatorClusterIT {
  static final String PASSWORD = "Zq9-leak-canary-77x";

  @Test
  void twoInstancesElectOneLeaderAndOnlyItReconciles() {
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "leader");
      PrometheusMeterRegistry regA = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PrometheusMeterRegistry regB = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      OperatorSettings base = OperatorSettings.defaults().with(s -> {
        s.namespaces = Set.of(ns);
        s.leaseNamespace = ns;
      });
      try (OperatorApp a = new OperatorApp(KubeApi.client(), base.with(s -> s.identity = "replica-a"), regA, false);
           OperatorApp b = new OperatorApp(KubeApi.client(), base.with(s -> s.identity = "replica-b"), regB, false)) {
        a.start();
        b.start();
        eventually().until(() -> holder(client, ns) != null);
        String leader = holder(client, ns);
        assertThat(leader).isIn("replica-a", "replica-b");

        OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
        OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("op_leader", ""));
        eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, ns, "bot")));
        double appliedA = applied(regA);
        double appliedB = applied(regB);
        // 3 changes, and the claims of the collection and the counter.
        assertThat(appliedA + appliedB).isEqualTo(5.0);
        assertThat(leader.equals("replica-a") ? appliedB : appliedA).as("the follower applied nothing").isZero();
        assertThat(holder(client, ns)).isEqualTo(leader);
      }
    }
  }

  /**
   * Two operators without leader election reconcile the same schema through several edits: each
   * status patch of the slower one meets a newer resourceVersion (409). That is optimistic
   * concurrency, not a failure: no Warning Event, no failure counted, Ready never leaves True.
   */
  @Test
  void twoOperatorsWithoutLeaderElectionMeetConflictsButReportNoFailure() {
    Logger reconcilerLog = (Logger) LoggerFactory.getLogger(MongoSchemaReconciler.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    reconcilerLog.addAppender(logs);
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "twoops");
      PrometheusMeterRegistry regA = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PrometheusMeterRegistry regB = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      OperatorSettings base = OperatorSettings.defaults().with(s -> {
        s.namespaces = Set.of(ns);
        s.leaderElection = false;
        s.resyncInterval = java.time.Duration.ofSeconds(2);
        s.secretPollInterval = java.time.Duration.ofSeconds(1);
      });
      try (OperatorApp a = new OperatorApp(KubeApi.client(), base, regA, false);
           OperatorApp b = new OperatorApp(KubeApi.client(), base, regB, false)) {
        a.start();
        b.start();
        OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
        StringBuilder more = new StringBuilder();
        for (int edit = 0; edit <= 4; edit++) {
          if (edit > 0) {
            more.append("      - {name: extra_").append(edit).append(", keys: [{field: extra").append(edit).append("}]}\n");
          }
          OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("op_twoops", more.toString(), ""));
          String want = (2 + edit) + "/" + (2 + edit);
          eventually().alias("edit " + edit + " converges").until(() -> {
            MongoSchema s = client.resources(MongoSchema.class).inNamespace(ns).withName("bot").get();
            return s.getStatus() != null && s.getMetadata().getGeneration().equals(s.getStatus().getObservedGeneration())
                && want.equals(s.getStatus().getIndexSummary()) && "True".equals(OperatorHarness.readyIn(client, ns, "bot"));
          });
        }
        long conflicts = logs.list.stream().filter(e -> e.getFormattedMessage().contains("(409 Conflict)")).count();
        assertThat(conflicts).as("the two operators did meet conflicts: this test exercises them").isPositive();
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
            .noneMatch(e -> "Warning".equals(e.getType()))
            .noneMatch(e -> Reason.Failed.name().equals(e.getReason()));
        for (PrometheusMeterRegistry r : List.of(regA, regB)) {
          assertThat(r.find("mongosteward.reconcile.failures").counters()).as("no failure counted").isEmpty();
        }
      }
    } finally {
      reconcilerLog.detachAppender(logs);
    }
  }

  @Test
  void passwordNeverAppearsInLogsEventsStatusOrMetrics() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (OperatorHarness op = new OperatorHarness("leak")) {
      // mongo-java-server knows no authentication: credentials make the driver fail with them in hand.
      String uri = MongoBackend.MONGO_JAVA_SERVER.uri().replace("mongodb://", "mongodb://app:" + PASSWORD + "@");
      op.secret("mongo", uri);
      op.apply("auth", MongoSchemaOperatorIT.spec("op_leak", ""));
      op.secret("broken", "mongodb://app:" + PASSWORD + "@host:notaport/db");
      op.apply("broken", MongoSchemaOperatorIT.spec("op_leak2", "").replace("name: mongo,", "name: broken,"));
      op.awaitReady("broken", "False", Reason.InvalidConnectionString.name());
      eventually().until(() -> op.ready("auth") != null && "False".equals(op.ready("auth").getStatus()));
      // Let failures accumulate: several attempts, Events, metrics.
      eventually().until(() -> op.client.v1().events().inNamespace(op.namespace).list().getItems().size() >= 2);

      try (HealthServer http = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), op.app.health(), op.registry)) {
        String metrics = Http.body(http.port(), "/metrics");
        String health = Http.body(http.port(), "/health");
        assertThat(metrics).contains("mongosteward_reconcile_failures_total").doesNotContain(PASSWORD);
        assertThat(health).doesNotContain(PASSWORD);
      }
      String events = op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
          .map(e -> e.getReason() + ": " + e.getMessage()).collect(Collectors.joining("\n"));
      String statuses = Serialization.asYaml(op.get("auth").getStatus()) + Serialization.asYaml(op.get("broken").getStatus());
      String logText = logs.list.stream().map(e -> e.getFormattedMessage() + causes(e.getThrowableProxy()))
          .collect(Collectors.joining("\n"));
      assertThat(events).isNotBlank().doesNotContain(PASSWORD);
      assertThat(statuses).contains("Ready").doesNotContain(PASSWORD);
      assertThat(logText).isNotBlank().doesNotContain(PASSWORD);
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void operatorServesItsOwnEndpointsWithControllerMetrics() throws Exception {
    try (OperatorHarness op = new OperatorHarness("endpoints");
         HealthServer http = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), op.app.health(), op.registry)) {
      op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      op.apply("bot", MongoSchemaOperatorIT.spec("op_endpoints", ""));
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(Http.status(http.port(), "/livez")).isEqualTo(200);
      eventually().until(() -> Http.status(http.port(), "/readyz") == 200);
      String metrics = Http.body(http.port(), "/metrics");
      assertThat(metrics).contains("mongosteward_actions_applied_total{type=\"CreateIndex\"} 2.0",
          "mongosteward_actions_applied_total{type=\"SeedCounter\"} 1.0", "operator_sdk_");
      // Low cardinality: no per-resource names in tags.
      assertThat(metrics).doesNotContain("name=\"bot\"");
    }
  }

  /** Every message down a logged exception's cause chain, and its suppressed ones. */
  private static String causes(ch.qos.logback.classic.spi.IThrowableProxy t) {
    if (t == null) return "";
    StringBuilder sb = new StringBuilder(" ").append(t.getClassName()).append(": ").append(t.getMessage());
    for (var s : t.getSuppressed()) sb.append(causes(s));
    return sb.append(causes(t.getCause())).toString();
  }

  private static String holder(KubernetesClient client, String ns) {
    Lease lease = client.leases().inNamespace(ns).withName("mongo-steward-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static double applied(PrometheusMeterRegistry registry) {
    return registry.find("mongosteward.actions.applied").counters().stream().mapToDouble(Counter::count).sum();
  }

}
