package io.mongosteward.sidecar;

import io.mongosteward.testsupport.Http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import io.mongosteward.health.Sidecar;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SidecarJvm;
import io.mongosteward.testsupport.TestServers;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mongo-steward sidecar` as its own process: the JVM, the signals and the exit codes are real. */
class SidecarProcessIT {
  static final String PASSWORD = "Pr0cess-S3cret";
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  Process sidecar(Map<String, String> env, String... args) throws IOException {
    // The JVM flags users run it with (deploy/examples/sidecar-deployment.yaml).
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SidecarJvm.jvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mongosteward.cli.Main",
        "sidecar"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("sidecar.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(SidecarJvm.otherEnv());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("sidecar.log"));
  }

  int status(int port, String path) {
    try {
      return Http.status(port, path);
    } catch (java.io.UncheckedIOException e) {
      return -1; // not listening (yet, or any more)
    }
  }

  @Test
  void downAtStartStaysUpTurnsReadyWhenMongoComesFollowsARewrittenUriFileAndStopsOnSigtermWithinTheBound() throws Exception {
    Proxy proxy = Toxiproxy.proxy("sidecar-process",
        MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      proxy.disable();
      Path uriFile = dir.resolve("uri");
      Files.writeString(uriFile, Toxiproxy.uriOf(proxy) + "/app\n"); // as a Secret volume holds it
      int port = TestServers.freePort();
      Process p = sidecar(Map.of("MONGODB_URI_FILE", uriFile.toString(), "MONGOSTEWARD_PORT", String.valueOf(port)),
          "--interval", "500ms", "--timeout", "300ms", "--max-backoff", "1s");

      await().atMost(Duration.ofSeconds(20)).until(() -> status(port, "/livez") == 200);
      await().atMost(Duration.ofSeconds(5)).until(() -> log().contains(" is down: "));
      assertThat(status(port, "/readyz")).isEqualTo(503);
      assertThat(p.isAlive()).isTrue();

      proxy.enable();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "/readyz") == 200);
      assertThat(p.isAlive()).isTrue();

      // The Secret changes to name another server: the sidecar follows the file, without a restart.
      proxy.disable();
      await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "/readyz") == 503);
      Path next = dir.resolve("uri.next");
      Files.writeString(next, MongoBackend.MONGO_JAVA_SERVER.uri() + "/app\n");
      Files.move(next, uriFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "/readyz") == 200);
      assertThat(log()).contains("MONGODB_URI_FILE " + uriFile + " changed: pinging " + MongoBackend.MONGO_JAVA_SERVER.uri());

      long start = System.nanoTime();
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(Sidecar.SHUTDOWN_BOUND.toSeconds() + 1, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Sidecar.SHUTDOWN_BOUND);
      assertThat(p.exitValue()).as("a stop that was asked for").isZero();
      assertThat(status(port, "/livez")).isEqualTo(-1);
      assertThat(log()).contains(" is up: ping ").contains("stopped in").doesNotContain("Exception in thread");
    } finally {
      proxy.delete();
    }
  }

  @Test
  void sigtermWhileAPingHangsStillStopsWithinTheBound() throws Exception {
    Proxy proxy = Toxiproxy.proxy("sidecar-hang", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      int port = TestServers.freePort();
      Process p = sidecar(Map.of("MONGODB_URI", Toxiproxy.uriOf(proxy) + "/app"), "--port", String.valueOf(port),
          "--interval", "200ms", "--timeout", "30s", "--stale-after", "1m");
      await().atMost(Duration.ofSeconds(20)).until(() -> status(port, "/readyz") == 200);
      // Every ping from now on hangs for up to its 30 s timeout.
      proxy.toxics().timeout("blackhole", eu.rekawek.toxiproxy.model.ToxicDirection.DOWNSTREAM, 0);
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);

      long start = System.nanoTime();
      p.destroy();
      assertThat(p.waitFor(Sidecar.SHUTDOWN_BOUND.toSeconds() + 1, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Sidecar.SHUTDOWN_BOUND);
      assertThat(log()).contains("stopped in"); // closed in order, not cut off by the bound
    } finally {
      proxy.delete();
    }
  }

  @Test
  void credentialsStayOutOfTheProcessOutput() throws Exception {
    String hostPort = MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length());
    int port = TestServers.freePort();
    Process p = sidecar(Map.of("MONGODB_URI", "mongodb://app:" + PASSWORD + "@" + hostPort + "/app"),
        "--port", String.valueOf(port), "--interval", "300ms");
    await().atMost(Duration.ofSeconds(20)).until(() -> log().contains(" is down: "));
    assertThat(status(port, "/readyz")).isEqualTo(503); // the stand-in does not authenticate
    p.destroy();
    p.waitFor(10, TimeUnit.SECONDS);
    assertThat(log()).contains("app:***@").doesNotContain(PASSWORD);
  }

  @Test
  void badConfigurationExitsOneWithAClearMessage() throws Exception {
    Process p = sidecar(Map.of("MONGODB_URI", "mongodb://app:" + PASSWORD + "@host:99999999/app"));
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(log()).startsWith("error: MONGODB_URI: not a valid MongoDB connection string").doesNotContain(PASSWORD);
  }
}
