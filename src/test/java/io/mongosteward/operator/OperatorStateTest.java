package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OperatorStateTest {
  /**
   * A replica that lost its Lease (or is shutting down) says "stopping" until it is gone: the
   * background check of the framework's informers must not take that back. It did, within one
   * period, and OperatorLeaseIT, which waits for "stopping", timed out under load.
   */
  @Test
  void stoppingStaysWhileTheBackgroundCheckRuns() {
    try (KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestTimeout(200).build()).build();
         OperatorState state = new OperatorState()) {
      Operator operator = new Operator(o -> o.withKubernetesClient(client));
      state.start(operator, Duration.ofMillis(5), () -> true);
      state.stopping();
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> "stopping".equals(state.readiness().status()));
      assertThat(state.readiness().ready()).isFalse();
      state.standby("lease", "replica-b");
      state.electing("lease", "ns");
      assertThat(state.readiness().status()).isEqualTo("stopping");
    }
  }

  /** What OperatorState logged while {@code opening} ran on its start thread and {@code until} became true. */
  private static java.util.List<String> startLogs(java.util.function.BooleanSupplier opening, String until) {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(OperatorState.class);
    logs.start();
    log.addAppender(logs);
    try (KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestTimeout(200).build()).build();
         OperatorState state = new OperatorState()) {
      state.start(new Operator(o -> o.withKubernetesClient(client)), Duration.ofMillis(5), opening);
      await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains(until)));
      return logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    } finally {
      log.detachAppender(logs);
    }
  }

  /**
   * A stop that comes while the API connection opens (up to minutes, against a silent API server)
   * must not be followed by the framework's start: a replica that lost its Lease would reconcile.
   */
  @Test
  void aStartCalledOffWhileTheConnectionOpensDoesNotStartTheFramework() {
    assertThat(startLogs(() -> false, "not started")).noneMatch(m -> m.contains("started with errors"));
  }

  /** Whatever the opening throws, the framework still starts: its informers retry on their own. */
  @Test
  void anOpeningThatThrowsStillStartsTheFramework() {
    // With no controller registered JOSDK refuses to start, and says so: the attempt is what shows.
    assertThat(startLogs(() -> {
      throw new NullPointerException("no version");
    }, "started with errors")).anyMatch(m -> m.contains("opening the API connection failed"));
  }
}
