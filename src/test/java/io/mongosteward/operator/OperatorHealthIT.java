package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.health.HealthServer;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the operator's probes say while it starts and while a reconcile is stuck. */
class OperatorHealthIT {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private int status(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(1))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void whileTheMongoSchemaWatchCannotLoadLivezIsUpReadyzSaysWhyAndReadyComesWithoutARestart() throws Exception {
    // The operator runs as a user that may not list MongoSchemas yet (as with a missing CRD or RBAC):
    // before, Operator.start() held the lock that readiness waited on, and every endpoint hung.
    String user = "late-rbac-" + System.nanoTime();
    Config config = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml())).withImpersonateUsername(user)
        .withImpersonateGroups("system:authenticated").build();
    try (KubernetesClient admin = KubeApi.client();
         KubernetesClient asOperator = new KubernetesClientBuilder().withConfig(config).build();
         OperatorApp app = new OperatorApp(asOperator, OperatorSettings.defaults().with(b -> b.leaderElection = false),
             new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
         HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), app.health(),
             new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      app.start();
      int port = server.port();
      List<CompletableFuture<int[]>> probes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        probes.add(CompletableFuture.supplyAsync(() -> {
          try {
            return new int[] {status(port, "/livez"), status(port, "/readyz")};
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (var p : probes) {
        assertThat(p.get()).as("/livez, /readyz, each within its 1 s timeout").containsExactly(200, 503);
      }

      admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(user).endMetadata()
          .withRules(new PolicyRuleBuilder().withApiGroups("mongosteward.io").withResources("mongoschemas",
              "mongoschemas/status", "mongoschemas/finalizers", "mongomigrations", "mongomigrations/status").withVerbs("get", "list", "watch", "patch", "update").build(),
              new PolicyRuleBuilder().withApiGroups("").withResources("events").withVerbs("create").build(),
              new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("get").build())
          .build()).create();
      admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(user)
          .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
          .addNewSubject().withKind("User").withName(user).withApiGroup("rbac.authorization.k8s.io").endSubject()
          .build()).create();
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
          .until(() -> status(port, "/readyz") == 200);
      assertThat(status(port, "/livez")).isEqualTo(200);
    }
  }

  @Test
  void aReconcileStuckPastTheBoundFailsLivezAndTheLogNamesTheSchema() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger watchLog = (Logger) LoggerFactory.getLogger(ReconcileWatch.class);
    logs.start();
    watchLog.addAppender(logs);
    Proxy proxy = Toxiproxy.proxy("stuck", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    // A reconcile that waits 15 s on a silent server (one attempt), against a 2 s bound.
    try (OperatorHarness op = new OperatorHarness("stuck", s -> s.with(b -> {
          b.mongoAttempts = 1;
          b.stuckReconcile = Duration.ofSeconds(2);
        }));
         HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), op.app.health(), op.registry)) {
      op.secret("mongo", Toxiproxy.uriOf(proxy));
      op.apply("bot", MongoSchemaOperatorIT.spec("op_stuck", ""));
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(status(server.port(), "/livez")).isEqualTo(200);

      proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
      op.apply("bot", MongoSchemaOperatorIT.spec("op_stuck", "      - {name: extra_1, keys: [{field: extra}]}\n", ""));
      await().atMost(Duration.ofSeconds(12)).until(() -> status(server.port(), "/livez") == 503);
      assertThat(op.registry.get("mongosteward.reconcile.oldest.seconds").gauge().value()).isGreaterThan(2.0);
      synchronized (logs) {
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
            .anySatisfy(m -> assertThat(m).contains(op.namespace + "/bot").contains("no progress"));
      }
      // Once the stuck operation gives up (its 15 s bound), the watchdog clears.
      proxy.toxics().get("blackhole").remove();
      await().atMost(Duration.ofSeconds(30)).until(() -> status(server.port(), "/livez") == 200);
    } finally {
      watchLog.detachAppender(logs);
      proxy.delete();
    }
  }
}
