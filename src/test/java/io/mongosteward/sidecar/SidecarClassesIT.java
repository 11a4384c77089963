package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SidecarJvm;
import io.mongosteward.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar in `sidecar` mode, with the example's JVM flags, loads none of the libraries only the
 * operator and the CLI need: every class a process loads costs resident memory, and a sidecar runs
 * in every application pod.
 */
class SidecarClassesIT {
  /** Packages the sidecar must never load: the Kubernetes client, the operator framework, YAML and
   *  JSON binding, Logback (the sidecar logs through slf4j-simple) and the JDK's XML parser, the
   *  embedded MongoDB, Netty (the health endpoints are served by health.HttpLoop; Netty's HTTP codec
   *  was about 480 classes and 6 MB of resident memory), and the CLI's progress bar and rate limiter. */
  static final List<String> FORBIDDEN = List.of("io.fabric8.", "io.javaoperatorsdk.", "com.fasterxml.jackson.",
      "org.yaml.snakeyaml.", "ch.qos.logback.",
      "com.sun.org.apache.xerces.", "de.bwaldvogel.", "io.netty.", "me.tongfei.", "io.github.bucket4j.",
      "io.mongosteward.operator.", "io.mongosteward.kube.", "io.mongosteward.migrate.MigrationRunner");
  static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: (.*)");

  @TempDir Path dir;

  @Test
  void theSidecarLoadsNoOperatorNorKubernetesClasses() throws Exception {
    int port = TestServers.freePort();
    Path log = dir.resolve("classes.log");
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SidecarJvm.jvmFlags());
    command.addAll(List.of("-Xlog:class+load=info:file=" + log, "-jar", SidecarJvm.jar().toString(), "sidecar",
        "--port", String.valueOf(port), "--interval", "200ms"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("sidecar.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(SidecarJvm.otherEnv());
    pb.environment().put("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri() + "/app");
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.status(port, "/readyz") == 200);
      // Each endpoint once, so that what serving them loads is in the log too.
      assertThat(Http.body(port, "/health")).contains("\"status\":\"up\"");
      assertThat(Http.body(port, "/metrics")).contains("mongosteward_ping_latency_seconds_count");
      assertThat(Http.status(port, "/livez")).isEqualTo(200);
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }

    Map<String, Integer> byPackage = new TreeMap<>();
    List<String> forbidden = Files.readAllLines(log).stream().map(LOADED::matcher).filter(Matcher::find)
        .map(m -> m.group(1))
        .peek(c -> byPackage.merge(c.substring(0, Math.max(0, c.lastIndexOf('.'))), 1, Integer::sum))
        .filter(c -> FORBIDDEN.stream().anyMatch(c::startsWith)).collect(Collectors.toList());
    int total = byPackage.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("sidecar: " + total + " classes loaded; the largest packages: " + byPackage.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    assertThat(total).as("classes in the log").isGreaterThan(1000);
    assertThat(forbidden).as("classes the sidecar does not need").isEmpty();
  }
}
