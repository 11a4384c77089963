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
      state.start(operator, Duration.ofMillis(5), () -> { });
      state.stopping();
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> "stopping".equals(state.readiness().status()));
      assertThat(state.readiness().ready()).isFalse();
      state.standby("lease", "replica-b");
      state.electing("lease", "ns");
      assertThat(state.readiness().status()).isEqualTo("stopping");
    }
  }
}
