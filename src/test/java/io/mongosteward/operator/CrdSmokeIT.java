package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.testsupport.KubeApi;
import org.junit.jupiter.api.Test;

class CrdSmokeIT {
  @Test
  void crdsApplyCleanlyAndAreServed() {
    try (KubernetesClient client = KubeApi.client()) {
      assertThat(client.apiextensions().v1().customResourceDefinitions().withName("mongoschemas.mongosteward.io").get())
          .isNotNull();
      assertThat(client.getApiResources("mongosteward.io/v1alpha1").getResources())
          .anySatisfy(r -> assertThat(r.getName()).isEqualTo("mongoschemas"));
    }
  }
}
