package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer against a fake source, on a real loopback socket. */
class HealthServerTest {
  final HttpClient http = HttpClient.newHttpClient();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final FakeSource source = new FakeSource();
  HealthServer server;

  static class FakeSource implements HealthSource {
    volatile boolean live = true;
    volatile Readiness readiness = new Readiness(true, "up", "fine");
    final AtomicInteger detailCalls = new AtomicInteger();

    @Override
    public boolean live() {
      return live;
    }

    @Override
    public Readiness readiness() {
      return readiness;
    }

    @Override
    public Map<String, Object> details(Readiness r) {
      detailCalls.incrementAndGet();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("status", r.status());
      m.put("checkedAt", Instant.parse("2025-01-01T00:00:00Z"));
      return m;
    }
  }

  @BeforeEach
  void start() throws Exception {
    registry.counter("test.requests").increment();
    server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), source, registry);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> request(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return request("GET", path);
  }

  @Test
  void livezFollowsTheSource() throws Exception {
    assertThat(get("/livez").statusCode()).isEqualTo(200);
    assertThat(get("/livez").body()).isEqualTo("ok\n");
    source.live = false;
    assertThat(get("/livez").statusCode()).isEqualTo(503);
  }

  @Test
  void readyzAnswersTheVerdictWithItsReasonWithoutBuildingDetails() throws Exception {
    HttpResponse<String> ok = get("/readyz");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("ready: fine\n");
    assertThat(ok.headers().firstValue("Content-Type")).hasValue(HealthServer.TEXT);
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");

    source.readiness = new Readiness(false, "down", "the last ping failed (timeout): slow");
    HttpResponse<String> down = get("/readyz");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("not ready: the last ping failed (timeout): slow\n");
    assertThat(source.detailCalls).hasValue(0);
  }

  @Test
  void healthIsJsonWithTheReadinessStatusCode() throws Exception {
    HttpResponse<String> ok = get("/health");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).hasValue(HealthServer.JSON);
    assertThat(ok.body()).isEqualTo("{\"status\":\"up\",\"checkedAt\":\"2025-01-01T00:00:00Z\"}\n");

    source.readiness = new Readiness(false, "slow", "too slow");
    HttpResponse<String> slow = get("/health");
    assertThat(slow.statusCode()).isEqualTo(503);
    assertThat(slow.body()).contains("\"status\":\"slow\"");
  }

  @Test
  void metricsIsPrometheusText() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("# TYPE test_requests_total counter").contains("test_requests_total 1.0");
  }

  /**
   * name[] as Prometheus client libraries take it: only the named families are written, so a poller that
   * wants one counter is not sent every series (at 1,000 schemas, thousands of lines).
   */
  @Test
  void metricsWithNamesAnswersOnlyThoseFamilies() throws Exception {
    registry.gauge("test.other", 7);
    assertThat(get("/metrics").body()).contains("test_other 7.0");

    HttpResponse<String> one = get("/metrics?name%5B%5D=test_requests_total");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).contains("test_requests_total 1.0").doesNotContain("test_other");
    assertThat(get("/metrics?name%5B%5D=test_other&name%5B%5D=test_requests_total").body())
        .contains("test_requests_total 1.0").contains("test_other 7.0");
    assertThat(get("/metrics?name%5B%5D=test_requests").body()).as("the family's name without its suffix")
        .contains("test_requests_total 1.0");
    assertThat(get("/metrics?name%5B%5D=nothing_here").body()).isEmpty();
    assertThat(get("/metrics?other=1").body()).as("other parameters are ignored").contains("test_other 7.0");
  }

  @Test
  void headHasNoBodyOtherMethodsAndPathsAreRefused() throws Exception {
    HttpResponse<String> head = request("HEAD", "/readyz");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();

    HttpResponse<String> post = request("POST", "/health");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/readyzz").statusCode()).isEqualTo(404);
    assertThat(get("/health/x").statusCode()).isEqualTo(404);
  }

  @Test
  void headHasTheHeadersOfGetAndNoBody() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      RawHttp.send(s, "HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\nGET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = RawHttp.readAnswer(s.getInputStream(), true);
      assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-length: 12\r\n")
          .containsIgnoringCase("content-type: " + HealthServer.TEXT).endsWith("\r\n\r\n");
      // Had the HEAD answer carried a body, this would read "ready: fine" instead.
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
    }
  }

  @Test
  void oneConnectionServesRequestAfterRequestUntilTheClientSaysClose() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      for (String path : List.of("/livez", "/readyz", "/health", "/nope")) {
        RawHttp.send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(RawHttp.readAnswer(s.getInputStream(), false)).as(path).startsWith("HTTP/1.1 ")
            .doesNotContainIgnoringCase("connection: close");
      }
      RawHttp.send(s, "GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.readAll(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAndARequestMayArriveByteByByte() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /livez HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 404 Not Found");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ready: fine\n");
      for (char c : "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n".toCharArray()) {
        RawHttp.send(s, String.valueOf(c));
      }
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
    }
  }

  @Test
  void anHttp10ConnectionIsClosedAfterItsAnswerUnlessItAsksToBeKept() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /livez HTTP/1.0\r\n\r\n");
      assertThat(RawHttp.readAll(s.getInputStream())).startsWith("HTTP/1.1 200 OK").contains("Connection: close\r\n")
          .endsWith("ok\n");
    }
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      for (int i = 0; i < 2; i++) {
        RawHttp.send(s, "GET /livez HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(RawHttp.readAnswer(s.getInputStream(), false)).contains("Connection: keep-alive\r\n").endsWith("ok\n");
      }
    }
  }

  @Test
  void aRequestWithABodyIsAnsweredAndItsConnectionClosedSoTheBodyIsNeverReadAsARequest() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "POST /livez HTTP/1.1\r\nContent-Length: 31\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
      String all = RawHttp.readAll(s.getInputStream());
      assertThat(all).startsWith("HTTP/1.1 405 Method Not Allowed").contains("Connection: close\r\n")
          .doesNotContain("ready: fine");
    }
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestStillGetsItsAnswer() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
      s.shutdownOutput();
      assertThat(RawHttp.readAll(s.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("ready: fine\n");
    }
  }

  @Test
  void emptyLinesBeforeARequestAreIgnoredHoweverManyThereAre() throws Exception {
    // RFC 9112, section 2.2: a server ignores empty lines where a request line is expected. They are
    // dropped as they come, so they fill no buffer.
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "\r\n".repeat(HealthServer.MAX_LINE + HealthServer.MAX_HEADERS) + "GET /livez HTTP/1.1\r\n\r\n\r\n"
          + "GET /readyz HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ok\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK").endsWith("ready: fine\n");
    }
  }

  @Test
  void aMalformedQueryIsRefusedWith400() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /metrics?name%5B%5D=%zz HTTP/1.1\r\n\r\nGET /livez HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 400 Bad Request")
          .contains("malformed query");
      assertThat(RawHttp.readAnswer(s.getInputStream(), false)).startsWith("HTTP/1.1 200 OK");
    }
  }

  @Test
  void anOversizedRequestIsRefusedAndItsConnectionClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HealthServer.MAX_HEADERS) + "\r\n\r\n");
      assertThat(RawHttp.readAll(s.getInputStream())).startsWith("HTTP/1.1 400 Bad Request").endsWith("bad request\n");
    }
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      RawHttp.send(s, "GET /" + "a".repeat(HealthServer.MAX_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.readAll(s.getInputStream())).startsWith("HTTP/1.1 400 Bad Request");
    }
    assertThat(get("/livez").statusCode()).isEqualTo(200);
  }

  @Test
  void aFailingSourceGives500AndTheServerKeepsServing() throws Exception {
    HealthServer broken = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), new FakeSource() {
      @Override
      public Readiness readiness() {
        throw new IllegalStateException("bug");
      }
    }, registry);
    try {
      URI uri = URI.create("http://127.0.0.1:" + broken.port() + "/readyz");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(500);
      URI live = URI.create("http://127.0.0.1:" + broken.port() + "/livez");
      assertThat(http.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    } finally {
      broken.close();
    }
  }

  @Test
  void manyConcurrentRequestsAreAllAnswered() {
    // Up to the connection cap (128): beyond it the oldest connections of the busiest address are closed
    // to make room (HealthServerSlowClientIT), which a client opening hundreds at once would see.
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < HealthServer.MAX_CONNECTIONS - 8; i++) {
      futures.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
          + (i % 2 == 0 ? "/readyz" : "/health"))).build(), HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(futures).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
  }

  @Test
  void closeReleasesThePort() throws Exception {
    int port = server.port();
    server.close();
    try (var socket = new java.net.ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(socket.isBound()).isTrue();
    }
    server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), source, registry);
  }
}
