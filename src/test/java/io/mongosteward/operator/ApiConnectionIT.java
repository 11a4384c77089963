package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.kube.KubeHttpClients;
import io.mongosteward.testsupport.KubeApi;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How the operator opens its connection to the API server. The JDK's HTTP client keeps the exchange
 * that opened a connection, response body included, for as long as the connection lives (its connect
 * timer holds it: PlainHttpConnection.connectTimerEvent, still so in JDK 25). When the informers'
 * first list opened it, that was the JSON of every MongoSchema, 2.7 MB of heap at 1,000 schemas for
 * the operator's life, or not, as the start's requests raced (docs/benchmarks.md).
 */
class ApiConnectionIT {
  /** Every request the client sends, in order: its path and query. */
  final List<String> sent = new CopyOnWriteArrayList<>();

  @Test
  void theFirstRequestIsASmallOneAndTheInformersListInPages() throws Exception {
    Interceptor record = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        sent.add(request.uri().getRawPath() + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()));
      }
    };
    String namespace;
    try (KubernetesClient admin = KubeApi.client()) {
      namespace = KubeApi.newNamespace(admin, "api-connection");
    }
    try (KubernetesClient client = KubeHttpClients.clientBuilder()
             .withConfig(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
             .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("record", record)).build();
         OperatorApp app = new OperatorApp(client, OperatorSettings.defaults().with(b -> {
           b.leaderElection = false;
           b.namespaces = Set.of(namespace);
         }), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
      app.start();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> sent.stream().anyMatch(s -> s.contains("/mongoschemas?")) && sent.stream().anyMatch(s -> s.contains("/mongomigrations?")));
      assertThat(sent.get(0)).as("the request that opens the connection, of " + sent).isEqualTo("/version");
      assertThat(sent.stream().filter(s -> s.contains("/mongoschemas?") && !s.contains("watch=true")))
          .as("the MongoSchemas' lists, of " + sent).isNotEmpty().allSatisfy(s -> assertThat(s).contains("limit=500"));
    }
  }
}
