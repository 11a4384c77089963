package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SidecarJvm;
import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's Java runtime, built here the way the Dockerfile builds it: jlink with only the modules
 * of scripts/image/jdk-modules.txt (scripts/image/jre.sh), then the AppCDS archive of a training run
 * (scripts/image/CdsTraining.java). The jar's sidecar and operator run on that runtime with that
 * archive, as the Dockerfile's ENTRYPOINT runs them, and -Xshare:on makes the archive mandatory: a module missing from the list, or an archive the
 * runtime cannot map, fails here rather than in a cluster. Skipped where the JDK has no jlink or jmods.
 */
class JlinkRuntimeIT {
  static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void theSidecarAndTheOperatorRunOnTheJlinkedRuntimeWithTheTrainedArchive() throws Exception {
    assumeThat(Files.isExecutable(JAVA_HOME.resolve("bin/jlink")) && Files.isDirectory(JAVA_HOME.resolve("jmods")))
        .as("a JDK with jlink and jmods at " + JAVA_HOME).isTrue();
    Path jar = SidecarJvm.jar();
    Path jre = dir.resolve("jre");
    run("jlink", List.of("bash", "scripts/image/jre.sh", jre.toString()), Map.of("JAVA_HOME", JAVA_HOME.toString()),
        300);
    Path java = jre.resolve("bin/java");

    Path training = dir.resolve("training");
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", training.toString(), "-cp",
        jar.toString(), "scripts/image/CdsTraining.java")).as("javac CdsTraining").isZero();
    Path archive = dir.resolve("app.jsa");
    run("training", List.of(java.toString(), "-cp", training + ":" + jar, "CdsTraining", java.toString(),
        jar.toString(), archive.toString()), Map.of(), 180);
    assertThat(archive).isRegularFile();
    List<String> image = entrypoint(java, archive, jar);

    // The sidecar, with the example's flags: ready, and its JVM metrics (jdk.management) served.
    int sidecarPort = TestServers.freePort();
    Map<String, String> sidecarEnv = new java.util.HashMap<>(SidecarJvm.exampleEnv());
    sidecarEnv.put("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri() + "/app");
    Process sidecar = start("sidecar", concat(image, "sidecar", "--port", String.valueOf(sidecarPort)), sidecarEnv);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.status(sidecarPort, "/readyz") == 200);
    assertThat(Http.body(sidecarPort, "/metrics")).contains("process_cpu_usage").contains("jvm_memory_used_bytes");
    stopCleanly(sidecar);

    // The operator: TLS to the API server (the JDK's HTTP client), a Secret, a MongoSchema made Ready.
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "jlink");
      Process operator = start("operator", concat(image, "operator", "--namespaces", ns, "--leader-election",
          "false", "--port", String.valueOf(TestServers.freePort())),
          Map.of("KUBECONFIG", KubeApi.kubeConfigFile(dir).toString(), "JAVA_TOOL_OPTIONS", "-Xmx128m"));
      OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("jlink_runtime", ""));
      OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, ns, "bot")));
      stopCleanly(operator);
    }
    assertThat(Files.readString(dir.resolve("sidecar.log")) + Files.readString(dir.resolve("operator.log")))
        .as("the archive was mapped, no class was missing").doesNotContain("NoClassDefFoundError")
        .doesNotContain("ClassNotFoundException").doesNotContain("[warning][cds");
  }

  /**
   * The Dockerfile's ENTRYPOINT, with this runtime, archive and jar in place of the image's paths,
   * and -Xshare:on so that an archive the runtime cannot map fails instead of being skipped.
   */
  static List<String> entrypoint(Path java, Path archive, Path jar) throws IOException {
    String line = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("ENTRYPOINT ["))
        .findFirst().orElseThrow(() -> new IllegalStateException("no ENTRYPOINT [...] in the Dockerfile"));
    List<String> command = new ArrayList<>();
    for (String arg : new com.fasterxml.jackson.databind.ObjectMapper().readValue(line.substring("ENTRYPOINT ".length()),
        String[].class)) {
      command.add(arg.equals("java") ? java.toString()
          : arg.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + archive
          : arg.equals("/opt/mongo-steward/mongo-steward.jar") ? jar.toString() : arg);
    }
    assertThat(command).as("the ENTRYPOINT: " + line).startsWith(java.toString()).contains(jar.toString())
        .contains("-XX:SharedArchiveFile=" + archive);
    command.add(1, "-Xshare:on");
    return command;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private Process start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_")
        || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void stopCleanly(Process p) throws InterruptedException {
    p.destroy();
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  private void run(String name, List<String> command, Map<String, String> env, int seconds) throws Exception {
    Process p = start(name, command, env);
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as(name + " within " + seconds + " s").isTrue();
    assertThat(p.exitValue()).as(name + ": " + Files.readString(dir.resolve(name + ".log"))).isZero();
  }
}
