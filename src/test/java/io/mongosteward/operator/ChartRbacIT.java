package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.chart.ChartRender;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chart with watchNamespaces grants enough and no more: installed (its rendered RBAC applied for
 * real), the operator acting as the chart's ServiceAccount (impersonation, so the API server's RBAC
 * decides) reconciles a schema in the watched namespace through its finalizer, elects itself in the
 * release namespace, and can read no Secret outside the watched namespace, nor list one inside it.
 */
class ChartRbacIT {
  @Test
  void watchNamespacesRolesLetTheOperatorWorkThereOnly() throws Exception {
    try (KubernetesClient admin = KubeApi.client()) {
      String release = KubeApi.newNamespace(admin, "chart-rbac");
      String watched = KubeApi.newNamespace(admin, "watched");
      String other = KubeApi.newNamespace(admin, "other");
      String manifests = ChartRender.template("rel", release, "watchNamespaces: [" + watched + "]\n");
      List<HasMetadata> items = admin.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
      for (HasMetadata item : items) {
        if (!"Deployment".equals(item.getKind())) {   // no kubelet here: the operator runs in this JVM instead
          admin.resource(item).forceConflicts().serverSideApply();
        }
      }
      assertThat(items).extracting(HasMetadata::getKind).doesNotContain("ClusterRole", "ClusterRoleBinding");

      OperatorHarness.secretIn(admin, watched, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.secretIn(admin, other, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      Config asOperator = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
          .withImpersonateUsername("system:serviceaccount:" + release + ":rel-mongo-steward")
          .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + release, "system:authenticated")
          .build();
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(asOperator).build()) {
        assertThat(operatorClient.secrets().inNamespace(watched).withName("mongo").get()).isNotNull();
        assertForbidden(() -> operatorClient.secrets().inNamespace(watched).list());
        assertForbidden(() -> operatorClient.secrets().inNamespace(other).withName("mongo").get());
        assertForbidden(() -> operatorClient.resources(MongoSchema.class).inAnyNamespace().list());
      }

      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(asOperator).build();
           OperatorApp app = new OperatorApp(operatorClient, OperatorSettings.defaults().with(b -> {
                 b.namespaces = Set.of(watched);
                 b.leaseNamespace = release;
                 b.identity = "chart-rbac-test";
               }),
               new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
        app.start();
        OperatorHarness.applyIn(admin, watched, "bot", MongoSchemaOperatorIT.spec("chart_rbac", "deletionPolicy: Delete\n"));
        OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(admin, watched, "bot")));
        assertThat(admin.v1().events().inNamespace(watched).list().getItems()).isNotEmpty();
        assertThat(admin.leases().inNamespace(release).withName("mongo-steward-operator").get().getSpec()
            .getHolderIdentity()).isEqualTo("chart-rbac-test");
        // The finalizer (deletionPolicy Delete) is released by the operator with a patch of the schema.
        admin.resources(MongoSchema.class).inNamespace(watched).withName("bot").delete();
        OperatorHarness.eventually().until(() ->
            admin.resources(MongoSchema.class).inNamespace(watched).withName("bot").get() == null);
      }
    }
  }

  static void assertForbidden(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(403));
  }
}
