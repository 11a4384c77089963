package io.mongosteward.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.OperatorJvm;
import io.mongosteward.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real scrape of a running operator (its own process, leader election on, on the real API
 * server, with a Ready MongoSchema, one waiting for its Secret and a MongoMigration that
 * succeeded) and of a running sidecar (its own process, pinging mongo-java-server): every metric
 * the chart's alert rules and dashboard query is in them, and promtool's linter accepts what is ours.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeIT {
  private final List<Process> processes = new ArrayList<>();
  private Path dir;
  private KubernetesClient client;
  private String namespace;
  private String operatorScrape;
  private String sidecarScrape;

  @BeforeAll
  void scrape() throws Exception {
    dir = Files.createDirectories(Path.of("target", "metrics-scrape-it"));
    client = KubeApi.client();
    namespace = KubeApi.newNamespace(client, "scrape");
    try (MongoClient mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri())) {
      var events = mongo.getDatabase("scrape_it").getCollection("events");
      events.drop();
      for (int i = 0; i < 30; i++) {
        events.insertOne(new Document("key", i % 10).append("at", i));
      }
    }
    int operatorPort = TestServers.freePort();
    Map<String, String> operatorEnv = new java.util.HashMap<>(OperatorJvm.deployEnv()); // deploy/'s JVM flags
    operatorEnv.putAll(Map.of("KUBECONFIG", KubeApi.kubeConfigFile(dir).toString(), "POD_NAME", "scrape-operator"));
    start("operator", operatorEnv,
        "operator", "--namespaces", namespace, "--lease-namespace", namespace, "--resync", "2s",
        "--port", String.valueOf(operatorPort));
    int sidecarPort = TestServers.freePort();
    start("sidecar", Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()),
        "sidecar", "--port", String.valueOf(sidecarPort), "--interval", "200ms");

    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("mongo").endMetadata()
        .withStringData(Map.of("uri", MongoBackend.MONGO_JAVA_SERVER.uri())).build()).serverSideApply();
    apply(MongoSchema.class, "MongoSchema", "bot", """
        connection:
          secretRef: {name: mongo, key: uri}
        database: scrape_it
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
        """);
    apply(MongoSchema.class, "MongoSchema", "waiting", """
        connection:
          secretRef: {name: not-there, key: uri}
        database: scrape_it_2
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
        """);
    apply(MongoMigration.class, "MongoMigration", "dedupe-events", """
        schemaRef: {name: bot}
        collection: events
        deduplicate: {keys: [key], keep: Oldest, keepBy: at}
        """);

    // Every series the alerts and the dashboard need, with the values the cluster's state implies.
    operatorScrape = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> body(operatorPort), text -> text.contains("mongosteward_leader 1.0")
            && text.contains("mongosteward_schema_ready{schema=\"" + namespace + "/bot\"} 1.0")
            && text.contains("mongosteward_schemas{ready=\"false\",reason=\"SecretNotFound\"} 1.0")
            && text.contains("mongosteward_reconcile_failures_total{reason=\"SecretNotFound\"}")
            && text.contains("mongosteward_migration_phase{migration=\"" + namespace + "/dedupe-events\",phase=\"Succeeded\"} 1.0")
            && text.contains("mongosteward_actions_applied_total{type=\"CreateIndex\"}"));
    sidecarScrape = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> body(sidecarPort), text -> text.contains("mongosteward_ready 1.0")
            && text.contains("mongosteward_ping_latency_seconds_count ") && !text.contains("mongosteward_ping_latency_seconds_count 0"));
    Files.writeString(dir.resolve("operator.prom"), operatorScrape);
    Files.writeString(dir.resolve("sidecar.prom"), sidecarScrape);
  }

  @AfterAll
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (client != null) {
      client.close();
    }
  }

  private void start(String name, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      command.addAll(List.of("-XX:+UseSerialGC", "-Xmx128m")); // flags on the command line would override it
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.mongosteward.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(env);
    processes.add(pb.start());
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void apply(Class<T> type, String kind, String name,
      String spec) {
    String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name
        + "\n  namespace: " + namespace + "\nspec:\n" + spec.stripIndent().indent(2);
    T item = client.resources(type).load(new ByteArrayInputStream(yaml.getBytes())).item();
    client.resource(item).serverSideApply();
  }

  private static String body(int port) {
    try {
      return Http.body(port, "/metrics");
    } catch (java.io.UncheckedIOException e) {
      return ""; // not listening yet
    }
  }

  @Test
  void everyMetricTheAlertsAndTheDashboardQueryIsInARealScrape() throws IOException {
    Set<String> exported = new TreeSet<>(Exposition.sampleNames(operatorScrape));
    exported.addAll(Exposition.sampleNames(sidecarScrape));
    Set<String> used = new TreeSet<>(PromQl.metricNames(RuleFiles.expressions(Promtool.RULES)));
    used.addAll(PromQl.metricNames(RuleFiles.dashboardExpressions(Promtool.DASHBOARD)));
    assertThat(used).as("names found in the rules and dashboard").hasSizeGreaterThan(10);
    // Only literal sample names count: a histogram's _bucket, _count and _sum are in the scrape as such.
    assertThat(exported).as("sample names scraped from the operator and the sidecar").containsAll(used);
  }

  @Test
  void theOperatorsSeriesNameSchemasAndMigrationsButNeverACollectionOrAnIndex() {
    List<String> series = operatorScrape.lines().filter(l -> l.startsWith("mongosteward_")).toList();
    assertThat(series).anyMatch(l -> l.contains("schema=\"" + namespace + "/waiting\""))
        .anyMatch(l -> l.contains("migration=\"" + namespace + "/dedupe-events\""));
    assertThat(series).noneMatch(l -> l.contains("posts") || l.contains("post_id_unique") || l.contains("a_1")
        || l.contains("\"events") || l.contains("scrape_it"));
  }

  @Test
  void promtoolCheckMetricsFindsNothingWrongWithOurOwnMetrics() {
    for (String scrape : List.of(operatorScrape, sidecarScrape)) {
      Promtool.Result r = Promtool.run(scrape, "check", "metrics");
      // 0: clean; 3: lint findings only; anything else: the exposition itself did not parse.
      assertThat(r.exit()).as(r.output()).isIn(0, 3);
      List<String> problems = r.output().lines().filter(Predicate.not(String::isBlank)).toList();
      assertThat(problems).as("promtool check metrics on our mongosteward_* series")
          .noneMatch(l -> l.startsWith("mongosteward_"));
      // The rest come from libraries' names (see Exposition.KNOWN_LINT); anything else is new and must be looked at.
      assertThat(problems).as("findings beyond the known ones of JOSDK and Micrometer").allMatch(Exposition::knownLint);
    }
  }
}
