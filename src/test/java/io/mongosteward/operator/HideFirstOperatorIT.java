package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.testsupport.HiddenIndexStandIn;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hide before drop and the unused-index report through the operator, on a real API server: the
 * status shows the hidden index and when it goes, an Event says it was hidden, and the drop comes on
 * its own once hiddenFor has passed; the stand-in without collMod is Unsupported and names the fix;
 * unused indexes are listed and counted by mongosteward_index_unused.
 */
class HideFirstOperatorIT {
  OperatorHarness op;

  @AfterEach
  void stop() {
    if (op != null) op.close();
  }

  static String spec(String db, String policy) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
        policy: %s
        """.formatted(db, policy);
  }

  static MongoDatabase withLegacyIndex(MongoClient mongo, String name) {
    MongoDatabase db = mongo.getDatabase(name);
    db.getCollection("posts").insertOne(new Document("a", 1).append("legacy", 1));
    db.getCollection("posts").createIndex(new Document("legacy", 1));
    return db;
  }

  static List<String> indexNames(MongoDatabase db) {
    return db.getCollection("posts").listIndexes().into(new ArrayList<>()).stream().map(d -> d.getString("name")).toList();
  }

  @Test
  void theHiddenIndexIsShownWithItsTimeAndDroppedOnceHiddenForHasPassed() {
    op = new OperatorHarness("hidefirst");
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = withLegacyIndex(mongo, "op_hidefirst");
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("bot", spec(db.getName(), "{unmanagedIndexes: Drop, hiddenFor: 4s}"));

      OperatorHarness.eventually().until(() -> {
        MongoSchema s = op.get("bot");
        return s != null && s.getStatus() != null && !s.getStatus().getHiddenIndexes().isEmpty();
      });
      var hidden = op.get("bot").getStatus().getHiddenIndexes().get(0);
      assertThat(hidden.getCollection()).isEqualTo("posts");
      assertThat(hidden.getName()).isEqualTo("legacy_1");
      assertThat(Instant.parse(hidden.getDropAfter())).isEqualTo(Instant.parse(hidden.getHiddenAt()).plusSeconds(4));
      assertThat(indexNames(db)).contains("legacy_1");
      assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
          .anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("HideIndex");
            assertThat(e.getMessage()).contains("hid 1 index").contains("posts.legacy_1");
          });

      // No edit, no restart: the pass after dropAfter drops it, and the status forgets it.
      OperatorHarness.eventually().until(() -> !indexNames(db).contains("legacy_1"));
      OperatorHarness.eventually().until(() -> op.get("bot").getStatus().getHiddenIndexes().isEmpty());
      assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DropIndex"));
      assertThat(op.ready("bot").getStatus()).isEqualTo("True");
    }
  }

  @Test
  void aServerWithoutCollModIsUnsupportedUnderHideFirstAndNamesTheFix() {
    op = new OperatorHarness("nocollmod");
    try (MongoClient mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri())) {
      MongoDatabase db = withLegacyIndex(mongo, "op_nocollmod");
      op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      op.apply("bot", spec(db.getName(), "{unmanagedIndexes: Drop}"));
      op.awaitReady("bot", "False", Reason.Unsupported.name());
      assertThat(op.ready("bot").getMessage()).contains("posts.legacy_1").contains("cannot hide it before the drop")
          .contains("set spec.policy.dropStrategy: Immediate");
      assertThat(indexNames(db)).contains("legacy_1");

      op.apply("bot", spec(db.getName(), "{unmanagedIndexes: Drop, dropStrategy: Immediate}"));
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(indexNames(db)).doesNotContain("legacy_1");
    }
  }

  @Test
  void unusedIndexesAreListedInStatusAndCountedPerSchema() {
    op = new OperatorHarness("unused");
    try (MongoClient mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri())) {
      MongoDatabase db = withLegacyIndex(mongo, "op_unused");
      op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      // mongo-java-server answers $indexStats with no accesses counted: after 1s every index is unused.
      op.apply("bot", spec(db.getName(), "{reportUnusedAfter: 1s}"));
      OperatorHarness.eventually().until(() -> {
        MongoSchema s = op.get("bot");
        return s != null && s.getStatus() != null && s.getStatus().getUnusedIndexes().size() == 2;
      });
      assertThat(op.get("bot").getStatus().getUnusedIndexes()).extracting(u -> u.getCollection() + "." + u.getName())
          .containsExactly("posts.a_1", "posts.legacy_1");
      assertThat(op.get("bot").getStatus().getUnusedIndexesNote()).isNull();
      OperatorHarness.eventually().until(() -> op.registry.scrape().contains(
          "mongosteward_index_unused{schema=\"" + op.namespace + "/bot\"} 2"));
      assertThat(op.registry.scrape()).doesNotContain("index=\"");

      // Unset: the list goes, and $indexStats is no longer read.
      op.apply("bot", spec(db.getName(), "{}"));
      OperatorHarness.eventually().until(() -> op.get("bot").getStatus().getUnusedIndexes().isEmpty());
    }
  }

  @Test
  void uniqueAndTtlIndexesAreNeverReportedUnused() {
    // $indexStats counts neither a uniqueness check nor a TTL delete: on mongo-java-server, which
    // counts nothing, only the plain index may turn unused.
    op = new OperatorHarness("unused-kinds");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("users", """
        connection:
          secretRef: {name: mongo, key: uri}
        database: op_unused_kinds
        collections:
          - name: users
            indexes:
              - {name: email_unique, keys: [{field: email}], unique: true}
              - {name: expire_ttl, keys: [{field: createdAt}], expireAfterSeconds: 3600}
              - {name: by_name, keys: [{field: name}]}
        policy: {reportUnusedAfter: 1s}
        """);
    OperatorHarness.eventually().until(() -> {
      MongoSchema s = op.get("users");
      return s != null && s.getStatus() != null && !s.getStatus().getUnusedIndexes().isEmpty();
    });
    assertThat(op.get("users").getStatus().getUnusedIndexes()).extracting(u -> u.getName())
        .containsExactly("by_name");
    OperatorHarness.eventually().until(() -> op.registry.scrape().contains(
        "mongosteward_index_unused{schema=\"" + op.namespace + "/users\"} 1"));
  }

  static String twoIndexes(String db, String indexes, String policy) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collections:
          - name: posts
            indexes:
        %s
        policy: %s
        """.formatted(db, indexes.indent(6).stripTrailing(), policy);
  }

  static Document index(MongoDatabase db, String name) {
    return db.getCollection("posts").listIndexes().into(new ArrayList<>()).stream()
        .filter(d -> name.equals(d.getString("name"))).findFirst().orElse(null);
  }

  static boolean hidden(MongoDatabase db, String name) {
    return index(db, name) != null && Boolean.TRUE.equals(index(db, name).get("hidden"));
  }

  /** Ready=True Synced for the current generation. */
  boolean synced(String name) {
    var ready = op.ready(name);
    return ready != null && "True".equals(ready.getStatus()) && "Synced".equals(ready.getReason())
        && java.util.Objects.equals(op.get(name).getStatus().getObservedGeneration(), op.get(name).getMetadata().getGeneration());
  }

  @Test
  void aHiddenIndexDeclaredAgainUnderANewNameOrWithOtherOptionsEndsVisibleAsDeclared() {
    op = new OperatorHarness("hidden-back");
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = mongo.getDatabase("op_hidden_back");
      db.getCollection("posts").insertOne(new Document("a", 1).append("b", 1));
      op.secret("mongo", HiddenIndexStandIn.uri());
      String policy = "{unmanagedIndexes: Drop, hiddenFor: 1h}";
      op.apply("s", twoIndexes(db.getName(), "- {name: a_1, keys: [{field: a}]}\n- {name: b_1, keys: [{field: b}]}",
          policy));
      op.awaitReady("s", "True", "Synced");
      // a_1 and b_1 leave the spec: hidden for an hour.
      op.apply("s", twoIndexes(db.getName(), "- {name: c_1, keys: [{field: c}]}", policy));
      OperatorHarness.eventually().until(() -> hidden(db, "a_1") && hidden(db, "b_1"));

      // a_1 comes back renamed, same keys; b_1 under its own name, sparse, with onConflict Recreate.
      op.apply("s", twoIndexes(db.getName(), "- {name: a_renamed, keys: [{field: a}]}\n"
          + "- {name: b_1, keys: [{field: b}], sparse: true}\n- {name: c_1, keys: [{field: c}]}",
          "{unmanagedIndexes: Drop, hiddenFor: 1h, onConflict: Recreate}"));
      OperatorHarness.eventually().until(() -> synced("s"));
      // The hidden twin is the declared index: unhidden, kept under its name, never built twice.
      assertThat(index(db, "a_1")).isNotNull();
      assertThat(hidden(db, "a_1")).isFalse();
      assertThat(index(db, "a_renamed")).isNull();
      // b_1 rebuilt at once with the declared options, visible.
      assertThat(index(db, "b_1").get("sparse")).isEqualTo(true);
      assertThat(hidden(db, "b_1")).isFalse();
      MongoSchema s = op.get("s");
      assertThat(s.getStatus().getHiddenIndexes()).isEmpty();
      assertThat(s.getStatus().getIndexSummary()).isEqualTo("3/3");
      assertThat(op.ready("s").getMessage()).startsWith("3 index(es) present");
      assertThat(s.getStatus().getIndexes()).anySatisfy(i -> {
        assertThat(i.getName()).isEqualTo("a_renamed");
        assertThat(i.getMessage()).contains("present as a_1").contains("unhidden");
      });
      assertThat(db.getCollection("mongosteward").find(new Document("_id", "collection:posts")).first()
          .getList("hidden", Document.class)).isEmpty();
    }
  }

  @Test
  void aRecreateUnderTheDefaultHideFirstRebuildsAtOnceAndNeverHidesTheDeclaredName() {
    op = new OperatorHarness("hidden-recreate");
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = mongo.getDatabase("op_hidden_recreate");
      db.getCollection("posts").insertOne(new Document("a", 1));
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("s", spec(db.getName(), "{}"));
      op.awaitReady("s", "True", "Synced");
      op.apply("s", twoIndexes(db.getName(), "- {name: a_1, keys: [{field: a}], sparse: true}",
          "{onConflict: Recreate, hiddenFor: 1h}"));
      OperatorHarness.eventually().until(() -> synced("s"));
      assertThat(index(db, "a_1").get("sparse")).isEqualTo(true);
      assertThat(hidden(db, "a_1")).isFalse();
      assertThat(op.get("s").getStatus().getHiddenIndexes()).isEmpty();
      assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
          .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo("HideIndex"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RecreateIndex"));
    }
  }

  @Test
  void aNewIndexWaitingForAHiddenOnesDropIsNotReadyUntilItIsBuilt() {
    op = new OperatorHarness("hidden-waits");
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = withLegacyIndex(mongo, "op_hidden_waits");
      op.secret("mongo", HiddenIndexStandIn.uri());
      // legacy_ttl needs legacy_1's key pattern (a TTL does not tell them apart): it waits for its drop.
      op.apply("s", twoIndexes(db.getName(), "- {name: legacy_ttl, keys: [{field: legacy}], expireAfterSeconds: 60}",
          "{unmanagedIndexes: Drop, hiddenFor: 8s}"));
      op.awaitReady("s", "False", Reason.WaitsForDrop.name());
      assertThat(op.ready("s").getMessage()).contains("0 of 1 index(es) present").contains("posts.legacy_ttl")
          .contains("legacy_1");
      var reconciling = op.get("s").getStatus().getConditions().stream()
          .filter(c -> c.getType().equals("Reconciling")).findFirst().orElseThrow();
      assertThat(reconciling.getStatus()).isEqualTo("True");
      assertThat(reconciling.getMessage()).contains("posts.legacy_ttl");
      assertThat(hidden(db, "legacy_1")).isTrue();
      assertThat(index(db, "legacy_ttl")).isNull();
      assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
          .noneSatisfy(e -> assertThat(e.getReason()).isEqualTo(Reason.WaitsForDrop.name()));
      // No edit: the pass at dropAfter drops legacy_1 and builds legacy_ttl.
      OperatorHarness.eventually().until(() -> synced("s"));
      assertThat(index(db, "legacy_1")).isNull();
      assertThat(((Number) index(db, "legacy_ttl").get("expireAfterSeconds")).longValue()).isEqualTo(60L);
      assertThat(op.ready("s").getMessage()).startsWith("1 index(es) present");
    }
  }

  @Test
  void aRetainSchemaDeletedWhileAnIndexIsHiddenLeavesItVisibleAndNoRecord() {
    op = new OperatorHarness("hidden-retain");
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = withLegacyIndex(mongo, "op_hidden_retain");
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("s", spec(db.getName(), "{unmanagedIndexes: Drop, hiddenFor: 1h}"));
      OperatorHarness.eventually().until(() -> hidden(db, "legacy_1"));
      op.client.resources(MongoSchema.class).inNamespace(op.namespace).withName("s").delete();
      OperatorHarness.eventually().until(() -> !hidden(db, "legacy_1")
          && db.getCollection("mongosteward").countDocuments(new Document("_id", "collection:posts")) == 0);
      assertThat(index(db, "legacy_1")).as("left, not dropped").isNotNull();
      assertThat(index(db, "a_1")).as("Retain: the declared index stays").isNotNull();
    }
  }
}
