package io.mongosteward.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every manifest the chart renders, for each value set of ChartTest, and every file of deploy/, is
 * accepted by a real API server: a server-side dry-run with strict field validation, so a wrong
 * field, type or missing required field fails here rather than at `helm install`. The
 * prometheus-operator's CRDs (published YAML, fetched by scripts/build-test-servers.sh) are
 * applied first, so that its ServiceMonitor, PodMonitor and PrometheusRule are checked against
 * their real schemas.
 */
class ChartDryRunIT {
  static final List<String> PROMETHEUS_CRDS = List.of("servicemonitors", "podmonitors", "prometheusrules");

  @BeforeAll
  static void prometheusOperatorCrds() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String plural : PROMETHEUS_CRDS) {
      files.add(TestServers.prometheusOperatorCrd(plural));
    }
    try (KubernetesClient admin = KubeApi.client()) {
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
          admin.resource(crd).forceConflicts().serverSideApply();
          admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                  60, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void everyRenderedManifestPassesAServerSideDryRun() {
    try (KubernetesClient admin = KubeApi.client()) {
      String release = KubeApi.newNamespace(admin, "chart");
      String a = KubeApi.newNamespace(admin, "watched");
      String b = KubeApi.newNamespace(admin, "watched");
      List<String> kinds = new ArrayList<>();
      for (Map.Entry<String, String> set : ChartRender.valueSets(a, b).entrySet()) {
        String manifests = ChartRender.template("rel", release, set.getValue());
        List<HasMetadata> items = admin.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
        assertThat(items).as(set.getKey()).isNotEmpty();
        for (HasMetadata item : items) {
          String id = set.getKey() + ": " + item.getKind() + " " + item.getMetadata().getName();
          HasMetadata accepted = dryRunCreate(admin, item, id);
          assertThat(accepted.getMetadata().getUid()).as(id).isNotBlank();
          kinds.add(item.getKind());
        }
        // A dry run stores nothing.
        assertThat(admin.apps().deployments().inNamespace(release).list().getItems()).isEmpty();
      }
      assertThat(kinds).contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
          "Deployment", "PodDisruptionBudget", "Service", "ServiceMonitor", "PodMonitor");
    }
  }

  /**
   * Release names Helm accepts (up to 53 characters, dots) and a 63-character fullnameOverride:
   * every object of every kind, the metrics Service above all (a DNS-1035 label of at most 63),
   * is accepted by the API server.
   */
  @Test
  void longAndDottedNamesPassAServerSideDryRun() {
    try (KubernetesClient admin = KubeApi.client()) {
      String release = KubeApi.newNamespace(admin, "chart");
      String everything = """
          metrics:
            service: {enabled: true}
            serviceMonitor: {enabled: true}
            prometheusRule: {enabled: true}
            dashboard: {enabled: true}
            podMonitor: {enabled: true, podSelector: {matchLabels: {app.kubernetes.io/name: bot-app}}}
          podDisruptionBudget: {enabled: true}
          """;
      Map<String, String> cases = Map.of(
          "payments-platform-prod-eu-west-1-mongodb-ops", "",
          "a-53-character-release-name-that-helm-still-accepts-x", "",
          "team.prod", "",
          "rel", "fullnameOverride: " + "a".repeat(63) + "\n");
      List<String> services = new ArrayList<>();
      for (var c : cases.entrySet()) {
        String manifests = ChartRender.template(c.getKey(), release, everything + c.getValue());
        for (HasMetadata item : admin.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items()) {
          dryRunCreate(admin, item, c.getKey() + ": " + item.getKind() + " " + item.getMetadata().getName());
          if ("Service".equals(item.getKind())) {
            services.add(item.getMetadata().getName());
          }
        }
      }
      assertThat(services).hasSize(4);
    }
  }

  /**
   * `helm upgrade --reuse-values` from a release of a chart version without a value the new one
   * reads (here: a chart without metrics.dashboard) still renders, and the documented
   * `--reset-then-reuse-values` brings the new value's default, so it can be switched on.
   */
  @Test
  void anUpgradeWithTheOldReleasesValuesStillRenders(@TempDir Path dir) throws IOException {
    Path old = ChartRender.copyChart(dir);
    String values = Files.readString(old.resolve("values.yaml"));
    Files.writeString(old.resolve("values.yaml"), values.substring(0, values.indexOf("  # A Grafana dashboard")));
    ObjectMapper json = new ObjectMapper();
    ObjectNode schema = (ObjectNode) json.readTree(old.resolve("values.schema.json").toFile());
    ((ObjectNode) schema.at("/properties/metrics/properties")).remove("dashboard");
    json.writeValue(old.resolve("values.schema.json").toFile(), schema);
    Files.delete(old.resolve("templates").resolve("dashboard.yaml"));
    try (var crds = Files.list(old.resolve("crds"))) {
      for (Path f : crds.toList()) {
        Files.delete(f); // the CRDs are the API server's already; Helm would only skip them
      }
    }
    Files.writeString(old.resolve("Chart.yaml"), Files.readString(old.resolve("Chart.yaml")).replace("version: 0.1.0", "version: 0.0.9"));

    try (KubernetesClient admin = KubeApi.client()) {
      String ns = KubeApi.newNamespace(admin, "upgrade");
      String kubeconfig = KubeApi.kubeConfigYaml();
      new Helm(old).install().withName(ns).withNamespace(ns).withKubeConfigContents(kubeconfig).call();
      try {
        assertThat(new Helm(ChartRender.CHART).upgrade().withName(ns).withNamespace(ns).withKubeConfigContents(kubeconfig)
            .reuseValues().set("image.tag", "0.2.0").call().getStatus()).isEqualTo("deployed");
        assertThat(new Helm(ChartRender.CHART).upgrade().withName(ns).withNamespace(ns).withKubeConfigContents(kubeconfig)
            .resetThenReuseValues().set("metrics.dashboard.enabled", "true").call().getStatus()).isEqualTo("deployed");
        assertThat(admin.apps().deployments().inNamespace(ns).withName(ns + "-mongo-steward").get()
            .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("mongo-steward:0.2.0");
        assertThat(admin.configMaps().inNamespace(ns).withName(ns + "-mongo-steward-dashboard").get()).isNotNull();
      } finally {
        Helm.uninstall(ns).withNamespace(ns).withKubeConfigContents(kubeconfig).call();
      }
    }
  }

  /** The check has teeth: the API server refuses a ServiceMonitor field its CRD does not define. */
  @Test
  void aMisspelledServiceMonitorFieldIsRefused() {
    try (KubernetesClient admin = KubeApi.client()) {
      String release = KubeApi.newNamespace(admin, "chart");
      String manifests = ChartRender.template("rel", release, "metrics: {serviceMonitor: {enabled: true}}\n");
      GenericKubernetesResource sm = admin.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
          .items().stream().filter(i -> "ServiceMonitor".equals(i.getKind()))
          .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
      @SuppressWarnings("unchecked")
      var endpoint = ((List<Map<String, Object>>) ((Map<String, Object>) sm.getAdditionalProperties().get("spec"))
          .get("endpoints")).get(0);
      endpoint.put("intervall", "30s");
      assertThatThrownBy(() -> admin.resource(sm).dryRun().fieldValidation(Validation.STRICT).create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(400);
            assertThat(e.getMessage()).contains("intervall");
          });
    }
  }

  /** deploy/ too (DeployManifestsIT applies it for real and runs the operator with its RBAC). */
  @Test
  void deployManifestsPassAServerSideDryRun() throws IOException {
    try (KubernetesClient admin = KubeApi.client()) {
      List<Path> files;
      try (var list = Files.list(Path.of("deploy"))) {
        files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      }
      assertThat(files).hasSizeGreaterThanOrEqualTo(5);
      int checked = 0;
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          for (HasMetadata item : admin.load(in).items()) {
            if ("Namespace".equals(item.getKind())) {
              // Namespaced objects need their namespace to exist, even in a dry run; applying it is
              // what DeployManifestsIT does too.
              admin.resource(item).forceConflicts().serverSideApply();
            } else {
              HasMetadata accepted = admin.resource(item).dryRun().fieldValidation(Validation.STRICT)
                  .forceConflicts().serverSideApply();
              assertThat(accepted.getMetadata().getName()).as(f.toString()).isEqualTo(item.getMetadata().getName());
            }
            checked++;
          }
        }
      }
      assertThat(checked).isGreaterThanOrEqualTo(7);
    }
  }

  static HasMetadata dryRunCreate(KubernetesClient admin, HasMetadata item, String id) {
    try {
      return admin.resource(item).dryRun().fieldValidation(Validation.STRICT).create();
    } catch (KubernetesClientException e) {
      throw new AssertionError(id + " refused by the API server: " + e.getMessage(), e);
    }
  }
}
