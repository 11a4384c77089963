package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/ applies cleanly, and its RBAC is enough: an operator that acts as the deployed
 * ServiceAccount (impersonation, so the API server's RBAC decides) brings a schema to Ready.
 */
class DeployManifestsIT {
  static final String SA = "system:serviceaccount:mongo-steward:mongo-steward-operator";

  @Test
  void manifestsApplyAndTheirRbacLetsTheOperatorWork() throws Exception {
    try (KubernetesClient admin = KubeApi.client()) {
      List<Path> files = KubeApi.applyDeploy(admin, ".*\\.yaml");
      assertThat(files).hasSizeGreaterThanOrEqualTo(5);
      assertThat(admin.apps().deployments().inNamespace("mongo-steward").withName("mongo-steward-operator").get()
          .getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("mongo-steward-operator");

      String ns = KubeApi.newNamespace(admin, "rbac");
      Config asOperator = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
          .withImpersonateUsername(SA)
          .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:mongo-steward", "system:authenticated")
          .build();
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(asOperator).build()) {
        // Least privilege: the operator reads the Secrets schemas name, one get each; it cannot list them.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> operatorClient.secrets().inNamespace(ns).list())
            .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(403));
      }
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(asOperator).build();
           OperatorApp app = new OperatorApp(operatorClient, OperatorSettings.defaults().with(b -> {
                 b.namespaces = Set.of(ns);
                 b.leaseNamespace = "mongo-steward";
                 b.identity = "rbac-test";
               }),
               new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
        app.start();
        OperatorHarness.secretIn(admin, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
        OperatorHarness.applyIn(admin, ns, "bot", MongoSchemaOperatorIT.spec("op_rbac", "deletionPolicy: Delete\n"));
        OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(admin, ns, "bot")));
        assertThat(admin.v1().events().inNamespace(ns).list().getItems()).isNotEmpty();
        // The leader renews its Lease (create alone is not enough: renewal patches it).
        var lease = admin.leases().inNamespace("mongo-steward").withName("mongo-steward-operator").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("rbac-test");
        var firstRenew = lease.getSpec().getRenewTime();
        OperatorHarness.eventually().until(() -> !firstRenew.equals(admin.leases().inNamespace("mongo-steward")
            .withName("mongo-steward-operator").get().getSpec().getRenewTime()));
        admin.resources(io.mongosteward.api.v1alpha1.MongoSchema.class).inNamespace(ns).withName("bot").delete();
        OperatorHarness.eventually().until(() -> OperatorHarness.readyIn(admin, ns, "bot") == null
            && admin.resources(io.mongosteward.api.v1alpha1.MongoSchema.class).inNamespace(ns).withName("bot").get() == null);
        // deletionPolicy Delete dropped the declared indexes, and the collection is free for another schema.
        try (var mongo = com.mongodb.client.MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri())) {
          var db = mongo.getDatabase("op_rbac");
          assertThat(db.getCollection("posts").listIndexes().into(new java.util.ArrayList<>()))
              .extracting(d -> d.getString("name")).containsExactly("_id_");
          assertThat(db.getCollection(io.mongosteward.mongo.MetadataStore.COLLECTION).countDocuments()).isZero();
        }
      }
    }
  }
}
