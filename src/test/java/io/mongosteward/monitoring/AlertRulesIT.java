package io.mongosteward.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules and dashboard as shipped (helm/mongo-steward/files): promtool accepts
 * the rule file and passes its unit tests, each alert has a test where it fires and one where it
 * stays silent, each runbook link lands on a section of docs/troubleshooting.md, and the dashboard
 * queries only through its ${datasource} variable.
 */
class AlertRulesIT {
  static final String RUNBOOKS = "https://github.com/mongo-steward/mongo-steward/blob/main/docs/troubleshooting.md#";

  @Test
  void promtoolChecksTheRuleFile() {
    Promtool.Result r = Promtool.run(null, "check", "rules", Promtool.RULES.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 9 rules found");
  }

  @Test
  void promtoolUnitTestsOfTheAlertsPass() {
    Promtool.Result r = Promtool.run(null, "test", "rules", Promtool.RULE_TESTS.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasATestWhereItFiresAndOneWhereItStaysSilent() throws IOException {
    Set<String> alerts = new TreeSet<>();
    RuleFiles.rules(Promtool.RULES).forEach(r -> alerts.add(r.path("alert").asText()));
    Set<String> fires = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode test : RuleFiles.YAML.readTree(Promtool.RULE_TESTS.toFile()).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        (check.path("exp_alerts").isEmpty() ? silent : fires).add(check.path("alertname").asText());
      }
    }
    assertThat(fires).as("alerts shown to fire").isEqualTo(alerts);
    assertThat(silent).as("alerts shown to stay silent").isEqualTo(alerts);
  }

  /** One dead installation among healthy others must still raise the operator alerts: shown with two jobs' series. */
  @Test
  void theOperatorAlertsAreShownToFireWithAnotherInstallationHealthy() throws IOException {
    Set<String> shown = new TreeSet<>();
    Pattern job = Pattern.compile("job=\"([^\"]+)\"");
    for (JsonNode test : RuleFiles.YAML.readTree(Promtool.RULE_TESTS.toFile()).path("tests")) {
      Set<String> jobs = new TreeSet<>();
      test.path("input_series").forEach(series -> {
        Matcher m = job.matcher(series.path("series").asText());
        if (m.find()) {
          jobs.add(m.group(1));
        }
      });
      for (JsonNode check : test.path("alert_rule_test")) {
        if (jobs.size() > 1 && !check.path("exp_alerts").isEmpty()) {
          shown.add(check.path("alertname").asText());
        }
      }
    }
    assertThat(shown).contains("MongoStewardOperatorDown", "MongoStewardNoLeader");
  }

  @Test
  void everyAlertIsDescribedAndLinksToItsSectionOfTheTroubleshootingGuide() throws IOException {
    String guide = Files.readString(Path.of("docs", "troubleshooting.md"));
    String alertsSection = guide.substring(guide.indexOf("\n## Alerts\n"));
    Matcher next = Pattern.compile("\n## ").matcher(alertsSection.substring(1));
    alertsSection = next.find() ? alertsSection.substring(0, next.start() + 1) : alertsSection;
    List<String> anchors = new ArrayList<>();
    Matcher h = Pattern.compile("(?m)^### (\\S+)$").matcher(alertsSection);
    while (h.find()) {
      anchors.add(h.group(1).toLowerCase(Locale.ROOT)); // GitHub's anchor of a one-word heading
    }
    for (JsonNode rule : RuleFiles.rules(Promtool.RULES)) {
      String alert = rule.path("alert").asText();
      assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("critical", "warning", "info");
      assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).as(alert).isNotBlank();
      assertThat(rule.path("annotations").path("runbook_url").asText()).as(alert)
          .isEqualTo(RUNBOOKS + alert.toLowerCase(Locale.ROOT));
      assertThat(anchors).as("a '### %s' under '## Alerts' in docs/troubleshooting.md", alert)
          .contains(alert.toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void theDashboardQueriesThroughItsDatasourceVariable() throws IOException {
    JsonNode dashboard = RuleFiles.JSON.readTree(Promtool.DASHBOARD.toFile());
    assertThat(dashboard.path("templating").path("list")).anySatisfy(v -> {
      assertThat(v.path("name").asText()).isEqualTo("datasource");
      assertThat(v.path("type").asText()).isEqualTo("datasource");
      assertThat(v.path("query").asText()).isEqualTo("prometheus");
    });
    List<JsonNode> datasources = dashboard.findValues("datasource");
    assertThat(datasources).as("every panel and target names a data source").hasSizeGreaterThan(20)
        .allSatisfy(d -> assertThat(d.path("uid").asText()).isEqualTo("${datasource}"));
    Set<String> titles = new TreeSet<>();
    dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
    assertThat(titles).contains("Reconciles by kind", "Reconcile failures by reason", "Schemas by Ready state",
        "Index actions applied", "Migration progress", "Ping latency p50 and p99", "Pings and failures",
        "JVM memory used");
  }
}
