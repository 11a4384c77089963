package io.mongosteward.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An API server that does not answer: the operator starts anyway, and the log names the server, not its credentials. */
class ApiConnectionTest {
  @Test
  void aServerThatDoesNotAnswerIsLoggedAndLeftToTheInformers() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger log = (Logger) LoggerFactory.getLogger(ApiConnection.class);
    logs.start();
    log.addAppender(logs);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("https://127.0.0.1:" + closedPort).withUsername("steward").withPassword("s3cr:et@")
        .withOauthToken("tok-s3cret").withConnectionTimeout(1000).withRequestTimeout(1000)
        .withRequestRetryBackoffLimit(0).build()).build()) {
      assertThat(ApiConnection.open(client)).isNull();
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("127.0.0.1:" + closedPort).contains("did not answer GET /version")
        .doesNotContain("s3cr").doesNotContain("tok-"));
  }

  /**
   * A proxy in front of the API server that does not route /version answers 404, which fabric8 turns
   * into a null version: the start must go on, not end in a NullPointerException on its thread.
   */
  @Test
  void aServerWithoutVersionIsLoggedAndTheStartGoesOn() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger log = (Logger) LoggerFactory.getLogger(ApiConnection.class);
    logs.start();
    log.addAppender(logs);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort()).withRequestRetryBackoffLimit(0).build())
        .build()) {
      assertThat(ApiConnection.open(client)).isNull();
    } finally {
      log.detachAppender(logs);
      server.stop(0);
    }
    assertThat(logs.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("GET /version").contains("404"));
  }
}
