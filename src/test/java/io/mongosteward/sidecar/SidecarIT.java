package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** The sidecar against the MongoDB stand-ins, with faults injected by a real Toxiproxy in between. */
class SidecarIT {
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  Proxy proxyTo(MongoBackend backend) {
    Proxy proxy = Toxiproxy.proxy("sidecar", backend.uri().substring("mongodb://".length()));
    cleanup.add(proxy::delete);
    return proxy;
  }

  RunningSidecar start(String uri, ProbeSettings settings, CommandRecorder... recorders) {
    RunningSidecar s = RunningSidecar.start(uri, settings, recorders);
    cleanup.add(s);
    return s;
  }

  RunningSidecar start(Path uriFile, ProbeSettings settings) {
    RunningSidecar s = RunningSidecar.startFromFile(uriFile, settings);
    cleanup.add(s);
    return s;
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void injectedLatencyShowsInHealthAndReadyzFlipsAtTheThreshold(MongoBackend backend) throws IOException {
    Proxy proxy = proxyTo(backend);
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(300), Duration.ofSeconds(2))
        .withReadyLatency(Duration.ofMillis(150));
    RunningSidecar sidecar = start(Toxiproxy.uriOf(proxy), settings);
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200);

    // Under the threshold: slower, still ready.
    Latency latency = proxy.toxics().latency("latency", ToxicDirection.DOWNSTREAM, 60);
    await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.health().at("/latencyMs/last").asDouble() >= 60);
    assertThat(sidecar.status("/readyz")).isEqualTo(200);
    assertThat(sidecar.health().at("/status").asText()).isEqualTo("up");

    // Over it: not ready, and /health says why.
    latency.setLatency(250);
    await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.status("/readyz") == 503);
    HttpResponse<String> readyz = sidecar.get("/readyz");
    assertThat(readyz.body()).startsWith("not ready: the last ping took").contains("over the ready latency of 150ms");
    JsonNode health = sidecar.health();
    assertThat(health.at("/status").asText()).isEqualTo("slow");
    assertThat(health.at("/ready").asBoolean()).isFalse();
    assertThat(health.at("/latencyMs/last").asDouble()).isGreaterThanOrEqualTo(250);
    assertThat(health.at("/latencyMs/p99").asDouble()).isGreaterThanOrEqualTo(250);
    assertThat(health.at("/latencyMs/p50").asDouble()).isLessThanOrEqualTo(health.at("/latencyMs/p99").asDouble());

    latency.remove();
    await().atMost(Duration.ofSeconds(5)).until(() -> sidecar.status("/readyz") == 200);
    assertThat(sidecar.health().at("/latencyMs/last").asDouble()).isLessThan(150);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aBlackholedConnectionIs503WithinTwoIntervalsAndRecoversWithoutRestart(MongoBackend backend)
      throws IOException {
    Proxy proxy = proxyTo(backend);
    Duration interval = Duration.ofSeconds(1);
    ProbeSettings settings = ProbeSettings.of(interval, Duration.ofMillis(400)).withMaxBackoff(Duration.ofSeconds(2));
    RunningSidecar sidecar = start(Toxiproxy.uriOf(proxy), settings);
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200);

    // Bytes vanish and the connection stays open: only our ping timeout can end the wait.
    proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
    await().atMost(interval.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> sidecar.status("/readyz") == 503);
    JsonNode down = sidecar.health();
    assertThat(down.at("/status").asText()).isEqualTo("down");
    assertThat(down.at("/lastError/reason").asText()).isEqualTo("timeout");
    assertThat(down.at("/consecutiveFailures").asInt()).isPositive();
    assertThat(sidecar.status("/livez")).isEqualTo(200);

    proxy.toxics().get("blackhole").remove();
    await().atMost(Duration.ofSeconds(20)).until(() -> sidecar.status("/readyz") == 200);
    assertThat(sidecar.health().at("/lastError/reason").asText()).isEqualTo("timeout"); // kept, to explain the flap
    assertThat(sidecar.health().at("/consecutiveFailures").asInt()).isZero();
  }

  @Test
  void aRefusedConnectionIs503WithinTwoIntervalsAndRecoversWithoutRestart() throws IOException {
    Proxy proxy = proxyTo(MongoBackend.MONGO_JAVA_SERVER);
    Duration interval = Duration.ofSeconds(1);
    ProbeSettings settings = ProbeSettings.of(interval, Duration.ofMillis(400)).withMaxBackoff(Duration.ofSeconds(2));
    RunningSidecar sidecar = start(Toxiproxy.uriOf(proxy), settings);
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200);

    proxy.disable();
    await().atMost(interval.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> sidecar.status("/readyz") == 503);
    assertThat(sidecar.get("/readyz").body()).startsWith("not ready: the last ping failed");
    // The pooled connection breaks first (network); from then on every new one is refused.
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/lastError/reason").asText()
        .equals("refused"));
    assertThat(sidecar.health().at("/lastError/message").asText()).contains("refused the connection")
        .contains("ConnectException: Connection refused");
    assertThat(sidecar.get("/readyz").body()).contains("failed (refused)");
    assertThat(sidecar.get("/metrics").body()).containsPattern("mongosteward_ping_failures_total\\{reason=\"refused\"\\} [1-9]");

    proxy.enable();
    await().atMost(Duration.ofSeconds(20)).until(() -> sidecar.status("/readyz") == 200);
  }

  @Test
  void mongoDownAtStartKeepsTheSidecarUpNotReadyUntilMongoComes() throws IOException {
    Proxy proxy = proxyTo(MongoBackend.MONGO_JAVA_SERVER);
    proxy.disable();
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(500), Duration.ofMillis(300))
        .withMaxBackoff(Duration.ofSeconds(1));
    RunningSidecar sidecar = start(Toxiproxy.uriOf(proxy), settings);

    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.sidecar.state().consecutiveFailures() >= 3);
    assertThat(sidecar.status("/livez")).isEqualTo(200);
    assertThat(sidecar.status("/readyz")).isEqualTo(503);
    assertThat(sidecar.health().at("/status").asText()).isEqualTo("down");
    assertThat(sidecar.health().at("/lastSuccessAt").isNull()).isTrue();
    // Backing off: far fewer checks than a tight retry loop would make.
    assertThat(sidecar.sidecar.state().checks()).isLessThan(10);

    proxy.enable();
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200);
    assertThat(sidecar.health().at("/serverVersion").asText()).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aThousandProbesInsideOneIntervalCostAtMostOnePing(MongoBackend backend) throws Exception {
    CommandRecorder recorder = new CommandRecorder();
    Duration interval = Duration.ofSeconds(4);
    RunningSidecar sidecar = start(backend.uri(), ProbeSettings.of(interval, Duration.ofSeconds(1)), recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200);
    int before = recorder.commands().size();

    long start = System.nanoTime();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      String[] paths = {"/readyz", "/health", "/livez", "/metrics"};
      for (int i = 0; i < 1_000; i++) {
        String path = paths[i % paths.length];
        answers.add(clients.submit(() -> sidecar.status(path)));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      clients.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).as("the 1,000 requests must fit in one interval for this test to mean something")
        .isLessThan(interval);
    List<CommandRecorder.Command> during = recorder.commands().subList(before, recorder.commands().size());
    assertThat(during).as("commands sent while 1,000 requests were answered").hasSizeLessThanOrEqualTo(1)
        .allSatisfy(c -> assertThat(c.name()).isEqualTo("ping"));
  }

  @Test
  void endpointsHaveTheirShapeWhenUp() {
    RunningSidecar sidecar = start(MongoBackend.MONGO_JAVA_SERVER.uri(),
        ProbeSettings.of(Duration.ofMillis(200), Duration.ofSeconds(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/latencyMs/samples").asInt() >= 3);

    JsonNode h = sidecar.health();
    assertThat(h.fieldNames()).toIterable().containsExactly("status", "ready", "reason", "checkedAt", "lastSuccessAt",
        "latencyMs", "consecutiveFailures", "lastError", "serverVersion", "checks", "settings");
    assertThat(h.at("/status").asText()).isEqualTo("up");
    assertThat(h.at("/ready").asBoolean()).isTrue();
    assertThat(h.at("/reason").asText()).startsWith("the last ping took");
    assertThat(java.time.Instant.parse(h.at("/checkedAt").asText())).isNotNull();
    assertThat(h.at("/latencyMs").fieldNames()).toIterable()
        .containsExactly("last", "p50", "p99", "samples", "window");
    assertThat(h.at("/latencyMs/last").isNumber()).isTrue();
    assertThat(h.at("/latencyMs/p50").asDouble()).isPositive().isLessThanOrEqualTo(h.at("/latencyMs/p99").asDouble());
    assertThat(h.at("/latencyMs/window").asText()).isEqualTo("5m");
    assertThat(h.at("/consecutiveFailures").asInt()).isZero();
    assertThat(h.at("/lastError").isNull()).isTrue();
    assertThat(h.at("/serverVersion").asText()).matches("\\d+\\.\\d+.*");
    assertThat(sidecar.get("/health").headers().firstValue("Content-Type")).hasValue("application/json");

    String metrics = sidecar.get("/metrics").body();
    assertThat(metrics).contains("# TYPE mongosteward_ping_latency_seconds histogram",
        "mongosteward_ping_latency_seconds_bucket{le=\"+Inf\"}", "mongosteward_up 1.0", "mongosteward_ready 1.0",
        "mongosteward_ping_failures_total{reason=\"timeout\"} 0.0", "mongosteward_ping_failures_total{reason=\"refused\"} 0.0", "# TYPE mongosteward_last_success_timestamp_seconds gauge",
        "jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes", "jvm_threads_live_threads", "process_cpu_usage",
        "process_uptime_seconds");
    assertThat(sidecar.get("/livez").body()).isEqualTo("ok\n");
    assertThat(sidecar.get("/readyz").body()).startsWith("ready: the last ping took");
  }

  @Test
  void aRewrittenUriFileMovesThePingsToTheNewServerAndClosesTheOldClient(@TempDir Path dir) throws IOException {
    try (CountingMongo before = new CountingMongo(); CountingMongo after = new CountingMongo()) {
      Path file = dir.resolve("uri");
      Files.writeString(file, before.uri() + "\n");
      RunningSidecar sidecar = start(file, ProbeSettings.of(Duration.ofMillis(200), Duration.ofSeconds(1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.status("/readyz") == 200 && before.pings() > 0);

      // As the kubelet updates a mounted Secret: the new content appears whole.
      Path next = dir.resolve("uri.next");
      Files.writeString(next, after.uri() + "\n");
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      await().atMost(Duration.ofSeconds(10)).until(() -> after.pings() >= 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> before.openConnections() == 0); // the old client is closed
      int old = before.pings();
      int now = after.pings();
      await().atMost(Duration.ofSeconds(10)).until(() -> after.pings() >= now + 2);
      assertThat(before.pings()).isEqualTo(old);
      assertThat(sidecar.status("/readyz")).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void thePasswordNeverShowsInAnswersMetricsOrLogs(MongoBackend backend) {
    String password = "Pa55-w0rd%21x"; // percent-encoded "!": the decoded form must not leak either
    String hostPort = backend.uri().substring("mongodb://".length());
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    cleanup.add(() -> root.detachAppender(logs));

    // The stand-ins do not authenticate: every ping fails, with driver messages that name the credential.
    RunningSidecar sidecar = start("mongodb://steward:" + password + "@" + hostPort + "/app?authSource=admin",
        ProbeSettings.of(Duration.ofMillis(300), Duration.ofSeconds(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.sidecar.state().checks() >= 2);

    List<String> answers = new ArrayList<>();
    for (String path : List.of("/livez", "/readyz", "/health", "/metrics")) {
      answers.add(sidecar.get(path).body());
    }
    answers.add(String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList()));
    assertThat(answers.get(2)).contains("\"status\":\"down\"").contains("\"lastError\":{");
    assertThat(answers.get(4)).contains("steward:***@");
    assertThat(answers).allSatisfy(text -> assertThat(text).doesNotContain(password).doesNotContain("Pa55-w0rd!x"));
  }
}
