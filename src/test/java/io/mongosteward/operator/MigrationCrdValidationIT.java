package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.plan.MigrationValidator;
import io.mongosteward.plan.Violation;
import io.mongosteward.testsupport.KubeApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad MongoMigration specs, refused by the real API server (OpenAPI and CEL) with the field named,
 * and by the validator the CLI and the operator share, naming the same field.
 */
class MigrationCrdValidationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KubernetesClient client;
  private static String namespace;

  record Case(String name, Consumer<Map<String, Object>> mutate, String field, String problem) {}

  @BeforeAll
  static void start() {
    client = KubeApi.client();
    namespace = KubeApi.newNamespace(client, "mig-crd");
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
  }

  static Map<String, Object> base() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("connection", new LinkedHashMap<>(Map.of("secretRef", new LinkedHashMap<>(Map.of("name", "mongo", "key", "uri")))));
    spec.put("database", "bot");
    spec.put("collection", "posts");
    spec.put("deduplicate", new LinkedHashMap<>(Map.of("keys", new ArrayList<>(List.of("post_id")))));
    return spec;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  static MongoMigration resource(String name, Map<String, Object> spec) {
    return JSON.convertValue(document(name, spec), MongoMigration.class);
  }

  /** Untyped, so that values no Java enum holds reach the API server. */
  static GenericKubernetesResource generic(String name, Map<String, Object> spec) {
    return JSON.convertValue(document(name, spec), GenericKubernetesResource.class);
  }

  static Map<String, Object> document(String name, Map<String, Object> spec) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "mongosteward.io/v1alpha1");
    doc.put("kind", "MongoMigration");
    doc.put("metadata", Map.of("name", name, "namespace", namespace));
    doc.put("spec", spec);
    return doc;
  }

  static List<Case> invalid() {
    return List.of(
        new Case("both connection and schemaRef", s -> s.put("schemaRef", Map.of("name", "bot")), "spec",
            "give exactly one of connection and schemaRef"),
        // The validator lets this one through: the CLI connects with --uri; the operator refuses it.
        new Case("neither connection nor schemaRef", s -> s.remove("connection"), "spec",
            "give exactly one of connection and schemaRef"),
        new Case("no database and no schemaRef", s -> s.remove("database"), "spec.database",
            "database is required unless schemaRef"),
        new Case("both deduplicate and backfill", s -> s.put("backfill", Map.of("source", "a", "target", "b")), "spec",
            "give exactly one of deduplicate and backfill"),
        new Case("neither deduplicate nor backfill", s -> s.remove("deduplicate"), "spec",
            "give exactly one of deduplicate and backfill"),
        new Case("batchSize 0", s -> s.put("batchSize", 0), "spec.batchSize", "should be greater than or equal to 1"),
        new Case("batchSize 10001", s -> s.put("batchSize", 10_001), "spec.batchSize",
            "should be less than or equal to 10000"),
        new Case("maxDocumentsPerSecond 0", s -> s.put("maxDocumentsPerSecond", 0), "spec.maxDocumentsPerSecond",
            "should be greater than or equal to 1"),
        new Case("maxDocumentsPerSecond beyond the throttle", s -> s.put("maxDocumentsPerSecond", 2_147_483_647),
            "spec.maxDocumentsPerSecond", "should be less than or equal to 1000000"),
        new Case("no keys", s -> map(s, "deduplicate").put("keys", List.of()), "spec.deduplicate.keys",
            "should have at least 1 items"),
        new Case("keep Random", s -> map(s, "deduplicate").put("keep", "Random"), "spec.deduplicate.keep",
            "Unsupported value: \"Random\""),
        new Case("archive is the collection", s -> map(s, "deduplicate").put("archiveCollection", "posts"),
            "spec.deduplicate.archiveCollection", ""),
        new Case("a $ field in keepBy", s -> map(s, "deduplicate").put("keepBy", "$created"),
            "spec.deduplicate.keepBy", "should match"),
        new Case("backfill target equals source", s -> {
          s.remove("deduplicate");
          s.put("backfill", new LinkedHashMap<>(Map.of("source", "link", "target", "link")));
        }, "spec.backfill.target", "target must differ from source"),
        new Case("an unknown transform", s -> {
          s.remove("deduplicate");
          s.put("backfill", new LinkedHashMap<>(Map.of("source", "link", "target", "norm",
              "transforms", List.of("NormalizeUrl", "Reverse"))));
        }, "spec.backfill.transforms[1]", "Unsupported value: \"Reverse\""),
        new Case("a collection with $", s -> s.put("collection", "po$ts"), "spec.collection", "should match"),
        new Case("a database with a dot", s -> s.put("database", "bot.v2"), "spec.database", "should match"));
  }

  @TestFactory
  Stream<DynamicTest> eachBadSpecIsRefusedByTheApiServerAndTheValidatorNamingTheField() {
    List<Case> cases = invalid();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case k = cases.get(i);
      String name = "bad-" + i;
      tests.add(DynamicTest.dynamicTest(k.name(), () -> {
        Map<String, Object> spec = base();
        k.mutate().accept(spec);
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
            () -> client.resource(generic(name, spec)).create());
        assertThat(e).as("%s: the API server accepted it", k.name()).isNotNull();
        assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
        List<StatusCause> causes = e.getStatus().getDetails().getCauses();
        String all = causes.stream().map(x -> x.getField() + ": " + x.getMessage()).collect(Collectors.joining("\n"));
        assertThat(causes).as("%s: the causes were%n%s", k.name(), all).anySatisfy(c -> {
          assertThat(c.getField()).isEqualTo(k.field());
          assertThat(c.getMessage()).contains(k.problem());
        });
        if (k.problem().startsWith("Unsupported value") || k.name().startsWith("neither connection")) {
          return; // an enum the CLI's reader refuses while parsing; no connection is the CLI's --uri
        }
        List<Violation> violations = new MigrationValidator().validate(resource(name, spec).getSpec());
        assertThat(violations).as("%s: the validator accepted it", k.name())
            .anySatisfy(v -> assertThat(v.path()).startsWith(k.field()));
      }));
    }
    return tests.stream();
  }

  @Test
  void theBaseAndTheExamplesAreAccepted() {
    assertThat(client.resource(resource("good-dedupe", base())).create().getMetadata().getUid()).isNotBlank();
    Map<String, Object> backfill = base();
    backfill.remove("deduplicate");
    backfill.remove("connection");
    backfill.remove("database");
    backfill.put("schemaRef", Map.of("name", "bot"));
    backfill.put("backfill", Map.of("source", "message_link", "target", "message_link_norm",
        "transforms", List.of("NormalizeUrl", "Lowercase")));
    assertThat(client.resource(resource("good-backfill", backfill)).create().getMetadata().getUid()).isNotBlank();
    MongoMigration read = client.resources(MongoMigration.class).inNamespace(namespace).withName("good-dedupe").get();
    assertThat(read.getSpec().getBatchSize()).as("default").isEqualTo(500);
    assertThat(read.getSpec().getMaxDocumentsPerSecond()).as("default").isEqualTo(1000);
    assertThat(new MigrationValidator().validate(read.getSpec())).isEmpty();
  }
}
