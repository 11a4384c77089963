package io.mongosteward.operator;

import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.fabric8.kubernetes.api.model.Event;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoMigrationStatus;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MongoMigration's life around its run: an operator restart, a deletion, a queue for a thread,
 * a suspend or an edit at any point, a Secret fixed after a failure. Small collections and fast
 * throttles: each run lasts a few seconds at most.
 */
class MongoMigrationLifecycleIT {
  static MongoClient mongo;
  final List<OperatorHarness> ops = new ArrayList<>();
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
    ops.forEach(OperatorHarness::close);
  }

  OperatorHarness operator(String prefix, java.util.function.UnaryOperator<OperatorSettings> tune) {
    op = new OperatorHarness(prefix, tune);
    ops.add(op);
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    return op;
  }

  MongoMigration apply(String name, String specYaml) {
    String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\nmetadata:\n  name: " + name
        + "\n  namespace: " + op.namespace + "\nspec:\n" + specYaml.stripIndent().indent(2);
    MongoMigration m = op.client.resources(MongoMigration.class).load(new java.io.ByteArrayInputStream(yaml.getBytes()))
        .item();
    return op.client.resource(m).serverSideApply();
  }

  MongoMigration get(String name) {
    return op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName(name).get();
  }

  MongoMigrationStatus status(String name) {
    MongoMigration m = get(name);
    return m == null ? null : m.getStatus();
  }

  MigrationPhase phase(String name) {
    MongoMigrationStatus s = status(name);
    return s == null ? null : s.getPhase();
  }

  void awaitPhase(String name, MigrationPhase phase) {
    eventually().alias(name + " phase " + phase).failFast(name + " Failed", () -> phase != MigrationPhase.Failed
        && phase(name) == MigrationPhase.Failed).until(() -> phase == phase(name));
  }

  void edit(String name, Consumer<MongoMigration> change) {
    op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName(name).edit(m -> {
      change.accept(m);
      return m;
    });
  }

  List<String> events(String name) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())
            && "MongoMigration".equals(e.getInvolvedObject().getKind()))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  List<String> eventReasons(String name) {
    return events(name).stream().map(e -> e.substring(0, e.indexOf(':'))).toList();
  }

  static Document runRecord(MongoDatabase db, String migration) {
    return db.getCollection("mongosteward").find(Filters.and(Filters.eq("kind", "migration-run"),
        Filters.eq("migration", migration))).sort(new Document("updatedAt", -1)).first();
  }

  static Document lease(MongoDatabase db, String collection) {
    return db.getCollection("mongosteward").find(Filters.eq("_id", "lease:" + collection)).first();
  }

  static void seedLinks(MongoCollection<Document> c, int n) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      docs.add(new Document("_id", i).append("t", "T" + i));
    }
    c.insertMany(docs);
  }

  /** n distinct post_id; each fifth written twice more, later: 2 losers per fifth key. */
  static long seedDuplicates(MongoCollection<Document> posts, int n) {
    List<Document> docs = new ArrayList<>();
    long losers = 0;
    for (int i = 0; i < n; i++) {
      docs.add(new Document("post_id", i).append("created_at", i));
      if (i % 5 == 0) {
        docs.add(new Document("post_id", i).append("created_at", n + i));
        docs.add(new Document("post_id", i).append("created_at", 2 * n + i));
        losers += 2;
      }
    }
    posts.insertMany(docs);
    return losers;
  }

  static String backfill(String db, String collection, String target, int batch, int rate) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collection: %s
        backfill: {source: t, target: %s, transforms: [Lowercase]}
        batchSize: %d
        maxDocumentsPerSecond: %d
        """.formatted(db, collection, target, batch, rate);
  }

  static String deduplicate(String db, int batch, int rate) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collection: posts
        deduplicate: {keys: [post_id], keep: Oldest, keepBy: created_at}
        batchSize: %d
        maxDocumentsPerSecond: %d
        """.formatted(db, batch, rate);
  }

  @Test
  void anOperatorRestartMidRunNeverFailsTheMigrationAndTheNextOneResumesCountingEachDocumentOnce() {
    operator("mig-restart", s -> s.with(b -> b.identity = "111@pod-a"));
    String ns = op.namespace;
    MongoDatabase db = mongo.getDatabase("lc_restart");
    MongoCollection<Document> posts = db.getCollection("posts");
    seedLinks(posts, 2_000);
    apply("m", backfill("lc_restart", "posts", "t_lower", 50, 500));
    eventually().until(() -> posts.countDocuments(Filters.exists("t_lower")) >= 300);
    op.close();
    ops.remove(op);
    long atStop = posts.countDocuments(Filters.exists("t_lower"));
    assertThat(atStop).as("stopped mid-run").isLessThan(2_000);
    assertThat(lease(db, "posts")).as("a clean stop gives the lease back").isNull();
    assertThat(runRecord(db, ns + "/m").getString("state")).isEqualTo("Stopped");

    op = OperatorHarness.in(ns, s -> s.with(b -> b.identity = "222@pod-b"));
    ops.add(op);
    awaitPhase("m", MigrationPhase.Succeeded);
    MongoMigrationStatus done = status("m");
    assertThat(posts.countDocuments(Filters.exists("t_lower"))).isEqualTo(2_000);
    assertThat(done.getProgress().getScanned()).as("each document counted once").isEqualTo(2_000);
    assertThat(done.getProgress().getChanged()).isEqualTo(2_000);
    assertThat(eventReasons("m")).contains("Resumed").doesNotContain("Failed");
  }

  @Test
  void deletingAMigrationMidRunStopsItAtABatchBoundaryBeforeItsClientIsClosed() {
    operator("mig-delete", s -> s);
    MongoDatabase db = mongo.getDatabase("lc_delete");
    MongoCollection<Document> posts = db.getCollection("posts");
    seedDuplicates(posts, 1_500);
    long original = posts.countDocuments();
    MongoCollection<Document> archive = db.getCollection("posts_duplicates");
    apply("dedupe", deduplicate("lc_delete", 20, 400));
    eventually().until(() -> archive.countDocuments() >= 40);
    op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName("dedupe").delete();
    String key = op.namespace + "/dedupe";
    eventually().alias("the run record leaves Running").until(() -> !"Running".equals(runRecord(db, key).getString("state")));
    assertThat(runRecord(db, key).getString("state")).isEqualTo("Stopped");
    assertThat(lease(db, "posts")).as("the lease is given back").isNull();
    assertThat(posts.countDocuments() + archive.countDocuments()).as("no document lost or doubled").isEqualTo(original);
    assertThat(posts.countDocuments()).as("stopped before the end").isGreaterThan(1_500);
  }

  @Test
  void aQueuedMigrationWaitsAsPendingAndASuspendOrEditOfItTakesEffectAtOnce() {
    operator("mig-queue", s -> s.with(b -> b.migrationThreads = 1));
    MongoDatabase db = mongo.getDatabase("lc_queue");
    for (String c : List.of("busy", "q1", "q2", "q3")) seedLinks(db.getCollection(c), c.equals("busy") ? 3_000 : 100);
    apply("busy", backfill("lc_queue", "busy", "t_lower", 50, 150));
    eventually().until(() -> phase("busy") == MigrationPhase.Running
        && db.getCollection("busy").countDocuments(Filters.exists("t_lower")) > 0);
    apply("q1", backfill("lc_queue", "q1", "t_lower", 50, 100_000));
    apply("q2", backfill("lc_queue", "q2", "t_lower", 50, 100_000));
    apply("q3", backfill("lc_queue", "q3", "t_lower", 50, 100_000));
    eventually().alias("the queued ones wait as Pending").until(() -> List.of("q1", "q2", "q3").stream()
        .allMatch(q -> phase(q) == MigrationPhase.Pending));
    assertThat(status("q1").getMessage()).isEqualTo("waiting for a migration thread: 1 running, --migration-threads 1");
    String label = "migration=\"" + op.namespace + "/q1\"";
    assertThat(op.registry.scrape()).contains("mongosteward_migration_phase{" + label + ",phase=\"Pending\"} 1.0")
        .contains("mongosteward_migration_phase{" + label + ",phase=\"Running\"} 0.0");

    edit("q1", m -> m.getSpec().setSuspend(true));
    edit("q2", m -> m.getSpec().setMaxDocumentsPerSecond(50_000));
    op.client.resources(MongoMigration.class).inNamespace(op.namespace).withName("q3").delete();
    // Far sooner than the busy run's end (3,000 documents at 150/s): nothing waits for its thread.
    await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200)).alias("at once").until(() ->
        phase("q1") == MigrationPhase.Suspended && status("q2").getObservedGeneration() == 2);
    assertThat(phase("busy")).isEqualTo(MigrationPhase.Running);
    assertThat(status("q2").getPhase()).isEqualTo(MigrationPhase.Pending);
    assertThat(status("q2").getMessage()).startsWith("waiting for a migration thread");
    assertThat(eventReasons("q1")).contains("Suspended").doesNotContain("Started");

    edit("busy", m -> m.getSpec().setSuspend(true));
    awaitPhase("q2", MigrationPhase.Succeeded);
    assertThat(db.getCollection("q2").countDocuments(Filters.exists("t_lower"))).isEqualTo(100);
    assertThat(db.getCollection("q1").countDocuments(Filters.exists("t_lower"))).as("q1 stayed suspended").isZero();
    assertThat(db.getCollection("q3").countDocuments(Filters.exists("t_lower"))).as("q3 deleted, never run").isZero();
    assertThat(eventReasons("q2")).contains("Started", "Completed");
  }

  @Test
  void aMigrationThatFailedOnItsSecretRunsOnceTheSecretIsFixed() {
    operator("mig-secret", s -> s);
    MongoDatabase db = mongo.getDatabase("lc_secret");
    seedLinks(db.getCollection("posts"), 50);
    seedLinks(db.getCollection("comments"), 50); // its own collection: no wait for the other's lease
    String port = MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://127.0.0.1:".length());
    op.secret("bad", "mongodb://admin:pa@ss@127.0.0.1:" + port + "/");
    // mongo-java-server refuses any credentials. Both wait, rechecked every 15 s: within 30 s of the fix they run.
    op.secret("refused", "mongodb://admin:wrong@127.0.0.1:" + port + "/?authSource=admin");
    apply("malformed", backfill("lc_secret", "posts", "a", 100, 100_000).replace("name: mongo", "name: bad"));
    apply("auth", backfill("lc_secret", "comments", "b", 100, 100_000).replace("name: mongo", "name: refused"));
    eventually().until(() -> status("malformed") != null && "InvalidConnectionString".equals(status("malformed").getReason())
        && status("auth") != null && "AuthenticationFailed".equals(status("auth").getReason()));
    assertThat(status("malformed").getMessage()).doesNotContain("pa@ss");
    op.secret("bad", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.secret("refused", MongoBackend.MONGO_JAVA_SERVER.uri());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).alias("both run once fixed")
        .until(() -> phase("malformed") == MigrationPhase.Succeeded && phase("auth") == MigrationPhase.Succeeded);
    assertThat(db.getCollection("comments").countDocuments(Filters.exists("b"))).isEqualTo(50);
    assertThat(eventReasons("auth")).doesNotContain("Failed");
  }

  @Test
  void aSuspendOrARetuneOfASucceededMigrationKeepsItSucceededWithItsCountsAndTimes() {
    operator("mig-done", s -> s);
    MongoDatabase db = mongo.getDatabase("lc_done");
    long losers = seedDuplicates(db.getCollection("posts"), 300);
    apply("d", deduplicate("lc_done", 50, 100_000));
    awaitPhase("d", MigrationPhase.Succeeded);
    MongoMigrationStatus done = status("d");
    assertThat(done.getProgress().getChanged()).isEqualTo(losers);

    edit("d", m -> m.getSpec().setBatchSize(70));
    eventually().until(() -> status("d").getObservedGeneration() == 2);
    edit("d", m -> m.getSpec().setSuspend(true));
    eventually().until(() -> status("d").getObservedGeneration() == 3);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> phase("d") == MigrationPhase.Succeeded);
    MongoMigrationStatus after = status("d");
    assertThat(after.getProgress()).isEqualTo(done.getProgress());
    assertThat(after.getStartTime()).isEqualTo(done.getStartTime());
    assertThat(after.getCompletionTime()).isEqualTo(done.getCompletionTime());
    assertThat(Conditions.isTrue(after.getConditions(), MigrationStatuses.COMPLETE)).isTrue();
    assertThat(eventReasons("d")).doesNotContain("Suspended", "Resumed").containsOnlyOnce("Completed");
  }

  @Test
  void aNewRerunTokenRunsASucceededMigrationAgain() {
    operator("mig-rerun", s -> s);
    MongoDatabase db = mongo.getDatabase("lc_rerun");
    MongoCollection<Document> posts = db.getCollection("posts");
    seedDuplicates(posts, 300);
    apply("d", deduplicate("lc_rerun", 50, 100_000));
    awaitPhase("d", MigrationPhase.Succeeded);
    assertThat(posts.countDocuments()).isEqualTo(300);
    posts.insertMany(List.of(new Document("post_id", 1).append("created_at", 10_000),
        new Document("post_id", 2).append("created_at", 10_001)));
    apply("d", deduplicate("lc_rerun", 50, 100_000) + "rerun: \"2026-11-27\"\n");
    eventually().until(() -> status("d").getObservedGeneration() == 2 && phase("d") == MigrationPhase.Succeeded);
    assertThat(posts.countDocuments()).as("the new duplicates removed by the re-run").isEqualTo(300);
    assertThat(status("d").getProgress().getChanged()).isEqualTo(2);
  }

  @Test
  void resumingAfterAnEditThatChangesTheWorkStartsAfreshAndSaysSo() {
    operator("mig-newhash", s -> s);
    MongoDatabase db = mongo.getDatabase("lc_newhash");
    MongoCollection<Document> posts = db.getCollection("posts");
    seedLinks(posts, 2_000);
    apply("m", backfill("lc_newhash", "posts", "a", 50, 400));
    eventually().until(() -> posts.countDocuments(Filters.exists("a")) >= 400);
    edit("m", m -> m.getSpec().setSuspend(true));
    awaitPhase("m", MigrationPhase.Suspended);
    MongoMigrationStatus suspended = status("m");
    edit("m", m -> {
      m.getSpec().getBackfill().setTarget("b");
      m.getSpec().setSuspend(false);
      m.getSpec().setMaxDocumentsPerSecond(100_000);
    });
    awaitPhase("m", MigrationPhase.Succeeded);
    assertThat(posts.countDocuments(Filters.exists("b"))).isEqualTo(2_000);
    assertThat(status("m").getProgress().getChanged()).as("the new run's count only").isEqualTo(2_000);
    List<String> events = events("m");
    assertThat(events.stream().filter(e -> e.startsWith("Resumed"))).as("a new spec is no resume: " + events).isEmpty();
    assertThat(events).contains("Started: started a backfill of collection posts");
    assertThat(suspended.getProgress().getRate()).as("no rate while suspended").isNull();
    assertThat(suspended.getProgress().getEta()).as("no ETA while suspended").isNull();
  }

  @Test
  void aMissingCollectionWaitsWithoutClaimingACheckpoint() {
    operator("mig-nocoll", s -> s);
    apply("m", backfill("lc_nocoll", "nothere", "a", 50, 100_000));
    eventually().until(() -> status("m") != null && "CollectionNotFound".equals(status("m").getReason()));
    assertThat(status("m").getMessage()).doesNotContain("checkpoint");
  }

  @Test
  void aShutdownDuringTheDuplicateSearchHandsTheRunOverWithoutWaitingOutTheLease() {
    operator("mig-search", s -> s.with(b -> b.identity = "111@pod-a"));
    String ns = op.namespace;
    MongoDatabase db = mongo.getDatabase("lc_search");
    MongoCollection<Document> posts = db.getCollection("posts");
    // Large enough that mongo-java-server's group aggregation outlasts the 4 s the shutdown waits.
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      docs.add(new Document("post_id", i).append("created_at", i));
      if (i % 30 == 0) docs.add(new Document("post_id", i).append("created_at", 1_000_000 + i));
    }
    posts.insertMany(docs);
    long original = posts.countDocuments();
    apply("d", deduplicate("lc_search", 500, 1_000_000));
    eventually().until(() -> runRecord(db, ns + "/d") != null);
    op.close();
    ops.remove(op);
    assertThat(db.getCollection("posts_duplicates").countDocuments()).as("stopped in the search").isZero();
    assertThat(runRecord(db, ns + "/d").getString("state")).isEqualTo("Stopped");
    assertThat(lease(db, "posts")).as("given back for the next leader").isNull();

    op = OperatorHarness.in(ns, s -> s.with(b -> b.identity = "222@pod-b"));
    ops.add(op);
    eventually().failFast("waits for the old lease", () -> "CollectionBusy".equals(status("d").getReason()))
        .until(() -> phase("d") == MigrationPhase.Succeeded);
    assertThat(posts.countDocuments()).isEqualTo(100_000);
    assertThat(posts.countDocuments() + db.getCollection("posts_duplicates").countDocuments()).isEqualTo(original);
  }
}
