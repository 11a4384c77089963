package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A whole cluster (K3s, with a kubelet) and a real mongod: the operator brings a schema to
 * Ready, a TTL change is applied in place with collMod. Runs wherever Docker exists; skipped,
 * with Testcontainers' message, where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sOperatorIT {
  static final Network NETWORK = Network.newNetwork();

  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  @Container
  static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7").withNetwork(NETWORK);

  @Test
  void schemaConvergesOnK3sWithRealMongo() throws Exception {
    Config config = Config.fromKubeconfig(K3S.getKubeConfigYaml());
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      try (var files = Files.list(Path.of("crds"))) {
        for (Path f : files.toList()) {
          try (InputStream in = Files.newInputStream(f)) {
            for (HasMetadata item : client.load(in).items()) {
              client.resource(item).serverSideApply();
            }
          }
        }
      }
      client.apiextensions().v1().customResourceDefinitions().withName("mongoschemas.mongosteward.io")
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60,
              java.util.concurrent.TimeUnit.SECONDS);
      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
          .withNewMetadata().withName("k3s").endMetadata().build()).create();
      // The operator runs here, in the test JVM: it reaches mongod through the mapped port.
      try (OperatorApp app = new OperatorApp(client, OperatorSettings.defaults().with(b -> {
            b.namespaces = Set.of("k3s");
            b.leaderElection = false;
          }), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          false)) {
        app.start();
        OperatorHarness.secretIn(client, "k3s", "mongo", MONGO.getReplicaSetUrl());
        OperatorHarness.applyIn(client, "k3s", "bot", MongoSchemaOperatorIT.spec("k3s_db",
            "      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 3600}\n", ""));
        OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, "k3s", "bot")));
        OperatorHarness.applyIn(client, "k3s", "bot", MongoSchemaOperatorIT.spec("k3s_db",
            "      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 60}\n", ""));
        OperatorHarness.eventually().until(() -> {
          var s = client.resources(io.mongosteward.api.v1alpha1.MongoSchema.class).inNamespace("k3s").withName("bot").get();
          // Changed in place: the status lists only indexes that need a look, the Event says what changed.
          return s.getStatus().getObservedGeneration() == 2L && client.v1().events().inNamespace("k3s").list().getItems()
              .stream().anyMatch(e -> "ModifyIndex".equals(e.getReason()) && e.getMessage().contains("posts.ts_ttl"));
        });
      }
    }
  }
}
