package io.mongosteward.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Renders helm/mongo-steward with Helm itself, in process (helm-java's native Helm library), and
 * parses the manifests. Also the value sets that ChartTest asserts on and ChartDryRunIT sends to a
 * real API server, so both look at the same renderings.
 */
public final class ChartRender {
  static final Path CHART = Path.of("helm", "mongo-steward");
  static final YAMLMapper YAML = new YAMLMapper();

  private ChartRender() {}

  /** `helm template RELEASE CHART -n NAMESPACE -f values`; Helm's error (schema, fail) as an IllegalStateException. */
  public static String template(String release, String namespace, String valuesYaml) {
    return template(CHART, release, namespace, valuesYaml);
  }

  /** The same with another copy of the chart (an older or a broken one). */
  static String template(Path chart, String release, String namespace, String valuesYaml) {
    try {
      Path values = Files.createTempFile("values-", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        return new Helm(chart).template().withName(release).withNamespace(namespace).withValuesFile(values).call();
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** NOTES.txt as `helm install --dry-run` prints it. */
  static String notes(String release, String namespace, String valuesYaml) {
    try {
      Path values = Files.createTempFile("values-", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        return new Helm(CHART).install().withName(release).withNamespace(namespace).withValuesFile(values)
            .clientOnly().dryRun().call().getOutput();
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of the chart in dir, to change a file of it. */
  static Path copyChart(Path dir) {
    Path copy = dir.resolve("mongo-steward");
    try (var walk = Files.walk(CHART)) {
      for (Path f : walk.toList()) {
        Path t = copy.resolve(CHART.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a rendering. */
  static List<JsonNode> parse(String manifests) {
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> render(String release, String namespace, String valuesYaml) {
    return parse(template(release, namespace, valuesYaml));
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  static JsonNode one(List<JsonNode> docs, String kind) {
    List<JsonNode> found = ofKind(docs, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size() + " in " + kinds(docs));
    }
    return found.get(0);
  }

  static List<String> kinds(List<JsonNode> docs) {
    return docs.stream().map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()).toList();
  }

  static List<JsonNode> list(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).toList();
  }

  /**
   * The value sets the chart is proven with. {@code a} and {@code b} are the watched namespaces of
   * the watchNamespaces set (real namespaces in the IT, as Roles need them to exist).
   */
  static Map<String, String> valueSets(String a, String b) {
    return Map.of(
        "defaults", "",
        "watchNamespaces", "watchNamespaces: [" + a + ", " + b + "]\n",
        "observability", """
            metrics:
              service: {enabled: true}
              serviceMonitor: {enabled: true, interval: 15s, labels: {release: kube-prometheus-stack}}
              podMonitor: {enabled: true, labels: {release: kube-prometheus-stack}, port: mongo-health,
                           podSelector: {matchLabels: {app.kubernetes.io/name: bot-app}}}
              prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
              dashboard: {enabled: true, namespace: %s}
            """.formatted(b),
        "fullnameOverride", "fullnameOverride: steward\n",
        "pdb", "podDisruptionBudget: {enabled: true, minAvailable: 1}\n",
        "ha", """
            replicas: 2
            leaderElection: {enabled: true}
            podDisruptionBudget: {enabled: true, minAvailable: null, maxUnavailable: 1}
            affinity:
              podAntiAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      topologyKey: kubernetes.io/hostname
                      labelSelector: {matchLabels: {app.kubernetes.io/name: mongo-steward}}
            """);
  }
}
