package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.CounterStatus;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * What a user does, end to end, on a real cluster: the image built from the repository's
 * Dockerfile, the chart installed with Helm (its defaults: two replicas with leader election, the
 * ClusterRole, the CRDs from its crds/), then examples/ applied with the Secret the README's
 * quickstart creates. The operator's Deployment becomes available, every example MongoSchema
 * Ready=True with its indexes and counters in a real mongod, and every example MongoMigration
 * Succeeded (the backfill's values are checked in the database). Runs wherever Docker exists;
 * skipped, with Testcontainers' message, where it does not. A failure message carries the
 * operator pods' state, logs and the Events.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sChartIT {
  static final Path CHART = Path.of("helm", "mongo-steward");
  static final Path JAR = Path.of("target", "mongo-steward.jar");
  static final Path EXAMPLES = Path.of("examples");
  static final String IMAGE_REPOSITORY = "mongo-steward";
  static final String IMAGE_TAG = "it";
  static final String RELEASE = "mongo-steward";
  static final String RELEASE_NAMESPACE = "mongo-steward";
  /** The chart's selector labels of the operator's pods, for this release. */
  static final Map<String, String> OPERATOR_PODS = Map.of("app.kubernetes.io/name", "mongo-steward",
      "app.kubernetes.io/instance", RELEASE, "app.kubernetes.io/component", "operator");
  static final Duration PATIENCE = Duration.ofMinutes(3);

  static final Network NETWORK = Network.newNetwork();

  // On the network too: pods leave the node through the K3s container, which routes to mongod there.
  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"))
      .withNetwork(NETWORK);

  @Container
  static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7").withNetwork(NETWORK);

  @Test
  void chartInstallsTheOperatorAndTheExamplesBecomeReady() throws Exception {
    assertThat(JAR).as("%s is missing: the image copies it; failsafe runs after `package`, so run "
        + "`mvn -B verify` (or `mvn -B -q package -DskipTests` first)", JAR).isRegularFile();
    String image = buildImage();
    importIntoK3s(image);

    // What the pods use. Not the mongo container's network alias: pods resolve names through the
    // cluster's DNS, which knows nothing of Docker's; the container's IP on the shared network is
    // routed by the node. directConnection=true: the single-node replica set names its member by
    // the container's hostname, which pods cannot resolve either, so the driver must not follow it.
    String podUri = "mongodb://" + ipOn(MONGO, NETWORK) + ":27017/?directConnection=true";

    try (MongoClient mongo = MongoClients.create(MONGO.getConnectionString() + "/?directConnection=true");
         KubernetesClient client = new KubernetesClientBuilder()
             .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
      MongoDatabase bot = mongo.getDatabase("bot");
      // Posts for the examples to work on: examples/backfill-link-norm.yaml normalizes their links,
      // examples/bot-app.yaml seeds the post_id counter from them. No duplicate post_id, so the
      // dry-run deduplication finds nothing and post_id_unique builds.
      bot.getCollection("posts").insertMany(List.of(
          new Document("post_id", 7).append("message_link", "https://T.me/Durov/42/#c"),
          new Document("post_id", 8).append("message_link", "t.me/Durov/43"),
          new Document("post_id", 41).append("message_link", "HTTP://t.me:443/durov/44")));

      installChart(client);
      awaitOrExplain(client, "the operator's Deployment available", () -> {
        Deployment d = client.apps().deployments().inNamespace(RELEASE_NAMESPACE).withName(RELEASE).get();
        return d != null && d.getStatus() != null
            && Objects.equals(d.getStatus().getAvailableReplicas(), d.getSpec().getReplicas())
            && d.getStatus().getConditions().stream()
                .anyMatch(c -> "Available".equals(c.getType()) && "True".equals(c.getStatus()));
      });

      List<HasMetadata> examples = loadExamples(client);
      assertThat(ofKind(examples, "MongoSchema")).as("example MongoSchemas").isNotEmpty();
      assertThat(ofKind(examples, "MongoMigration")).as("example MongoMigrations").isNotEmpty();
      prepareLikeTheQuickstart(client, examples, podUri);
      for (HasMetadata item : examples) {
        client.resource(item).serverSideApply();
      }

      for (HasMetadata item : ofKind(examples, "MongoSchema")) {
        String ns = item.getMetadata().getNamespace();
        String name = item.getMetadata().getName();
        awaitOrExplain(client, "MongoSchema " + ns + "/" + name + " Ready=True", () -> {
          MongoSchema s = client.resources(MongoSchema.class).inNamespace(ns).withName(name).get();
          Condition ready = s == null || s.getStatus() == null ? null
              : Conditions.find(s.getStatus().getConditions(), Conditions.READY);
          return ready != null && "True".equals(ready.getStatus());
        });
      }
      for (HasMetadata item : ofKind(examples, "MongoMigration")) {
        String ns = item.getMetadata().getNamespace();
        String name = item.getMetadata().getName();
        // Succeeded is the end state of a migration that did its work (a dry run included:
        // it counted); Complete=True comes with it, as on a Job.
        awaitOrExplain(client, "MongoMigration " + ns + "/" + name + " Succeeded", () -> {
          MongoMigration m = client.resources(MongoMigration.class).inNamespace(ns).withName(name).get();
          return m != null && m.getStatus() != null && m.getStatus().getPhase() == MigrationPhase.Succeeded;
        });
      }

      // The operator in the pods did the work in mongod: bot-app's indexes and counter...
      MongoSchema botApp = client.resources(MongoSchema.class).inNamespace("bots").withName("bot-app").get();
      assertThat(botApp.getStatus().getIndexSummary()).isEqualTo("5/5");
      assertThat(botApp.getStatus().getCounters()).extracting(CounterStatus::getName, CounterStatus::getValue)
          .contains(tuple("post_id", 41L));
      assertThat(indexNames(bot, "posts")).contains("post_id_unique", "message_link_norm_1", "channel_created");
      assertThat(indexNames(bot, "tasks")).contains("task_id_unique");
      assertThat(indexNames(bot, "events")).contains("ts_ttl");
      // ...the backfill's values ([NormalizeUrl, Lowercase] of message_link)...
      assertThat(bot.getCollection("posts").find().sort(Sorts.ascending("post_id"))
          .map(d -> d.getString("message_link_norm")).into(new ArrayList<>()))
          .containsExactly("t.me/durov/42", "t.me/durov/43", "t.me/durov/44");
      // ...and the dry run changed nothing: no archive collection.
      assertThat(bot.listCollectionNames().into(new ArrayList<>())).doesNotContain("posts_duplicates");
    }
  }

  /** The image of the repository's Dockerfile, with only what it copies as the build context. */
  static String buildImage() {
    return new ImageFromDockerfile(IMAGE_REPOSITORY + ":" + IMAGE_TAG, true)
        .withFileFromPath("Dockerfile", Path.of("Dockerfile"))
        .withFileFromPath("target/mongo-steward.jar", JAR)
        .withFileFromPath("scripts/image", Path.of("scripts", "image"))
        .get();
  }

  /**
   * K3s runs its own containerd, which cannot see the Docker daemon's images: save the image to a
   * tar, copy it into the K3s container and import it into containerd's k8s.io namespace (the
   * kubelet's), so that image.pullPolicy Never finds it.
   */
  static void importIntoK3s(String image) throws Exception {
    Path tar = Files.createTempFile("mongo-steward-image-", ".tar");
    try {
      try (InputStream in = DockerClientFactory.instance().client()
              .saveImageCmd(IMAGE_REPOSITORY).withTag(IMAGE_TAG).exec();
           OutputStream out = Files.newOutputStream(tar)) {
        in.transferTo(out);
      }
      K3S.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/mongo-steward-image.tar");
      ExecResult imported = K3S.execInContainer("ctr", "--namespace", "k8s.io", "images", "import",
          "/tmp/mongo-steward-image.tar");
      assertThat(imported.getExitCode()).as("ctr images import of %s: %s%s", image, imported.getStdout(),
          imported.getStderr()).isZero();
      ExecResult listed = K3S.execInContainer("ctr", "--namespace", "k8s.io", "images", "list", "--quiet");
      // Docker names it docker.io/library/mongo-steward:it, which the kubelet looks up for mongo-steward:it.
      assertThat(listed.getStdout()).as("images in K3s after the import")
          .contains("docker.io/library/" + IMAGE_REPOSITORY + ":" + IMAGE_TAG);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  static String ipOn(GenericContainer<?> container, Network network) {
    return container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
        .filter(n -> network.getId().equals(n.getNetworkID()))
        .map(ContainerNetwork::getIpAddress)
        .findFirst().orElseThrow(() -> new AssertionError(container.getDockerImageName() + " is not on the network"));
  }

  /**
   * `helm install mongo-steward ./helm/mongo-steward -n mongo-steward --create-namespace --wait`,
   * with the chart's defaults except the image (the one just imported, never pulled).
   */
  static void installChart(KubernetesClient client) throws Exception {
    Path values = Files.createTempFile("values-", ".yaml");
    try {
      Files.writeString(values, "image: {repository: " + IMAGE_REPOSITORY + ", tag: \"" + IMAGE_TAG
          + "\", pullPolicy: Never}\n");
      Release release;
      try {
        release = new Helm(CHART).install().withName(RELEASE).withNamespace(RELEASE_NAMESPACE).createNamespace()
            .withValuesFile(values).withKubeConfigContents(K3S.getKubeConfigYaml())
            .waitReady().withTimeout((int) PATIENCE.toSeconds()).call();
      } catch (IllegalStateException e) {
        throw new AssertionError("helm install failed: " + e.getMessage() + diagnostics(client), e);
      }
      assertThat(release.getStatus()).as("release status").isEqualTo("deployed");
    } finally {
      Files.deleteIfExists(values);
    }
  }

  /** Every document of examples/*.yaml, in name order. */
  static List<HasMetadata> loadExamples(KubernetesClient client) throws Exception {
    List<HasMetadata> items = new ArrayList<>();
    try (var files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          items.addAll(client.load(in).items());
        }
      }
    }
    return items;
  }

  /**
   * As the README's quickstart has users do: the examples' namespace, and the Secret each
   * MongoSchema names (`kubectl -n bots create secret generic bot-mongo --from-literal=uri=...`).
   */
  static void prepareLikeTheQuickstart(KubernetesClient client, List<HasMetadata> examples, String uri) {
    Set<String> namespaces = examples.stream().map(i -> i.getMetadata().getNamespace())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    for (String ns : namespaces) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    for (HasMetadata schema : ofKind(examples, "MongoSchema")) {
      JsonNode secretRef = client.getKubernetesSerialization().convertValue(schema, JsonNode.class).path("spec").path("connection").path("secretRef");
      assertThat(secretRef.path("key").asText("uri")).as("the Secret key of %s", schema.getMetadata().getName())
          .isEqualTo("uri");
      OperatorHarness.secretIn(client, schema.getMetadata().getNamespace(), secretRef.path("name").asText(), uri);
    }
  }

  static List<HasMetadata> ofKind(List<HasMetadata> items, String kind) {
    return items.stream().filter(i -> kind.equals(i.getKind())).toList();
  }

  static List<String> indexNames(MongoDatabase db, String collection) {
    return db.getCollection(collection).listIndexes().map(d -> d.getString("name")).into(new ArrayList<>());
  }

  /** Awaits {@code condition}; on timeout fails with the operator's pods, logs and the Events. */
  static void awaitOrExplain(KubernetesClient client, String what, Callable<Boolean> condition) {
    try {
      await().alias(what).atMost(PATIENCE).pollInterval(Duration.ofSeconds(2))
          .ignoreException(KubernetesClientException.class).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + PATIENCE + ": " + what + diagnostics(client), e);
    }
  }

  /**
   * The operator pods' state and log tails (the previous container's too after a restart), and the
   * Events outside kube-system (the pods', the schemas' and the migrations').
   */
  static String diagnostics(KubernetesClient client) {
    StringBuilder out = new StringBuilder();
    try {
      for (Pod pod : client.pods().inNamespace(RELEASE_NAMESPACE).withLabels(OPERATOR_PODS).list().getItems()) {
        String name = pod.getMetadata().getName();
        out.append("\n--- pod ").append(name).append(": ").append(pod.getStatus().getPhase());
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
          out.append("\n  container ").append(c.getName()).append(" ready=").append(c.getReady())
              .append(" restarts=").append(c.getRestartCount());
          if (c.getState() != null && c.getState().getWaiting() != null) {
            out.append(" waiting: ").append(c.getState().getWaiting().getReason()).append(' ')
                .append(c.getState().getWaiting().getMessage());
          }
        }
        out.append("\n--- log of ").append(name).append(":\n").append(log(client, name, false));
        if (pod.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getRestartCount() > 0)) {
          out.append("\n--- log of ").append(name).append(" before its last restart:\n").append(log(client, name, true));
        }
      }
      out.append("\n--- events:");
      client.v1().events().inAnyNamespace().list().getItems().stream()
          .filter(e -> !"kube-system".equals(e.getMetadata().getNamespace()))
          .forEach(e -> out.append("\n  ").append(e.getType()).append(' ').append(e.getMetadata().getNamespace())
              .append(' ').append(e.getInvolvedObject().getKind()).append('/').append(e.getInvolvedObject().getName())
              .append(' ').append(e.getReason()).append(": ").append(e.getMessage()));
    } catch (KubernetesClientException e) {
      out.append("\n(could not read more from the cluster: ").append(e.getMessage()).append(')');
    }
    return out.toString();
  }

  static String log(KubernetesClient client, String pod, boolean previous) {
    try {
      var container = client.pods().inNamespace(RELEASE_NAMESPACE).withName(pod);
      return previous ? container.terminated().tailingLines(200).getLog() : container.tailingLines(200).getLog();
    } catch (KubernetesClientException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
