package io.mongosteward.sidecar;

import io.mongosteward.testsupport.Http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Deployment example of docs/sidecar.md is valid Kubernetes, and its sidecar container runs as written. */
class SidecarManifestIT {
  static final Path EXAMPLE = Path.of("deploy", "examples", "sidecar-deployment.yaml");
  @TempDir Path dir;

  static Container sidecarContainer() throws IOException {
    Deployment d = Serialization.unmarshal(Files.readString(EXAMPLE), Deployment.class);
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getArgs() != null && c.getArgs().contains("sidecar")).findFirst().orElseThrow();
  }

  @Test
  void theDocsShowTheExampleVerbatim() throws IOException {
    assertThat(Files.readString(Path.of("docs", "sidecar.md"))).contains(Files.readString(EXAMPLE));
  }

  @Test
  void aRealApiServerAcceptsTheExampleStrictly() throws Exception {
    Path kubectl = TestServers.require(KubeApi.binDir().resolve("kubectl"), "kube");
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "sidecar-example");
      Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", KubeApi.kubeConfigFile(dir).toString(),
          "apply", "--dry-run=server", "--validate=strict", "-n", ns, "-f", EXAMPLE.toString())
          .redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("deployment.apps/bot-app created (server dry run)");
    }
  }

  @Test
  void theSidecarContainerRunsWithItsArgsAndJvmFlags() throws Exception {
    Container c = sidecarContainer();
    Path uriFile = dir.resolve("uri");
    Files.writeString(uriFile, MongoBackend.MONGO_JAVA_SERVER.uri() + "/app\n");
    int port = TestServers.freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.mongosteward.cli.Main"));
    for (String arg : c.getArgs()) {
      command.add(arg.startsWith("--mongo-uri-file=") ? "--mongo-uri-file=" + uriFile
          : arg.startsWith("--port=") ? "--port=" + port : arg);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("sidecar.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    for (EnvVar e : c.getEnv()) {
      pb.environment().put(e.getName(), e.getValue());
    }
    assertThat(pb.environment().get("JAVA_TOOL_OPTIONS")).contains("-Xmx24m");
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.status(port, "/readyz") == 200);
      String health = Http.body(port, "/health");
      assertThat(health).contains("\"readyLatency\":\"500ms\"");
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(dir.resolve("sidecar.log"))).contains("Picked up JAVA_TOOL_OPTIONS")
          .contains("stopped in");
    } finally {
      p.destroyForcibly();
    }
  }
}
