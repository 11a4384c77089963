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
import java.util.concurrent.ExecutorService;
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

  /** A registry whose scrape is about 200 KB, as an application's can be. */
  static PrometheusMeterRegistry bigRegistry() {
    PrometheusMeterRegistry big = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int i = 0; i < 2_000; i++) {
      big.counter("a_rather_long_metric_name_for_the_scrape_size_" + i, "tag", "value-" + i).increment();
    }
    return big;
  }

  /** Five probes from 127.0.0.2, as the kubelet's come from the node's address, each answered within 1 s. */
  static void fiveProbesFromTheNodeWithinTheirTimeout(int port) throws IOException {
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      assertThat(RawHttp.probeFrom("127.0.0.2", port, "/livez", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200 OK");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("probe %d", i).isLessThan(PROBE_TIMEOUT);
    }
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
    PrometheusMeterRegistry big = bigRegistry();
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
        HealthServer.MAX_HEADERS, HealthServer.MAX_CONNECTIONS, HealthServer.LIMITS.fresh());
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
    PrometheusMeterRegistry big = bigRegistry();
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

  @Test
  void beyondTheConnectionCapTheOldestWaitingConnectionsAreClosedAndTheProbesServed() throws Exception {
    // Found by a hostile review: with no cap, 1,480 connections each holding a 12 KB unfinished head
    // filled the sidecar's 24 MB heap (OutOfMemoryError) within 6 s.
    int cap = 16;
    // Every connection may be closed to make room, however young: which goes first is then the test's.
    HttpLoop.Limits limits = new HttpLoop.Limits(HealthServer.REQUEST_TIMEOUT, HealthServer.RESPONSE_TIMEOUT,
        HealthServer.IDLE_TIMEOUT, HealthServer.MAX_LINE, HealthServer.MAX_HEADERS, cap, Duration.ZERO);
    try (HealthServer capped = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), limits)) {
      List<Socket> holders = new ArrayList<>();
      for (int i = 0; i < 3 * cap; i++) {
        Socket s = new Socket("127.0.0.1", capped.port());
        sockets.add(s);
        holders.add(s);
        RawHttp.send(s, "GET /readyz HTTP/1.1\r\nX: " + "a".repeat(4000)); // never finished
      }
      for (int i = 0; i < 10; i++) {
        assertThat(RawHttp.probeFrom("127.0.0.2", capped.port(), "/livez", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> capped.connections() <= cap);
      // The oldest went first; the newest are still open.
      await().atMost(Duration.ofSeconds(2)).until(() -> RawHttp.closedByServer(holders.get(0)));
      assertThat(RawHttp.closedByServer(holders.get(holders.size() - 1))).isFalse();
    }
  }

  @Test
  void aConnectionThatPipelinesHundredsOfRequestsGetsOneAnswerPerTurnSoTheProbesGoOn() throws Exception {
    // Found by a hostile review: 5 connections pipelining 300 scrapes each timed out 8 of 10 probes,
    // as every buffered request of a connection was answered in one turn of the loop.
    // Each filtered scrape reads every meter: about a millisecond with 2,000 of them.
    PrometheusMeterRegistry big = bigRegistry();
    server.close();
    server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(), big);
    byte[] batch = "GET /metrics?name%5B%5D=x HTTP/1.1\r\n\r\n".repeat(300)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      Socket s = connect();
      Thread t = new Thread(() -> {
        try {
          java.io.InputStream in = s.getInputStream();
          byte[] sink = new byte[64 * 1024];
          while (!stop.get()) {
            s.getOutputStream().write(batch);
            for (int answers = 0; answers < 300; ) {
              int n = in.read(sink);
              if (n < 0) {
                return;
              }
              for (int k = 0; k < n; k++) {
                if (sink[k] == 'H' && k + 4 < n && sink[k + 1] == 'T' && sink[k + 2] == 'T' && sink[k + 3] == 'P') {
                  answers++;
                }
              }
            }
          }
        } catch (IOException ended) {
          // the test is over
        }
      });
      t.setDaemon(true);
      t.start();
      clients.add(t);
    }
    try {
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        assertThat(RawHttp.probe(server.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("probe %d", i).isLessThan(PROBE_TIMEOUT);
      }
    } finally {
      stop.set(true);
    }
  }

  @Test
  void aSlowReaderIsCutWhenItsPipelinedAnswersAreNotAllTakenWithinTheResponseTimeout() throws Exception {
    // Found by a hostile review: each pipelined answer restarted the 5 s clock, so a client reading
    // 1.5 KB/s held its connection (and an answer in the heap) for as long as it liked. Here 10,000
    // small answers (1.1 MB) are read at about 100 KB/s: the server's 64 KB send buffer frees a
    // little at a time, each answer goes out well within the timeout, all of them take 11 s.
    Duration response = Duration.ofSeconds(1);
    try (HealthServer quick = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), shortLimits(response, HealthServer.IDLE_TIMEOUT))) {
      Socket s = new Socket();
      sockets.add(s);
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", quick.port()));
      ScheduledExecutorService client = Executors.newScheduledThreadPool(2);
      client.execute(() -> {
        try {
          // 28 bytes, a divisor of the request buffer's 12,292: each read empties it exactly, which
          // once ended the run (and restarted its clock) at every read (the second hostile review).
          RawHttp.send(s, "GET /livez HTTP/1.1\r\nA:b\r\n\r\n".repeat(10_000));
        } catch (IOException cut) {
          // the server closed while the requests were still going out
        }
      });
      client.scheduleAtFixedRate(() -> {
        try {
          s.getInputStream().readNBytes(5 * 1024);
        } catch (IOException closed) {
          throw new IllegalStateException(closed); // ends the schedule
        }
      }, 50, 50, TimeUnit.MILLISECONDS);
      try {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(6)).until(() -> quick.connections() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(response.minusMillis(100));
      } finally {
        client.shutdownNow();
      }
    }
  }

  /** At most {@code cap} connections, any of which may be closed to make room, however young. */
  static HttpLoop.Limits capped(Duration response, int cap) {
    return new HttpLoop.Limits(HealthServer.REQUEST_TIMEOUT, response, HealthServer.IDLE_TIMEOUT, HealthServer.MAX_LINE,
        HealthServer.MAX_HEADERS, cap, Duration.ZERO);
  }

  @Test
  void atTheCapTheConnectionIdleLongestMakesRoomForANewClient() throws Exception {
    try (HealthServer small = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), capped(HealthServer.RESPONSE_TIMEOUT, 4))) {
      List<Socket> kept = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Socket s = new Socket("127.0.0.1", small.port());
        sockets.add(s);
        kept.add(s);
        RawHttp.send(s, "GET /livez HTTP/1.1\r\n\r\n");
        assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
      }
      assertThat(RawHttp.probeFrom("127.0.0.2", small.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
      await().atMost(Duration.ofSeconds(2)).until(() -> RawHttp.closedByServer(kept.get(0)));
      assertThat(RawHttp.closedByServer(kept.get(3))).isFalse();
    }
  }

  @Test
  void atTheCapConnectionsWaitingOnUnreadAnswersCannotKeepAProbeOut() throws Exception {
    // Found by the second hostile review: connections being answered were never closed to make room,
    // so clients that pipeline scrapes and read nothing paused accepting for the whole answer clock.
    PrometheusMeterRegistry big = bigRegistry();
    try (HealthServer small = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        big, capped(HealthServer.RESPONSE_TIMEOUT, 2))) {
      for (int i = 0; i < 2; i++) {
        Socket s = new Socket();
        sockets.add(s);
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", small.port()));
        RawHttp.send(s, "GET /metrics HTTP/1.1\r\n\r\n".repeat(5)); // about 1 MB of answers, never read
      }
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(small.connections()).isEqualTo(2));
      assertThat(RawHttp.probeFrom("127.0.0.2", small.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
    }
  }

  @Test
  void atTheCapClientsThatKeepTheirConnectionsBusyCannotKeepAProbeOut() throws Exception {
    // Found by the second hostile review: 128 kept-alive connections each asking every 0.4 s were
    // never idle nor slow long enough to be closed; 36 of 38 probes timed out.
    int cap = 8;
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    try (HealthServer small = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), capped(HealthServer.RESPONSE_TIMEOUT, cap))) {
      ScheduledExecutorService busy = Executors.newScheduledThreadPool(2);
      try {
        for (int i = 0; i < cap; i++) {
          Socket s = new Socket("127.0.0.1", small.port());
          sockets.add(s);
          s.setSoTimeout(5_000);
          busy.scheduleWithFixedDelay(() -> {
            try {
              RawHttp.send(s, "GET /livez HTTP/1.1\r\n\r\n");
              RawHttp.readAnswer(s.getInputStream(), false);
            } catch (IOException closed) {
              throw new IllegalStateException(closed); // closed to make room: this client is done
            }
          }, 0, 50, TimeUnit.MILLISECONDS);
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(small.connections()).isEqualTo(cap));
        for (int i = 0; i < 5; i++) {
          assertThat(RawHttp.probeFrom("127.0.0.2", small.port(), "/readyz", PROBE_TIMEOUT)).startsWith("HTTP/1.1 200 OK");
        }
      } finally {
        busy.shutdownNow();
      }
    }
  }

  @Test
  void aNewConnectionThatSendsOnlyEmptyLinesIsCutByTheRequestTimeout() throws Exception {
    // Found by the second hostile review: empty lines moved a fresh connection to the 30 s idle clock.
    Duration request = Duration.ofMillis(500);
    HttpLoop.Limits limits = new HttpLoop.Limits(request, HealthServer.RESPONSE_TIMEOUT, HealthServer.IDLE_TIMEOUT,
        HealthServer.MAX_LINE, HealthServer.MAX_HEADERS, HealthServer.MAX_CONNECTIONS, HealthServer.LIMITS.fresh());
    try (HealthServer quick = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), limits)) {
      Socket s = new Socket("127.0.0.1", quick.port());
      sockets.add(s);
      RawHttp.send(s, "\r\n\r\n");
      await().atMost(request.plusSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> RawHttp.closedByServer(s));
    }
  }

  @Test
  void aFloodOfConnectionsFromOneAddressDoesNotKeepAProbeFromAnotherOut() throws Exception {
    // Found by the third hostile review: at the cap the server stopped accepting while every
    // connection was younger than 50 ms, so a client opening connections faster than that filled the
    // listen backlog, the kernel dropped the probe's SYN, and the probe's connect took its 1 s retry.
    int cap = 4;
    List<java.nio.channels.SocketChannel> flood = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    HttpLoop.Limits limits = new HttpLoop.Limits(HealthServer.REQUEST_TIMEOUT, HealthServer.RESPONSE_TIMEOUT,
        HealthServer.IDLE_TIMEOUT, HealthServer.MAX_LINE, HealthServer.MAX_HEADERS, cap, HealthServer.LIMITS.fresh());
    try (HealthServer small = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), limits)) {
      Thread flooder = new Thread(() -> {
        // Non-blocking connects: each SYN goes out at once, whatever the backlog holds.
        for (int i = 0; i < 1_500 && !stop.get(); i++) {
          try {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
            c.configureBlocking(false);
            c.connect(new InetSocketAddress("127.0.0.1", small.port()));
            flood.add(c);
          } catch (IOException e) {
            return;
          }
        }
      });
      flooder.setDaemon(true);
      flooder.start();
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> flood.size() >= 500);
        fiveProbesFromTheNodeWithinTheirTimeout(small.port());
      } finally {
        stop.set(true);
        flooder.join(5_000);
        synchronized (flood) {
          for (java.nio.channels.SocketChannel c : flood) {
            c.close();
          }
        }
      }
    }
  }

  @Test
  void slowScrapesPipelinedOnManyConnectionsDoNotDelayTheProbes() throws Exception {
    // From the third hostile review: the operator's scrape takes about 20 ms of CPU at 1,000 schemas;
    // with one answer per connection per turn, 40 connections pipelining scrapes made each turn about
    // 800 ms long, and a probe waits two turns. A gauge that burns 20 ms stands in for that scrape.
    PrometheusMeterRegistry slow = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    io.micrometer.core.instrument.Gauge.builder("slow_to_read", () -> {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      long spins = 0;
      while (System.nanoTime() < until) {
        spins++;
      }
      return spins;
    }).register(slow);
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    try (HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new HealthServerTest.FakeSource(),
        slow)) {
      ExecutorService scrapers = Executors.newFixedThreadPool(40);
      try {
        for (int c = 0; c < 40; c++) {
          Socket s = new Socket("127.0.0.1", server.port());
          sockets.add(s);
          scrapers.execute(() -> {
            try {
              while (!stop.get()) {
                RawHttp.send(s, "HEAD /metrics HTTP/1.1\r\n\r\n".repeat(3));
                for (int i = 0; i < 3; i++) {
                  RawHttp.readAnswer(s.getInputStream(), true);
                }
              }
            } catch (IOException ended) {
              // the test is over
            }
          });
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 40);
        fiveProbesFromTheNodeWithinTheirTimeout(server.port());
      } finally {
        stop.set(true);
        scrapers.shutdownNow();
      }
    }
  }
}
