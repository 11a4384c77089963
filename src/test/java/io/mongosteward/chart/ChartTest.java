package io.mongosteward.chart;

import static io.mongosteward.chart.ChartRender.CHART;
import static io.mongosteward.chart.ChartRender.YAML;
import static io.mongosteward.chart.ChartRender.list;
import static io.mongosteward.chart.ChartRender.ofKind;
import static io.mongosteward.chart.ChartRender.one;
import static io.mongosteward.chart.ChartRender.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** helm/mongo-steward rendered by Helm (in process) with each value set, and held to deploy/ and crds/. */
class ChartTest {
  static final String NS = "steward-system";
  static final Map<String, String> SETS = ChartRender.valueSets("bots", "shop");
  static final List<String> LABELS = List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
      "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "helm.sh/chart");

  static List<JsonNode> set(String name) {
    return render("rel", NS, SETS.get(name));
  }

  static List<JsonNode> deploy(String file) throws IOException {
    return ChartRender.parse(Files.readString(Path.of("deploy", file)));
  }

  static JsonNode container(JsonNode deployment) {
    return deployment.at("/spec/template/spec/containers/0");
  }

  static Optional<String> env(JsonNode deployment, String name) {
    return list(container(deployment).path("env")).stream().filter(e -> name.equals(e.path("name").asText()))
        .map(e -> e.path("value").asText()).findFirst();
  }

  @Test
  void lintPassesStrictly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void everyValueSetRendersLabelledUniqueObjects() {
    for (var e : SETS.entrySet()) {
      List<JsonNode> docs = render("rel", NS, e.getValue());
      Set<String> ids = new HashSet<>();
      for (JsonNode d : docs) {
        String id = d.path("kind").asText() + " " + d.at("/metadata/namespace").asText() + "/" + d.at("/metadata/name").asText();
        assertThat(ids.add(id)).as("%s: %s rendered twice", e.getKey(), id).isTrue();
        JsonNode labels = d.at("/metadata/labels");
        for (String l : LABELS) {
          assertThat(labels.path(l).asText()).as("%s: %s has label %s", e.getKey(), id, l).isNotEmpty();
        }
        assertThat(labels.path("app.kubernetes.io/instance").asText()).isEqualTo("rel");
        assertThat(labels.path("app.kubernetes.io/managed-by").asText()).isEqualTo("Helm");
        assertThat(labels.path("app.kubernetes.io/version").asText()).isEqualTo(appVersion());
      }
    }
  }

