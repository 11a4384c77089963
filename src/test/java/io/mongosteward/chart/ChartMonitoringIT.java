package io.mongosteward.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PrometheusRule and dashboard ConfigMap, rendered by Helm: with the default values
 * the rules are files/prometheus-rules.yaml unchanged (the file promtool unit-tests), other values
 * land where they should and the result still passes `promtool check rules`, and the ConfigMap
 * carries files/dashboard.json as it is.
 */
class ChartMonitoringIT {
  static final Path FILES = ChartRender.CHART.resolve("files");
  static final String ON = """
      metrics:
        serviceMonitor: {enabled: true}
        prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
        dashboard: {enabled: true, annotations: {grafana_folder: MongoDB}}
      """;
  @TempDir Path dir;

  static JsonNode rule(JsonNode groups, String alert) {
    for (JsonNode g : groups) {
      for (JsonNode r : g.path("rules")) {
        if (alert.equals(r.path("alert").asText())) {
          return r;
        }
      }
    }
    throw new AssertionError("no alert " + alert);
  }

  static String promtoolCheck(Path file) throws Exception {
    Process p = new ProcessBuilder(TestServers.promtool().toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void withDefaultValuesTheRulesAreTheShippedFileUnchanged() throws IOException {
    // The shipped file selects the release mongo-steward in namespace mongo-steward.
    List<JsonNode> docs = ChartRender.render("mongo-steward", "mongo-steward", ON);
    JsonNode rule = ChartRender.one(docs, "PrometheusRule");
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
    assertThat(rule.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).isEqualTo("mongo-steward");
    JsonNode shipped = ChartRender.YAML.readTree(FILES.resolve("prometheus-rules.yaml").toFile()).path("groups");
    assertThat(rule.path("spec").path("groups")).isEqualTo(shipped);
  }

  @Test
  void thresholdsAndTheRunbookBaseComeFromValuesAndPromtoolStillAcceptsTheRules() throws Exception {
    List<JsonNode> docs = ChartRender.render("rel", "mongo-steward", """
        metrics:
          serviceMonitor: {enabled: true}
          prometheusRule:
            enabled: true
            runbookBaseUrl: https://wiki.example.com/mongo-steward/troubleshooting/
            schemaNotReadyFor: 20m
            migrationStuckFor: 1h
            pingLatencyP99Seconds: 0.5
        """);
    JsonNode groups = ChartRender.one(docs, "PrometheusRule").path("spec").path("groups");
    assertThat(rule(groups, "MongoSchemaNotReady").path("for").asText()).isEqualTo("20m");
    assertThat(rule(groups, "MongoMigrationStuck").path("for").asText()).isEqualTo("1h");
    assertThat(rule(groups, "MongoStewardPingLatencyHigh").path("expr").asText()).endsWith("> 0.5")
        .doesNotContain("0.25");
    assertThat(rule(groups, "MongoStewardNoLeader").path("annotations").path("runbook_url").asText())
        .isEqualTo("https://wiki.example.com/mongo-steward/troubleshooting#mongostewardnoleader");
    List<String> untouched = new ArrayList<>();
    groups.forEach(g -> g.path("rules").forEach(r -> {
      if (r.path("annotations").path("runbook_url").asText().contains("github.com")) {
        untouched.add(r.path("alert").asText());
      }
    }));
    assertThat(untouched).as("alerts still linking to the default runbooks").isEmpty();

    ObjectNode file = new ObjectMapper().createObjectNode();
    file.set("groups", groups);
    Path rendered = dir.resolve("rendered-rules.yaml");
    ChartRender.YAML.writeValue(rendered.toFile(), file);
    assertThat(promtoolCheck(rendered)).contains("SUCCESS: 9 rules found");
  }

  /**
   * Two releases, each with its own rules, scraped by one Prometheus: team-b's operator stops being
   * scraped while team-a's runs on. promtool evaluates the rules as the chart renders them: exactly
   * team-b's MongoStewardOperatorDown fires, with its namespace and job, and team-a's rules stay silent.
   */
  @Test
  void twoReleasesEachWatchTheirOwnOperator() throws Exception {
    List<String> files = new ArrayList<>();
    for (String team : List.of("team-a", "team-b")) {
      JsonNode groups = ChartRender.one(ChartRender.render(team, team + "-ops", ON), "PrometheusRule").path("spec").path("groups");
      ObjectNode file = new ObjectMapper().createObjectNode();
      file.set("groups", groups);
      Path rendered = dir.resolve(team + "-rules.yaml");
      ChartRender.YAML.writeValue(rendered.toFile(), file);
      files.add(rendered.toString());
    }
    String test = """
        rule_files: [%s, %s]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'mongosteward_leader{namespace="team-a-ops",job="team-a-mongo-steward-metrics",pod="a-1"}'
                values: '1x20'
              - series: 'mongosteward_leader{namespace="team-b-ops",job="team-b-mongo-steward-metrics",pod="b-1"}'
                values: '1 1 1 1 1 stale'
            alert_rule_test:
              - eval_time: 11m
                alertname: MongoStewardOperatorDown
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: team-b-ops, job: team-b-mongo-steward-metrics}
                    exp_annotations:
                      summary: No mongo-steward operator replica is being scraped.
                      description: >-
                        Prometheus has scraped no mongo-steward operator of team-b-mongo-steward-metrics in
                        namespace team-b-ops for 5 minutes: every replica is down, or the ServiceMonitor no
                        longer finds them. MongoSchemas and MongoMigrations are not reconciled meanwhile.
                      runbook_url: https://github.com/mongo-steward/mongo-steward/blob/main/docs/troubleshooting.md#mongostewardoperatordown
              - eval_time: 11m
                alertname: MongoStewardNoLeader
                exp_alerts: []
        """.formatted(files.get(0), files.get(1));
    Path testFile = dir.resolve("two-releases-test.yaml");
    java.nio.file.Files.writeString(testFile, test);
    Process p = new ProcessBuilder(TestServers.promtool().toString(), "test", "rules", testFile.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void theDashboardConfigMapCarriesTheDashboardWithTheValuesLabelsAndAnnotations() throws IOException {
    JsonNode cm = ChartRender.one(ChartRender.render("rel", "mongo-steward", ON), "ConfigMap");
    assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
    assertThat(cm.path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("MongoDB");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(cm.path("data").path("mongo-steward.json").asText()))
        .isEqualTo(json.readTree(FILES.resolve("dashboard.json").toFile()));
  }

  @Test
  void bothAreOffByDefault() {
    assertThat(ChartRender.kinds(ChartRender.render("rel", "mongo-steward", "")))
        .noneMatch(k -> k.startsWith("PrometheusRule/") || k.startsWith("ConfigMap/"));
  }
}
