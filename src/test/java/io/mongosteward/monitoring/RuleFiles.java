package io.mongosteward.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The expressions in the chart's rule file and dashboard. */
final class RuleFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private RuleFiles() {}

  static List<JsonNode> rules(Path ruleFile) throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    YAML.readTree(ruleFile.toFile()).path("groups").forEach(g -> g.path("rules").forEach(rules::add));
    return rules;
  }

  static List<String> expressions(Path ruleFile) throws IOException {
    return rules(ruleFile).stream().map(r -> r.path("expr").asText()).toList();
  }

  /** Every panel target's expr, and the metric of each label_values() variable query. */
  static List<String> dashboardExpressions(Path dashboard) throws IOException {
    List<String> exprs = new ArrayList<>();
    collect(JSON.readTree(dashboard.toFile()), exprs);
    return exprs;
  }

  private static void collect(JsonNode node, List<String> exprs) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("expr") && e.getValue().isTextual()) {
          exprs.add(e.getValue().asText());
        } else if (e.getKey().equals("query") && e.getValue().isTextual()
            && e.getValue().asText().startsWith("label_values(")) {
          String q = e.getValue().asText();
          exprs.add(q.substring("label_values(".length(), q.lastIndexOf(',')));
        } else {
          collect(e.getValue(), exprs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, exprs));
    }
  }
}
