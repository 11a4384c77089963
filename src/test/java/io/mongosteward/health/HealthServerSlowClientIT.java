package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients that never finish their request must not delay the probes, and are cut. Real sockets, real time. */
class HealthServerSlowClientIT {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1); // the kubelet's default timeoutSeconds
  final List<Socket> sockets = new ArrayList<>();
  HealthServer server;

  @BeforeEach
  void start() throws IOException {
    server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    server.close();
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    sockets.add(s);
    return s;
  }

  @Test
  void sixtyFourHalfSentRequestsDoNotDelayTheProbes() throws IOException {
    for (int i = 0; i < 64; i++) {
      RawHttp.send(connect(), "GET /readyz HTTP/1.1\r\nHost: x\r\n"); // no blank line: the request never ends
    }
    for (int i = 0; i < 20; i++) {
      for (String path : List.of("/livez", "/readyz")) {
        long start = System.nanoTime();
        String answer = RawHttp.probe(server.port(), path, PROBE_TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer).startsWith("HTTP/1.1 200 OK");
        assertThat(took).as("probe %d of %s", i, path).isLessThan(PROBE_TIMEOUT);
      }
    }
  }

  @Test
  void aConnectionWhoseRequestNeverCompletesIsClosedWithinTheRequestTimeout() throws IOException {
    Duration bound = HealthServer.REQUEST_TIMEOUT.plusSeconds(1); // slack for a loaded machine
    long start = System.nanoTime();
    Socket silent = connect(); // connects, sends nothing
    Socket half = connect();
    RawHttp.send(half, "GET /readyz HTTP/1.1\r\nHost: x\r\n");
    // One byte every 300 ms: a timer that restarts on each read would never fire.
    Socket dribbling = connect();
    RawHttp.send(dribbling, "GET /readyz HTTP/1.1\r\n");
    ScheduledExecutorService slowClient = Executors.newSingleThreadScheduledExecutor();
    slowClient.scheduleAtFixedRate(() -> {
      try {
        RawHttp.send(dribbling, "X");
      } catch (IOException closed) {
        throw new IllegalStateException(closed); // ends the schedule
      }
    }, 300, 300, TimeUnit.MILLISECONDS);
    try {
      for (Socket s : List.of(silent, half, dribbling)) {
        await().atMost(bound.minusNanos(System.nanoTime() - start)).pollInterval(Duration.ofMillis(50))
            .until(() -> RawHttp.closedByServer(s));
      }
    } finally {
      slowClient.shutdownNow();
    }
    assertThat(RawHttp.probe(server.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aClientThatPipelinesThousandsOfRequestsAndReadsNothingDoesNotGrowTheHeapNorStallTheProbes() throws Exception {
    // Before: every pipelined request got its answer queued, unread: 5,000 scrapes of /metrics
    // took the sidecar's 40 MB heap (OutOfMemoryError) and left the operator's probes unanswered.
    // A registry whose scrape is about 200 KB, as an application's can be.
    PrometheusMeterRegistry big = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int i = 0; i < 2_000; i++) {
      big.counter("a_rather_long_metric_name_for_the_scrape_size_" + i, "tag", "value-" + i).increment();
    }
    try (HealthServer heavy = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        big)) {
      System.gc();
      java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
      long before = memory.getHeapMemoryUsage().getUsed();
      Socket flood = new Socket("127.0.0.1", heavy.port());
      sockets.add(flood);
      byte[] one = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.io.OutputStream out = flood.getOutputStream();
      try {
        for (int i = 0; i < 5_000; i++) {
          out.write(one);
        }
        out.flush();
      } catch (IOException e) {
        // cut while still writing: fine
      }
      for (int i = 0; i < 20; i++) {
        assertThat(RawHttp.probe(heavy.port(), "/livez", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
      }
      System.gc();
      long grown = memory.getHeapMemoryUsage().getUsed() - before;
      // At most a few answers wait in memory, not 5,000 (a gigabyte).
      assertThat(grown).as("heap grown while the client reads nothing").isLessThan(64L * 1024 * 1024);
    }
  }

  /** Short deadlines, so that a test sees them pass. */
  static HttpLoop.Limits shortLimits(Duration response, Duration idle) {
    return new HttpLoop.Limits(HealthServer.REQUEST_TIMEOUT, response, idle, HealthServer.MAX_LINE,
        HealthServer.MAX_HEADERS);
  }

  @Test
  void aKeptAliveConnectionThatIdlesIsClosedAfterTheIdleTimeout() throws IOException {
    Duration idle = Duration.ofMillis(500);
    try (HealthServer quick = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), shortLimits(HealthServer.RESPONSE_TIMEOUT, idle))) {
      Socket s = new Socket("127.0.0.1", quick.port());
      sockets.add(s);
      RawHttp.send(s, "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
      long answered = System.nanoTime();
      await().atMost(idle.plusSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> RawHttp.closedByServer(s));
      assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("kept while idle").isGreaterThanOrEqualTo(
          idle.minusMillis(100));
    }
  }

  @Test
  void aClientThatTakesNoneOfItsAnswersIsCutAfterTheResponseTimeout() throws Exception {
    Duration response = Duration.ofMillis(500);
    PrometheusMeterRegistry big = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int i = 0; i < 2_000; i++) {
      big.counter("a_rather_long_metric_name_for_the_scrape_size_" + i, "tag", "value-" + i).increment();
    }
    int scrape = big.scrape().length();
    try (HealthServer quick = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        big, shortLimits(response, HealthServer.IDLE_TIMEOUT))) {
      Socket s = new Socket();
      sockets.add(s);
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", quick.port()));
      // 40 answers of about 200 KB each: more than the socket buffers hold, so the server must wait on the client.
      RawHttp.send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(40));
      // The probes go on meanwhile.
      for (int i = 0; i < 5; i++) {
        assertThat(RawHttp.probe(quick.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
      }
      await().atMost(response.plusSeconds(2)).until(() -> quick.connections() == 0);
      // Only now does the client read: had the server kept the connection, the reads would take every
      // answer and then block; cut, they end within what the buffers held.
      s.setSoTimeout(5_000);
      byte[] all = s.getInputStream().readAllBytes();
      assertThat(all.length).as("bytes before the server closed").isLessThan(40 * scrape);
    }
  }
}