  @Test
  void defaultsRenderTheOperatorOfDeployWithRestrictedSecurity() throws IOException {
    List<JsonNode> docs = set("defaults");
    assertThat(ChartRender.kinds(docs)).containsExactlyInAnyOrder("ServiceAccount/rel-mongo-steward",
        "ClusterRole/rel-mongo-steward", "ClusterRoleBinding/rel-mongo-steward",
        "Role/rel-mongo-steward-leader-election", "RoleBinding/rel-mongo-steward-leader-election",
        "Deployment/rel-mongo-steward");
    // Nothing of the prometheus-operator by default: the chart installs where it is absent.
    assertThat(ofKind(docs, "ServiceMonitor")).isEmpty();
    assertThat(ofKind(docs, "PodMonitor")).isEmpty();
    assertThat(ofKind(docs, "Service")).isEmpty();
    assertThat(ofKind(docs, "PodDisruptionBudget")).isEmpty();

    JsonNode d = one(docs, "Deployment");
    assertThat(d.at("/metadata/namespace").asText()).isEqualTo(NS);
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(d.at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("rel-mongo-steward");
    assertThat(container(d).path("image").asText()).isEqualTo("mongo-steward:" + appVersion());
    assertThat(list(container(d).path("args"))).extracting(JsonNode::asText).containsExactly("operator");
    assertThat(env(d, "MONGOSTEWARD_NAMESPACES")).as("all namespaces").isEmpty();
    assertThat(env(d, "MONGOSTEWARD_LEADER_ELECTION")).contains("true");
    // The selector is a subset of the pod's labels, or the Deployment is refused.
    d.at("/spec/selector/matchLabels").fields().forEachRemaining(l ->
        assertThat(d.at("/spec/template/metadata/labels").path(l.getKey())).isEqualTo(l.getValue()));

    JsonNode pod = d.at("/spec/template/spec/securityContext");
    assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    JsonNode c = container(d).path("securityContext");
    assertThat(c.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(c.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.path("allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(c.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(list(c.at("/capabilities/drop"))).extracting(JsonNode::asText).containsExactly("ALL");
    assertThat(c.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");

    // The measured JVM flags, resources, probes and pod security of deploy/ are the chart's defaults.
    JsonNode plain = one(deploy("05-deployment.yaml"), "Deployment");
    assertThat(env(d, "JAVA_TOOL_OPTIONS")).isEqualTo(env(plain, "JAVA_TOOL_OPTIONS")).isPresent();
    for (String field : List.of("resources", "ports", "livenessProbe", "readinessProbe", "volumeMounts")) {
      assertThat(container(d).path(field)).as(field).isEqualTo(container(plain).path(field));
    }
    assertThat(pod).isEqualTo(plain.at("/spec/template/spec/securityContext"));
    plain.at("/spec/template/spec/containers/0/securityContext").fields().forEachRemaining(f ->
        assertThat(c.path(f.getKey())).as(f.getKey()).isEqualTo(f.getValue()));
  }

  @Test
  void watchNamespacesGetRolesAndNothingClusterWide() {
    List<JsonNode> docs = set("watchNamespaces");
    assertThat(ofKind(docs, "ClusterRole")).as("no cluster-wide grant, Secrets above all").isEmpty();
    assertThat(ofKind(docs, "ClusterRoleBinding")).isEmpty();
    List<JsonNode> roles = ofKind(docs, "Role").stream()
        .filter(r -> r.at("/metadata/name").asText().equals("rel-mongo-steward")).toList();
    assertThat(roles).extracting(r -> r.at("/metadata/namespace").asText()).containsExactlyInAnyOrder("bots", "shop");
    for (JsonNode r : roles) {
      assertThat(rules(r)).anySatisfy(rule -> {
        assertThat(rule.get("resources")).isEqualTo(List.of("secrets"));
        assertThat(rule.get("verbs")).isEqualTo(List.of("get"));
      });
    }
    List<JsonNode> bindings = ofKind(docs, "RoleBinding").stream()
        .filter(r -> r.at("/metadata/name").asText().equals("rel-mongo-steward")).toList();
    assertThat(bindings).extracting(r -> r.at("/metadata/namespace").asText()).containsExactlyInAnyOrder("bots", "shop");
    for (JsonNode b : bindings) {
      assertThat(b.at("/subjects/0/name").asText()).isEqualTo("rel-mongo-steward");
      assertThat(b.at("/subjects/0/namespace").asText()).isEqualTo(NS);
      assertThat(b.at("/roleRef/kind").asText()).isEqualTo("Role");
    }
    // The Lease stays in the release namespace.
    assertThat(ofKind(docs, "Role")).anySatisfy(r -> {
      assertThat(r.at("/metadata/name").asText()).isEqualTo("rel-mongo-steward-leader-election");
      assertThat(r.at("/metadata/namespace").asText()).isEqualTo(NS);
    });
    assertThat(env(one(docs, "Deployment"), "MONGOSTEWARD_NAMESPACES")).contains("bots,shop");
  }

  @Test
  void observabilityRendersServiceServiceMonitorAndPodMonitorThatFitTogether() {
    List<JsonNode> docs = set("observability");
    JsonNode svc = one(docs, "Service");
    assertThat(svc.at("/metadata/name").asText()).isEqualTo("rel-mongo-steward-metrics");
    assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    JsonNode deployment = one(docs, "Deployment");
    assertThat(svc.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));

    JsonNode sm = one(docs, "ServiceMonitor");
    assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(sm.at("/spec/endpoints/0/port").asText()).isEqualTo(svc.at("/spec/ports/0/name").asText());
    assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(sm.at("/spec/endpoints/0/interval").asText()).isEqualTo("15s");
    assertThat(list(sm.at("/spec/namespaceSelector/matchNames"))).extracting(JsonNode::asText).containsExactly(NS);
    // The ServiceMonitor's selector picks the metrics Service.
    sm.at("/spec/selector/matchLabels").fields().forEachRemaining(l ->
        assertThat(svc.at("/metadata/labels").path(l.getKey())).as(l.getKey()).isEqualTo(l.getValue()));

    JsonNode pm = one(docs, "PodMonitor");
    assertThat(pm.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(pm.at("/metadata/labels/app.kubernetes.io~1component").asText()).isEqualTo("sidecar");
    assertThat(pm.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("bot-app");
    assertThat(pm.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("mongo-health");
    assertThat(pm.at("/spec/namespaceSelector/any").asBoolean()).isTrue();

    // The PodMonitor looks only where the operator watches, when that is set.
    JsonNode narrowed = one(render("rel", NS, SETS.get("observability") + "watchNamespaces: [bots]\n"), "PodMonitor");
    assertThat(list(narrowed.at("/spec/namespaceSelector/matchNames"))).extracting(JsonNode::asText).containsExactly("bots");
  }

  @Test
  void aPodMonitorWithoutAPodSelectorIsRefused() {
    assertThatThrownBy(() -> render("rel", NS, "metrics: {podMonitor: {enabled: true}}\n"))
        .hasMessageContaining("metrics.podMonitor.podSelector");
  }

  @Test
  void fullnameOverrideNamesEveryObject() {
    List<JsonNode> docs = set("fullnameOverride");
    assertThat(docs).allSatisfy(d -> assertThat(d.at("/metadata/name").asText()).startsWith("steward"));
    assertThat(one(docs, "ClusterRoleBinding").at("/roleRef/name").asText()).isEqualTo("steward");
    assertThat(one(docs, "Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("steward");
    // nameOverride changes the name label; a release named like the chart is not repeated.
    assertThat(one(render("rel", NS, "nameOverride: keeper\n"), "Deployment").at("/metadata/name").asText())
        .isEqualTo("rel-keeper");
    assertThat(one(render("mongo-steward", NS, ""), "Deployment").at("/metadata/name").asText())
        .isEqualTo("mongo-steward");
  }

  @Test
  void podDisruptionBudgetSelectsTheOperatorPods() {
    List<JsonNode> docs = set("pdb");
    JsonNode pdb = one(docs, "PodDisruptionBudget");
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/maxUnavailable").isMissingNode()).isTrue();
    assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(one(docs, "Deployment").at("/spec/selector/matchLabels"));
    assertThatThrownBy(() -> render("rel", NS, "podDisruptionBudget: {enabled: true, minAvailable: 1, maxUnavailable: 1}\n"))
        .hasMessageContaining("podDisruptionBudget: set minAvailable or maxUnavailable, not both");
  }

  @Test
  void twoReplicasElectALeader() {
    List<JsonNode> docs = set("ha");
    JsonNode d = one(docs, "Deployment");
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(env(d, "MONGOSTEWARD_LEADER_ELECTION")).contains("true");
    assertThat(env(d, "POD_NAMESPACE")).as("the Lease's namespace, from the downward API").isPresent();
    assertThat(d.at("/spec/template/spec/affinity/podAntiAffinity").isObject()).isTrue();
    JsonNode pdb = one(docs, "PodDisruptionBudget");
    assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/minAvailable").isMissingNode()).isTrue();
    assertThat(ofKind(docs, "Role")).extracting(r -> r.at("/metadata/name").asText())
        .containsExactly("rel-mongo-steward-leader-election");

    // A Lease elsewhere: the flag, and the Role where the Lease is.
    List<JsonNode> elsewhere = render("rel", NS, "leaderElection: {leaseNamespace: leases}\n");
    assertThat(list(container(one(elsewhere, "Deployment")).path("args"))).extracting(JsonNode::asText)
        .containsExactly("operator", "--lease-namespace=leases");
    assertThat(one(elsewhere, "Role").at("/metadata/namespace").asText()).isEqualTo("leases");

    // One replica may run without; two may not, as both would reconcile.
    List<JsonNode> single = render("rel", NS, "replicas: 1\nleaderElection: {enabled: false}\n");
    assertThat(env(one(single, "Deployment"), "MONGOSTEWARD_LEADER_ELECTION")).contains("false");
    assertThat(ofKind(single, "Role")).isEmpty();
    assertThatThrownBy(() -> render("rel", NS, "leaderElection: {enabled: false}\n"))
        .hasMessageContaining("replicas: 2 replicas need leaderElection.enabled=true");
  }

  @Test
  void podSettingsReachThePodSpec() {
    JsonNode d = one(render("rel", NS, """
        image: {repository: registry.example.com/mongo-steward, tag: "9.9.9", pullPolicy: Always}
        imagePullSecrets: [{name: regcred}]
        extraEnv: [{name: MONGOSTEWARD_RESYNC, value: 5m}]
        nodeSelector: {kubernetes.io/os: linux}
        tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]
        priorityClassName: system-cluster-critical
        serviceAccount: {annotations: {eks.amazonaws.com/role-arn: arn}}
        """), "Deployment");
    assertThat(container(d).path("image").asText()).isEqualTo("registry.example.com/mongo-steward:9.9.9");
    assertThat(container(d).path("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(d.at("/spec/template/spec/imagePullSecrets/0/name").asText()).isEqualTo("regcred");
    assertThat(env(d, "MONGOSTEWARD_RESYNC")).contains("5m");
    assertThat(d.at("/spec/template/spec/nodeSelector/kubernetes.io~1os").asText()).isEqualTo("linux");
    assertThat(d.at("/spec/template/spec/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(d.at("/spec/template/spec/priorityClassName").asText()).isEqualTo("system-cluster-critical");

    List<JsonNode> existingSa = render("rel", NS, "serviceAccount: {create: false, name: shared}\n");
    assertThat(ofKind(existingSa, "ServiceAccount")).isEmpty();
    assertThat(one(existingSa, "Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("shared");
    assertThatThrownBy(() -> render("rel", NS, "serviceAccount: {create: false}\n"))
        .hasMessageContaining("serviceAccount.name");
  }

  @Test
  void theSchemaRefusesUnknownKeysAndWrongTypesNamingThem() {
    assertThatThrownBy(() -> render("rel", NS, "replica: 3\n"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("(root): Additional property replica is not allowed");
    assertThatThrownBy(() -> render("rel", NS, "metrics: {serviceMonitor: {enable: true}}\n"))
        .hasMessageContaining("metrics.serviceMonitor: Additional property enable is not allowed");
    assertThatThrownBy(() -> render("rel", NS, "replicas: two\n"))
        .hasMessageContaining("replicas: Invalid type. Expected: integer, given: string");
    assertThatThrownBy(() -> render("rel", NS, "watchNamespaces: bots\n"))
        .hasMessageContaining("watchNamespaces: Invalid type. Expected: array, given: string");
    assertThatThrownBy(() -> render("rel", NS, "leaderElection: {enabled: \"yes\"}\n"))
        .hasMessageContaining("leaderElection.enabled: Invalid type. Expected: boolean, given: string");
    assertThatThrownBy(() -> render("rel", NS, "metrics: {prometheusRule: {schemaNotReadyFor: soon}}\n"))
        .hasMessageContaining("metrics.prometheusRule.schemaNotReadyFor");
  }

  /** The chart and deploy/ grant the same: neither can drift from the other. */
  @Test
  void rbacRulesEqualDeploys() throws IOException {
    List<Map<String, Object>> plainRules = rules(one(deploy("02-clusterrole.yaml"), "ClusterRole"));
    assertThat(rules(one(set("defaults"), "ClusterRole"))).isEqualTo(plainRules);
    for (JsonNode role : ofKind(set("watchNamespaces"), "Role")) {
      if (!role.at("/metadata/name").asText().endsWith("-leader-election")) {
        assertThat(rules(role)).as("Role in %s", role.at("/metadata/namespace").asText()).isEqualTo(plainRules);
      }
    }
    JsonNode plainLeader = one(deploy("04-leader-election-role.yaml"), "Role");
    assertThat(rules(one(set("defaults"), "Role"))).isEqualTo(rules(plainLeader));
  }

  @Test
  void chartCrdsAreCopiesOfCrds() throws IOException {
    List<String> top;
    try (var files = Files.list(Path.of("crds"))) {
      top = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    try (var files = Files.list(CHART.resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .as("helm/mongo-steward/crds/ holds exactly crds/*; run scripts/update-crds.sh and commit").isEqualTo(top);
    }
    for (String f : top) {
      assertThat(Files.readString(CHART.resolve("crds").resolve(f)))
          .as("helm/mongo-steward/crds/%s differs from crds/%s; run scripts/update-crds.sh and commit", f, f)
          .isEqualTo(Files.readString(Path.of("crds", f)));
    }
  }

  @Test
  void appVersionIsTheProjectVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>mongo-steward</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).isTrue();
    assertThat(appVersion()).as("helm/mongo-steward/Chart.yaml appVersion: the pom's version without -SNAPSHOT")
        .isEqualTo(m.group(1).replace("-SNAPSHOT", ""));
  }

  static String appVersion() {
    try {
      return YAML.readTree(CHART.resolve("Chart.yaml").toFile()).path("appVersion").asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(JsonNode role) {
    return YAML.convertValue(role.path("rules"), List.class);
  }
}
