package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's operator quickstart works as written: its marked block of commands is read from
 * README.md and run line by line through bash, with the test API server's own kubectl on PATH,
 * against the real API server, while the operator runs as the Deployment would run it; then
 * {@code kubectl -n bots get msch} shows the example schema Ready.
 *
 * <p>One substitution, and only the one the README asks of the user: the placeholder connection
 * string becomes the URI of the in-process MongoDB-wire server (mongo-java-server).
 */
class QuickstartIT {
  static final String BEGIN = "<!-- quickstart:operator";
  static final String END = "<!-- /quickstart:operator -->";
  /** The connection string the README tells the user to replace with their own. */
  static final String PLACEHOLDER = "mongodb://app:secret@mongo:27017";

  @TempDir Path dir;
  private Process operator;

  @AfterEach
  void stop() throws InterruptedException {
    if (operator != null) {
      operator.destroy();
      if (!operator.waitFor(15, TimeUnit.SECONDS)) {
        operator.destroyForcibly();
      }
    }
  }

  /** The commands of the README's marked fenced block, one per line, as a user would paste them. */
  static List<String> quickstartCommands(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("README.md marks its operator quickstart with " + BEGIN + " ... -->").isNotNegative();
    assertThat(end).as("README.md ends its operator quickstart with " + END).isGreaterThan(begin);
    String marked = readme.substring(begin, end);
    int fence = marked.indexOf("```sh\n");
    assertThat(fence).as("a ```sh block between the markers").isNotNegative();
    String body = marked.substring(fence + "```sh\n".length());
    body = body.substring(0, body.indexOf("```"));
    List<String> commands = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        commands.add(line.strip());
      }
    }
    return commands;
  }

  @Test
  void theReadmesOperatorQuickstartBringsTheExampleSchemaToReady() throws Exception {
    List<String> commands = quickstartCommands(Files.readString(Path.of("README.md")));
    assertThat(commands).as("install, namespace, Secret, schema, get").hasSize(5);
    assertThat(commands.get(commands.size() - 1)).startsWith("kubectl -n bots get msch");
    assertThat(commands.stream().filter(c -> c.contains(PLACEHOLDER)).count())
        .as("the placeholder URI the README tells the user to replace").isEqualTo(1);
    // --force-conflicts: the same command installs and upgrades, over CRDs another manager applied
    // (Helm, an earlier apply; here the test harness, which applied them when the API server started).
    String installCommand = "kubectl apply --server-side --force-conflicts -f crds/ -f deploy/";
    assertThat(commands.get(0)).startsWith(installCommand);

    String uri = MongoBackend.MONGO_JAVA_SERVER.uri();
    try (MongoClient mongo = MongoClients.create(uri)) {
      // The server is shared by the ITs of this JVM (CliIT applies the same example): a user's
      // quickstart starts from an empty database.
      mongo.getDatabase("bot").drop();
    }
    Path kubectl = TestServers.require(KubeApi.binDir().resolve("kubectl"), "kube");
    Path kubeconfig = KubeApi.kubeConfigFile(dir);

    try (KubernetesClient client = KubeApi.client()) {
      for (int i = 0; i < commands.size() - 1; i++) {
        String command = commands.get(i).replace(PLACEHOLDER, uri);
        Run run = shell(command, kubectl, kubeconfig, "command-" + i);
        assertThat(run.exit()).as("`%s` exits 0; it printed:%n%s", command, run.output()).isZero();
        if (commands.get(i).startsWith(installCommand)) {
          operator = startAsTheDeploymentWould(client, kubeconfig);
        }
      }

      String get = commands.get(commands.size() - 1);
      try {
        // The user runs it again until READY says True; so does the test.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          Run run = shell(get, kubectl, kubeconfig, "get-msch");
          assertThat(run.exit()).as(run.output()).isZero();
          assertThat(run.output())
              .containsPattern("(?m)^NAME\\s+READY\\s+INDEXES\\s+AGE\\s*$")
              .containsPattern("(?m)^bot-app\\s+True\\s+5/5\\s+\\S+\\s*$");
        });
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(e.getMessage() + "\noperator log:\n" + Files.readString(dir.resolve("operator.log")), e);
      }
      assertThat(operator.isAlive()).as("the operator still runs").isTrue();
    }

    // Ready means the database holds what examples/bot-app.yaml declares.
    try (MongoClient mongo = MongoClients.create(uri)) {
      var db = mongo.getDatabase("bot");
      assertThat(indexNames(db.getCollection("posts").listIndexes()))
          .contains("post_id_unique", "message_link_norm_1", "channel_created");
      assertThat(indexNames(db.getCollection("tasks").listIndexes())).contains("task_id_unique");
      assertThat(indexNames(db.getCollection("events").listIndexes())).contains("ts_ttl");
      assertThat(db.getCollection("mongosteward").countDocuments(new Document("owner.namespace", "bots")
          .append("owner.name", "bot-app"))).as("3 collections and 2 counters claimed").isEqualTo(5);
    }
  }

  private static List<String> indexNames(Iterable<Document> indexes) {
    List<String> names = new ArrayList<>();
    indexes.forEach(d -> names.add(d.getString("name")));
    return names;
  }

  /**
   * The API server has no kubelet, so the Deployment that deploy/ creates is accepted and stored
   * but never gets a pod. The test does the kubelet's part: it reads the Deployment back and runs
   * its container's arguments and environment as a process (this build's classes stand in for
   * the image built from the Dockerfile), with the API server reached through a kubeconfig
   * instead of the in-cluster ServiceAccount token. The ServiceAccount's RBAC is proven by
   * DeployManifestsIT, which runs the operator as that ServiceAccount.
   */
  private Process startAsTheDeploymentWould(KubernetesClient client, Path kubeconfig) throws IOException {
    Deployment deployment = client.apps().deployments().inNamespace("mongo-steward").withName("mongo-steward-operator")
        .get();
    assertThat(deployment).as("deploy/ created the operator's Deployment").isNotNull();
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("mongo-steward-operator");
    Container container = pod.getContainers().get(0);
    String podName = "mongo-steward-operator-quickstart";
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else {
        String path = e.getValueFrom().getFieldRef().getFieldPath();
        env.put(e.getName(), switch (path) {
          case "metadata.namespace" -> deployment.getMetadata().getNamespace();
          case "metadata.name" -> podName;
          default -> throw new AssertionError("the test cannot stand in for the kubelet's " + path);
        });
      }
    }
    // A pod has a network namespace of its own; here the port is shared with other builds.
    env.put("MONGOSTEWARD_PORT", String.valueOf(TestServers.freePort()));
    // The API server is shared with the other ITs of this JVM, whose schemas stay behind: watch
    // only the quickstart's namespace, as the Deployment's commented MONGOSTEWARD_NAMESPACES allows.
    env.put("MONGOSTEWARD_NAMESPACES", "bots");
    env.put("KUBECONFIG", kubeconfig.toString());

    // No JVM flags here: the Deployment's JAVA_TOOL_OPTIONS (in env) size the heap explicitly, as in the pod.
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.mongosteward.cli.Main"));
    command.addAll(container.getArgs());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("operator.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  record Run(int exit, String output) {}

  /** One README line through bash, as pasted in a terminal, with the API server's kubectl first on PATH. */
  private Run shell(String command, Path kubectl, Path kubeconfig, String name) throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".out");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("PATH", kubectl.getParent() + ":" + System.getenv("PATH"));
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("`" + command + "` did not end within 60 s: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }
}
