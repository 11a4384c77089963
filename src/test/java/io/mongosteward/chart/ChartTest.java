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
import org.junit.jupiter.api.io.TempDir;

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
    // Prometheus's own duration syntax: units in descending order, each at most once.
    assertThatThrownBy(() -> render("rel", NS, "metrics: {prometheusRule: {schemaNotReadyFor: 30s15m}}\n"))
        .hasMessageContaining("metrics.prometheusRule.schemaNotReadyFor");
    assertThatThrownBy(() -> render("rel", NS, "metrics: {serviceMonitor: {interval: 1s1m}}\n"))
        .hasMessageContaining("metrics.serviceMonitor.interval");
    assertThatThrownBy(() -> render("rel", NS, "metrics: {prometheusRule: {migrationStuckFor: 1h1h}}\n"))
        .hasMessageContaining("metrics.prometheusRule.migrationStuckFor");
    assertThatThrownBy(() -> render("rel", NS, "metrics: {serviceMonitor: {interval: \"\"}}\n"))
        .hasMessageContaining("metrics.serviceMonitor.interval");
    assertThat(one(render("rel", NS, "metrics: {serviceMonitor: {enabled: true, interval: 1m30s}, prometheusRule: "
        + "{enabled: true, schemaNotReadyFor: 1h30m, migrationStuckFor: 1d12h30m15s500ms}}\n"), "ServiceMonitor")
        .at("/spec/endpoints/0/interval").asText()).isEqualTo("1m30s");
  }

  // ---- Regressions of a hostile review of the chart: each would fail on the chart before its fix.

  static final Pattern DNS1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  static final String RULES_ON = "metrics: {serviceMonitor: {enabled: true}, prometheusRule: {enabled: true%s}}\n";

  static List<JsonNode> alerts(List<JsonNode> docs) {
    return list(one(docs, "PrometheusRule").at("/spec/groups")).stream()
        .flatMap(g -> list(g.path("rules")).stream()).toList();
  }

  static JsonNode alert(List<JsonNode> docs, String name) {
    return alerts(docs).stream().filter(r -> name.equals(r.path("alert").asText())).findFirst().orElseThrow();
  }

  /** The URL used to be pasted into the rule file's YAML before parsing: ": " broke it, and every alert vanished. */
  @Test
  void anyRunbookBaseUrlKeepsEveryAlert() {
    String url = "https://wiki.example.com/display/OPS/Runbook: mongo-steward #1 & 'more'";
    List<JsonNode> docs = render("rel", NS, RULES_ON.formatted(", runbookBaseUrl: \"" + url + "\""));
    assertThat(one(docs, "PrometheusRule").at("/spec/groups").size()).isEqualTo(3);
    List<JsonNode> alerts = alerts(docs);
    assertThat(alerts).hasSize(9).allSatisfy(r -> assertThat(r.at("/annotations/runbook_url").asText())
        .isEqualTo(url + "#" + r.path("alert").asText().toLowerCase(java.util.Locale.ROOT)));
  }

  /** A rule file that does not parse fails the render, instead of rendering a PrometheusRule without alerts. */
  @Test
  void aRuleFileThatDoesNotParseFailsTheRender(@TempDir Path dir) throws IOException {
    Path chart = ChartRender.copyChart(dir);
    Files.writeString(chart.resolve("files/prometheus-rules.yaml"), "groups:\n  - name: x\n    rules: [\n");
    assertThatThrownBy(() -> ChartRender.template(chart, "rel", NS, RULES_ON.formatted("")))
        .hasMessageContaining("files/prometheus-rules.yaml");
  }

  /**
   * `helm upgrade --reuse-values` renders the new chart with the old release's values, which lack
   * every value the new chart added: simulated by a chart whose values.yaml lacks the newest ones.
   */
  @Test
  void valuesThatAnOlderReleaseLacksDoNotBreakTheTemplates(@TempDir Path dir) throws IOException {
    Path chart = ChartRender.copyChart(dir);
    Path values = chart.resolve("values.yaml");
    String v = Files.readString(values);
    Files.writeString(values, v.substring(0, v.indexOf("  # A Grafana dashboard")));
    List<JsonNode> docs = ChartRender.parse(ChartRender.template(chart, "rel", NS, "image: {tag: 0.2.0}\n"));
    assertThat(container(one(docs, "Deployment")).path("image").asText()).isEqualTo("mongo-steward:0.2.0");
    assertThat(ofKind(docs, "ConfigMap")).isEmpty();
  }

  @Test
  void extraEnvCannotOverrideWhatTheChartSets() {
    Map<String, String> insteadUse = Map.of(
        "MONGOSTEWARD_LEADER_ELECTION", "leaderElection.enabled",
        "MONGOSTEWARD_NAMESPACES", "watchNamespaces",
        "MONGOSTEWARD_PORT", "containerPort",
        "JAVA_TOOL_OPTIONS", "jvmOptions",
        "POD_NAMESPACE", "leaderElection.leaseNamespace",
        "POD_NAME", "");
    for (var e : insteadUse.entrySet()) {
      assertThatThrownBy(() -> render("rel", NS, "extraEnv: [{name: MONGOSTEWARD_RESYNC, value: 5m}, {name: "
          + e.getKey() + ", value: x}]\n"))
          .as(e.getKey()).hasMessageContaining("extraEnv: " + e.getKey() + " is set by the chart")
          .hasMessageContaining(e.getValue());
    }
  }

  /** The port is a value: the operator's MONGOSTEWARD_PORT, the container port, probes, Service and scrape annotations follow it. */
  @Test
  void containerPortMovesEverythingThatUsesThePort() {
    List<JsonNode> docs = render("rel", NS, "containerPort: 9090\nmetrics: {service: {enabled: true}}\n");
    JsonNode d = one(docs, "Deployment");
    assertThat(env(d, "MONGOSTEWARD_PORT")).contains("9090");
    assertThat(container(d).at("/ports/0/containerPort").asInt()).isEqualTo(9090);
    assertThat(container(d).at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(container(d).at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container(d).at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(d.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).isEqualTo("9090");
    assertThat(one(docs, "Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    // The default stays deploy/'s 8080, and the scrape annotations can be left out.
    JsonNode plain = one(set("defaults"), "Deployment");
    assertThat(plain.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).isEqualTo("8080");
    assertThat(plain.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
    assertThat(one(render("rel", NS, "metrics: {scrapeAnnotations: false}\n"), "Deployment")
        .at("/spec/template/metadata/annotations").path("prometheus.io/scrape").isMissingNode()).isTrue();
  }

  /** The operator alerts select the release's own series (as its ServiceMonitor labels them), so one dead release among several is seen. */
  @Test
  void operatorAlertsSelectTheReleasesOwnSeries() {
    List<JsonNode> docs = render("team-b", "team-b-ops", RULES_ON.formatted(""));
    String service = one(docs, "Service").at("/metadata/name").asText();
    String selector = "{namespace=\"team-b-ops\", job=\"" + service + "\"}";
    assertThat(alert(docs, "MongoStewardOperatorDown").path("expr").asText())
        .isEqualTo("absent(mongosteward_leader" + selector + ")");
    assertThat(alert(docs, "MongoStewardNoLeader").path("expr").asText())
        .isEqualTo("sum by (namespace, job) (mongosteward_leader" + selector + ") == 0");
    assertThat(alert(docs, "MongoStewardReconcileFailures").path("expr").asText()).contains(selector);
  }

  /** Without the ServiceMonitor nothing scrapes the operator, and MongoStewardOperatorDown would fire forever. */
  @Test
  void thePrometheusRuleNeedsTheServiceMonitor() {
    assertThatThrownBy(() -> render("rel", NS, "metrics: {prometheusRule: {enabled: true}}\n"))
        .hasMessageContaining("metrics.prometheusRule.enabled").hasMessageContaining("metrics.serviceMonitor.enabled");
  }

  @Test
  void thePodMonitorsDefaultPortIsTheShippedSidecarExamplesAndAnEmptySelectorIsRefused() throws IOException {
    List<JsonNode> docs = render("rel", NS,
        "metrics: {podMonitor: {enabled: true, podSelector: {matchLabels: {app.kubernetes.io/name: bot-app}}}}\n");
    JsonNode example = one(deploy("examples/sidecar-deployment.yaml"), "Deployment");
    JsonNode sidecar = list(example.at("/spec/template/spec/containers")).stream()
        .filter(c -> list(c.path("args")).stream().anyMatch(a -> a.asText().equals("sidecar"))).findFirst().orElseThrow();
    assertThat(one(docs, "PodMonitor").at("/spec/podMetricsEndpoints/0/port").asText())
        .isEqualTo(sidecar.at("/ports/0/name").asText());
    for (String empty : List.of("{matchLabels: {}}", "{matchExpressions: []}", "{matchLabels: {}, matchExpressions: []}")) {
      assertThatThrownBy(() -> render("rel", NS, "metrics: {podMonitor: {enabled: true, podSelector: " + empty + "}}\n"))
          .as(empty).hasMessageContaining("metrics.podMonitor.podSelector");
    }
  }

  /** Names Helm accepts for a release (up to 53 characters, dots) or a fullnameOverride still give valid object names. */
  @Test
  void everyGeneratedNameIsAValidName() {
    String all = "metrics: {serviceMonitor: {enabled: true}, prometheusRule: {enabled: true}, dashboard: {enabled: true},"
        + " podMonitor: {enabled: true, podSelector: {matchLabels: {a: b}}}}\npodDisruptionBudget: {enabled: true}\n";
    Map<String, String> cases = Map.of(
        "payments-platform-prod-eu-west-1-mongodb-ops", "",
        "a-53-character-release-name-that-helm-still-accepts-x", "",
        "team.prod", "",
        "rel", "fullnameOverride: " + "a".repeat(63) + "\n");
    for (var c : cases.entrySet()) {
      for (JsonNode d : render(c.getKey(), NS, all + c.getValue())) {
        String name = d.at("/metadata/name").asText();
        assertThat(name).as("%s %s", d.path("kind").asText(), name).matches(DNS1035).hasSizeLessThanOrEqualTo(63);
      }
    }
    assertThatThrownBy(() -> render("2024-steward", NS, "metrics: {service: {enabled: true}}\n"))
        .hasMessageContaining("2024-steward").hasMessageContaining("fullnameOverride");
  }

  @Test
  void notesGiveCommandsThatWork() {
    String notes = ChartRender.notes("rel", NS, "");
    assertThat(notes).contains("kubectl apply --server-side --force-conflicts -f helm/mongo-steward/crds/")
        .contains("kubectl create namespace bots").contains("-n bots create secret")
        .contains("--reset-then-reuse-values").doesNotContain("--reuse-values ");
    String watched = ChartRender.notes("rel", NS, "watchNamespaces: [team-a, team-b]\n");
    assertThat(watched).contains("kubectl -n team-a create secret").contains("-n team-a get msch")
        .doesNotContain("-n bots").doesNotContain("create namespace");
  }

  @Test
  void aDisruptionBudgetThatWouldBlockEveryDrainIsRefused() {
    for (String blocking : List.of("replicas: 1\nleaderElection: {enabled: false}\npodDisruptionBudget: {enabled: true}\n",
        "replicas: 2\npodDisruptionBudget: {enabled: true, minAvailable: 2}\n",
        "replicas: 2\npodDisruptionBudget: {enabled: true, minAvailable: \"100%\"}\n",
        "replicas: 2\npodDisruptionBudget: {enabled: true, minAvailable: null, maxUnavailable: 0}\n")) {
      assertThatThrownBy(() -> render("rel", NS, blocking)).as(blocking)
          .hasMessageContaining("podDisruptionBudget").hasMessageContaining("node drain");
    }
    JsonNode single = one(render("rel", NS, "replicas: 1\nleaderElection: {enabled: false}\n"
        + "podDisruptionBudget: {enabled: true, minAvailable: null, maxUnavailable: 1}\n"), "PodDisruptionBudget");
    assertThat(single.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
  }

  @Test
  void anAllDigitImageTagWorksFromSetAndFromAValuesFile() {
    String set = new Helm(CHART).template().withName("rel").withNamespace(NS).set("image.tag", "20260101").call();
    assertThat(container(one(ChartRender.parse(set), "Deployment")).path("image").asText())
        .isEqualTo("mongo-steward:20260101");
    assertThat(container(one(render("rel", NS, "image: {tag: 20260101}\n"), "Deployment")).path("image").asText())
        .isEqualTo("mongo-steward:20260101");
  }

  @Test
  void theDashboardGoesToGrafanasNamespaceWhenSet() {
    assertThat(one(render("rel", NS, "metrics: {dashboard: {enabled: true}}\n"), "ConfigMap")
        .at("/metadata/namespace").asText()).isEqualTo(NS);
    assertThat(one(render("rel", NS, "metrics: {dashboard: {enabled: true, namespace: monitoring}}\n"), "ConfigMap")
        .at("/metadata/namespace").asText()).isEqualTo("monitoring");
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
