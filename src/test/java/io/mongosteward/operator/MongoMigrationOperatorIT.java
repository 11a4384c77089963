package io.mongosteward.operator;

import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.Reason;
import eu.rekawek.toxiproxy.Proxy;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MongoMigrations run by the operator on the real API server, against mongo-java-server. */
class MongoMigrationOperatorIT {
  static MongoClient mongo;
  OperatorHarness op;

  @BeforeAll
  static void connect() {
    mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri());
  }

  @AfterAll
  static void disconnect() {
    mongo.close();
  }

  @AfterEach
  void stop() {
    if (op != null) op.close();
  }

  MongoMigration applyMigration(String name, String specYaml) {
    String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\nmetadata:\n  name: " + name
        + "\n  namespace: " + op.namespace + "\nspec:\n" + specYaml.stripIndent().indent(2);
    MongoMigration m = op.client.resources(MongoMigration.class).load(new java.io.ByteArrayInputStream(yaml.getBytes()))
        .item();
    return op.client.resource(m).serverSideApply();
  }

  MongoMigration migration(String name) {
    return op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName(name).get();
  }

  MigrationPhase phase(String name) {
    MongoMigration m = migration(name);
    return m == null || m.getStatus() == null ? null : m.getStatus().getPhase();
  }

  void awaitPhase(String name, MigrationPhase phase) {
    eventually().alias(name + " phase " + phase).until(() -> phase == phase(name));
  }

  void setSuspend(String name, boolean suspend) {
    op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName(name).edit(m -> {
      m.getSpec().setSuspend(suspend);
      return m;
    });
  }

  Set<String> eventReasons(String involvedName) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName())
            && "MongoMigration".equals(e.getInvolvedObject().getKind()))
        .map(Event::getReason).collect(Collectors.toSet());
  }

  /** n posts, each tenth post_id written twice more (created later): 2 losers per tenth key. */
  static long seedDuplicates(MongoCollection<Document> posts, int n) {
    List<Document> docs = new ArrayList<>();
    long losers = 0;
    for (int i = 0; i < n; i++) {
      docs.add(new Document("post_id", i).append("created_at", i));
      if (i % 10 == 0) {
        docs.add(new Document("post_id", i).append("created_at", n + i));
        docs.add(new Document("post_id", i).append("created_at", 2 * n + i));
        losers += 2;
      }
    }
    posts.insertMany(docs);
    return losers;
  }

  @Test
  void aDeduplicationUnblocksTheUniqueIndexAndTheSchemaTurnsReadyWithoutWaitingForItsResync() {
    // A 10-minute resync: Ready can only come from the migration's nudge.
    op = new OperatorHarness("mig-dedupe", s -> s.with(b -> b.resyncInterval = Duration.ofMinutes(10)));
    MongoDatabase db = mongo.getDatabase("op_mig_dedupe");
    MongoCollection<Document> posts = db.getCollection("posts");
    long losers = seedDuplicates(posts, 2_000);
    long before = posts.countDocuments();
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", """
        connection:
          secretRef: {name: mongo, key: uri}
        database: op_mig_dedupe
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
        """);
    op.awaitReady("bot", "False", Reason.BlockedByDuplicates.name());

    applyMigration("dedupe-posts", """
        schemaRef: {name: bot}
        collection: posts
        deduplicate: {keys: [post_id], keep: Oldest, keepBy: created_at}
        batchSize: 100
        maxDocumentsPerSecond: 100000
        """);
    awaitPhase("dedupe-posts", MigrationPhase.Succeeded);
    MongoMigration m = migration("dedupe-posts");
    assertThat(Conditions.isTrue(m.getStatus().getConditions(), MigrationStatuses.COMPLETE)).isTrue();
    assertThat(Conditions.isTrue(m.getStatus().getConditions(), MigrationStatuses.FAILED)).isFalse();
    assertThat(m.getStatus().getProgress().getChanged()).isEqualTo(losers);
    assertThat(m.getStatus().getProgress().getArchived()).isEqualTo(losers);
    assertThat(m.getStatus().getProgress().getPercent()).isEqualTo(100);
    assertThat(m.getStatus().getCompletionTime()).isNotNull();
    assertThat(posts.countDocuments() + db.getCollection("posts_duplicates").countDocuments()).isEqualTo(before);
    assertThat(posts.countDocuments()).isEqualTo(2_000);

    op.awaitReady("bot", "True", Reason.Synced.name());
    assertThat(posts.listIndexes().into(new ArrayList<>()).stream().map(d -> d.getString("name")))
        .contains("post_id_unique");
    eventually().until(() -> eventReasons("dedupe-posts").containsAll(Set.of("Started", "Completed",
        "RetryingBlockedIndexes")));
    String metrics = op.registry.scrape();
    String label = "migration=\"" + op.namespace + "/dedupe-posts\"";
    assertThat(metrics).contains("mongosteward_migration_documents_total{kind=\"changed\"," + label + "} " + losers + ".0")
        .contains("mongosteward_migration_phase{" + label + ",phase=\"Succeeded\"} 1.0")
        .contains("mongosteward_migration_progress_ratio{" + label + "} 1.0");

    // Once per generation: an operator restart does not run it again.
    String ns = op.namespace;
    String version = migration("dedupe-posts").getMetadata().getResourceVersion();
    op.close();
    op = new OperatorHarness("mig-dedupe-again", s -> s.with(b -> b.namespaces = Set.of(ns)));
    eventually().until(() -> op.app.health().readiness().ready());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> version.equals(
        op.client.resources(MongoMigration.class).inNamespace(ns).withName("dedupe-posts").get().getMetadata()
            .getResourceVersion()));
  }

  @Test
  void aSuspendStopsAtABatchAndClearingItResumesToTheSameResult() {
    op = new OperatorHarness("mig-suspend");
    MongoDatabase db = mongo.getDatabase("op_mig_suspend");
    MongoCollection<Document> posts = db.getCollection("posts");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      docs.add(new Document("_id", i).append("message_link", "HTTPS://T.me/Channel/" + i + "/"));
    }
    posts.insertMany(docs);
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    applyMigration("norm-links", """
        connection:
          secretRef: {name: mongo, key: uri}
        database: op_mig_suspend
        collection: posts
        backfill: {source: message_link, target: message_link_norm, transforms: [NormalizeUrl, Lowercase]}
        batchSize: 100
        maxDocumentsPerSecond: 1000
        """);
    eventually().until(() -> {
      MongoMigration m = migration("norm-links");
      return m != null && m.getStatus() != null && m.getStatus().getProgress() != null
          && m.getStatus().getProgress().getScanned() != null && m.getStatus().getProgress().getScanned() > 0;
    });
    assertThat(phase("norm-links")).isEqualTo(MigrationPhase.Running);
    setSuspend("norm-links", true);
    awaitPhase("norm-links", MigrationPhase.Suspended);
    long written = posts.countDocuments(Filters.exists("message_link_norm"));
    assertThat(written).as("stopped before the end").isLessThan(6_000);
    MongoMigration suspended = migration("norm-links");
    assertThat(suspended.getStatus().getCheckpoint()).isNotNull();
    assertThat(suspended.getStatus().getReason()).isEqualTo(Reason.Suspended.name());
    // Suspended means stopped: nothing more is written.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> posts.countDocuments(Filters.exists("message_link_norm")) == written);

    setSuspend("norm-links", false);
    awaitPhase("norm-links", MigrationPhase.Succeeded);
    for (Document d : posts.find()) {
      int i = d.getInteger("_id");
      assertThat(d.getString("message_link_norm")).isEqualTo(("t.me/Channel/" + i).toLowerCase(Locale.ROOT));
    }
    MongoMigration done = migration("norm-links");
    assertThat(done.getStatus().getProgress().getChanged()).isEqualTo(6_000);
    eventually().until(() -> eventReasons("norm-links").containsAll(Set.of("Started", "Suspended", "Resumed",
        "Completed")));
  }

  @Test
  void aSecondMigrationOfTheSameCollectionWaitsAsCollectionBusyNamingTheFirstThenRuns() {
    op = new OperatorHarness("mig-busy");
    MongoDatabase db = mongo.getDatabase("op_mig_busy");
    MongoCollection<Document> posts = db.getCollection("posts");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      docs.add(new Document("_id", i).append("title", "  Title " + i + "  "));
    }
    posts.insertMany(docs);
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    String spec = """
        connection:
          secretRef: {name: mongo, key: uri}
        database: op_mig_busy
        collection: posts
        backfill: {source: title, target: %s, transforms: [Trim]}
        batchSize: 100
        maxDocumentsPerSecond: 1000
        """;
    applyMigration("first", spec.formatted("title_trimmed"));
    eventually().until(() -> phase("first") == MigrationPhase.Running);
    applyMigration("second", spec.formatted("title_again"));
    eventually().until(() -> {
      MongoMigration m = migration("second");
      return m != null && m.getStatus() != null && Reason.CollectionBusy.name().equals(m.getStatus().getReason());
    });
    assertThat(migration("second").getStatus().getPhase()).isEqualTo(MigrationPhase.Pending);
    assertThat(migration("second").getStatus().getMessage()).contains(op.namespace + "/first");
    awaitPhase("first", MigrationPhase.Succeeded);
    awaitPhase("second", MigrationPhase.Succeeded);
    assertThat(posts.countDocuments(Filters.eq("title_again", "Title 7"))).isEqualTo(1);
  }

  @Test
  void aSchemaRefToNoSchemaWaitsNamingTheFieldAndRunsOnceTheSchemaExists() {
    op = new OperatorHarness("mig-noschema");
    MongoDatabase db = mongo.getDatabase("op_mig_noschema");
    db.getCollection("posts").insertMany(List.of(new Document("_id", 1).append("t", "A"),
        new Document("_id", 2).append("t", "B")));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    applyMigration("lower", """
        schemaRef: {name: bot}
        collection: posts
        backfill: {source: t, target: t_lower, transforms: [Lowercase]}
        """);
    eventually().until(() -> {
      MongoMigration m = migration("lower");
      return m != null && m.getStatus() != null && Reason.SchemaNotFound.name().equals(m.getStatus().getReason());
    });
    MongoMigration waiting = migration("lower");
    assertThat(waiting.getStatus().getPhase()).isEqualTo(MigrationPhase.Pending);
    assertThat(waiting.getStatus().getMessage()).contains("spec.schemaRef").contains(op.namespace + "/bot");
    Condition failed = Conditions.find(waiting.getStatus().getConditions(), MigrationStatuses.FAILED);
    assertThat(failed.getStatus()).isEqualTo("False");

    op.apply("bot", """
        connection:
          secretRef: {name: mongo, key: uri}
        database: op_mig_noschema
        collections:
          - name: posts
        """);
    eventually().atMost(Duration.ofSeconds(60)).until(() -> phase("lower") == MigrationPhase.Succeeded);
    assertThat(db.getCollection("posts").countDocuments(Filters.eq("t_lower", "a"))).isEqualTo(1);
  }

  @Test
  void aLostConnectionPausesTheRunAsMongoUnreachableAndItResumesFromItsCheckpoint() throws Exception {
    op = new OperatorHarness("mig-cut");
    MongoDatabase db = mongo.getDatabase("op_mig_cut");
    MongoCollection<Document> posts = db.getCollection("posts");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      docs.add(new Document("_id", i).append("t", "T" + i));
    }
    posts.insertMany(docs);
    Proxy proxy = Toxiproxy.proxy("mig-cut", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      op.secret("mongo", Toxiproxy.uriOf(proxy));
      applyMigration("lower", """
          connection:
            secretRef: {name: mongo, key: uri}
            clientOptions: {connectTimeoutMS: 500, serverSelectionTimeoutMS: 500, socketTimeoutMS: 1000}
          database: op_mig_cut
          collection: posts
          backfill: {source: t, target: t_lower, transforms: [Lowercase]}
          batchSize: 100
          maxDocumentsPerSecond: 1000
          """);
      eventually().until(() -> posts.countDocuments(Filters.exists("t_lower")) >= 500);
      proxy.disable();
      eventually().until(() -> {
        MongoMigration m = migration("lower");
        return m.getStatus() != null && Reason.MongoUnreachable.name().equals(m.getStatus().getReason());
      });
      MongoMigration paused = migration("lower");
      assertThat(paused.getStatus().getPhase()).isEqualTo(MigrationPhase.Pending);
      assertThat(paused.getStatus().getMessage()).contains("resumes from its checkpoint");
      long before = posts.countDocuments(Filters.exists("t_lower"));
      assertThat(before).isLessThan(4_000);
      proxy.enable();
      awaitPhase("lower", MigrationPhase.Succeeded);
      assertThat(posts.countDocuments(Filters.exists("t_lower"))).isEqualTo(4_000);
      assertThat(posts.countDocuments(Filters.eq("t_lower", "t3999"))).isEqualTo(1);
      MongoMigration done = migration("lower");
      assertThat(done.getStatus().getProgress().getChanged()).as("each document written once, counted once")
          .isEqualTo(4_000);
      eventually().until(() -> eventReasons("lower").containsAll(Set.of("MongoUnreachable", "Resumed", "Completed")));
    } finally {
      proxy.delete();
    }
  }
}
