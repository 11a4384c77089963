package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clients that never finish their request must not starve the probes. Real sockets, real time. */
class HealthServerSlowClientIT {
  @Test
  void stalledClientsAreCutAndProbesKeepBeingAnswered() throws Exception {
    HealthServerTest.FakeSource source = new HealthServerTest.FakeSource();
    try (HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), source,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      List<Socket> stalled = new ArrayList<>();
      try {
        // More stalled requests than the server has worker threads.
        for (int i = 0; i < 6; i++) {
          Socket s = new Socket("127.0.0.1", server.port());
          OutputStream out = s.getOutputStream();
          out.write("GET /readyz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // no blank line
          out.flush();
          stalled.add(s);
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
            .timeout(Duration.ofSeconds(10)).build();
        long start = System.nanoTime();
        assertThat(http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

        for (Socket s : stalled) {
          s.setSoTimeout(100);
          InputStream in = s.getInputStream();
          await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(in));
        }
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }

  private static boolean closedByServer(InputStream in) {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      return true; // reset
    }
  }
}
