package io.mongosteward.mongo;

import io.mongosteward.testsupport.Engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Behaviour only a real mongod has: collMod, TTL expiry, the codes 85/86, and access control.
 * Runs wherever Docker exists; skipped, with Testcontainers' message, where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealMongoIT {
  @Container
  static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7");

  /**
   * A standalone mongod with access control on (a replica set with --auth would need a key file).
   * Without MONGO_INITDB_* the image's entrypoint starts mongod once, with no users: the first
   * is created from inside the container, under the localhost exception.
   */
  @Container
  static final GenericContainer<?> SECURED = new GenericContainer<>("mongo:7")
      .withCommand("--auth")
      .withExposedPorts(27017)
      .waitingFor(Wait.forLogMessage("(?i).*waiting for connections.*", 1));

  static ClientRegistry clients;
  static MongoClient client;
  final SchemaEngine engine = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));

  @BeforeAll
  static void connect() {
    clients = new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));
    client = clients.connect(MongoUri.parse(MONGO.getReplicaSetUrl()), null);
  }

  @AfterAll
  static void close() {
    if (clients != null) clients.close();
  }

  MongoDatabase db(String name) {
    return client.getDatabase(name);
  }

  /**
   * The deduplication's fast path (one $group whose members weigh 2 when a key is an array) gives
   * the unique-index pipeline's groups on mongod too, and stands aside for an array key.
   */
  @Test
  void theFastDuplicateGroupsAgreeWithTheUniqueIndexPipeline() {
    var posts = db("dedupe_groups").getCollection("posts");
    posts.insertMany(List.of(new Document("_id", 1).append("k", "a").append("at", 3),
        new Document("_id", 2).append("k", "a").append("at", 2), new Document("_id", 3).append("at", 1),
        new Document("_id", 4).append("k", null).append("at", 1), new Document("_id", 5).append("k", 7).append("at", 1),
        new Document("_id", 6).append("k", "b").append("at", 1)));
    assertThat(groups(posts, DuplicateGroups.MEMORY_MEMBERS)).isEqualTo(groups(posts, 0))
        .containsExactly(List.of(3, 4), List.of(1, 2));
    posts.insertOne(new Document("_id", 7).append("k", List.of("b", "z")).append("at", 1));
    assertThat(groups(posts, DuplicateGroups.MEMORY_MEMBERS)).isEqualTo(groups(posts, 0))
        .containsExactly(List.of(3, 4), List.of(1, 2), List.of(6, 7));
  }

  /**
   * IndexKeys, the model the deduplication compares a document with its survivor by, against mongod's
   * own unique index: the second document is refused (11000) exactly when the model says the two share
   * a key (the compound example of https://www.mongodb.com/docs/manual/core/index-unique/ among them).
   */
  @Test
  void indexKeysShareAKeyExactlyWhenAUniqueIndexRefusesTheSecondDocument() {
    record Pair(List<String> paths, String first, String second) {}
    List<String> locQty = List.of("a.loc", "a.qty");
    List<Pair> pairs = List.of(
        new Pair(locQty, "{a: [{loc: 'A', qty: 5}, {qty: 10}]}", "{a: [{loc: 'A'}, {qty: 5}]}"),
        new Pair(locQty, "{a: [{loc: 'A', qty: 5}, {qty: 10}]}", "{a: [{loc: 'A', qty: 10}]}"),
        new Pair(locQty, "{a: [{loc: 'A', qty: 5}, {loc: 'B', qty: 10}]}", "{a: [{loc: 'A', qty: 10}]}"),
        new Pair(locQty, "{a: [{loc: 'A', qty: 5}, {loc: 'B', qty: 10}]}", "{a: [{loc: 'A', qty: 5}]}"),
        new Pair(List.of("a.b"), "{a: [{c: 1}]}", "{}"),
        new Pair(List.of("a.b"), "{a: [{b: 1}, {b: 2}]}", "{a: {b: 2}}"),
        new Pair(List.of("t"), "{t: []}", "{t: null}"),
        new Pair(List.of("t"), "{t: []}", "{t: []}"),
        new Pair(List.of("t", "u"), "{t: [1, 2], u: 5}", "{t: 2, u: 5}"),
        new Pair(List.of("t"), "{t: {$undefined: true}}", "{}"),
        new Pair(List.of("t"), "{t: []}", "{t: {$undefined: true}}"));
    int n = 0;
    for (Pair p : pairs) {
      var c = db("index_keys").getCollection("c" + n++);
      Document keys = new Document();
      p.paths().forEach(k -> keys.append(k, 1));
      c.createIndex(keys, new IndexOptions().unique(true));
      Document first = Document.parse(p.first());
      Document second = Document.parse(p.second());
      boolean shared = io.mongosteward.plan.IndexKeys.share(io.mongosteward.plan.IndexKeys.of(first, p.paths()),
          io.mongosteward.plan.IndexKeys.of(second, p.paths()));
      c.insertOne(first);
      boolean refused;
      try {
        c.insertOne(second);
        refused = false;
      } catch (com.mongodb.MongoWriteException e) {
        refused = e.getCode() == 11000;
      }
      assertThat(refused).as("%s then %s, unique on %s", p.first(), p.second(), p.paths()).isEqualTo(shared);
    }
  }

  private static List<List<Object>> groups(com.mongodb.client.MongoCollection<Document> posts, int memoryMembers) {
    List<List<Object>> out = new ArrayList<>();
    try (DuplicateGroups g = new DuplicateGroups(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), posts, List.of("k"), "at",
        Duration.ofSeconds(30), 100, 0, false, memoryMembers)) {
      for (DuplicateGroups.Group group = g.next(); group != null; group = g.next()) {
        out.add(group.members().stream().map(DuplicateGroups.Member::id).sorted().toList());
      }
    }
    return out;
  }

  @Test
  void changedTtlIsAppliedInPlaceWithCollMod() {
    MongoDatabase db = db("real_ttl");
    String ttl = "collections:\n  - name: events\n    indexes:\n      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: %d}\n";
    assertThat(engine.sync(db, SchemaEngineIT.spec(db, ttl.formatted(3600)), Engines.APPLY).converged()).isTrue();
    SyncResult changed = engine.sync(db, SchemaEngineIT.spec(db, ttl.formatted(60)), Engines.APPLY);
    assertThat(changed.outcomes()).extracting(Outcome::result).containsExactly(ActionType.ModifyIndex);
    assertThat(SchemaEngineIT.states(changed)).containsEntry("events.ts_ttl", IndexState.Modified);
    Document index = db.getCollection("events").listIndexes().into(new ArrayList<>()).get(1);
    assertThat(index.get("expireAfterSeconds", Number.class).longValue()).isEqualTo(60L);
    assertThat(engine.plan(db, SchemaEngineIT.spec(db, ttl.formatted(60)), Engines.OWNER).actions()).isEmpty();
  }

  @Test
  void hiddenIsToggledWithCollMod() {
    MongoDatabase db = db("real_hidden");
    String spec = "collections:\n  - name: posts\n    indexes:\n      - {name: a_1, keys: [{field: a}], hidden: %s}\n";
    engine.sync(db, SchemaEngineIT.spec(db, spec.formatted("false")), Engines.APPLY);
    SyncResult hidden = engine.sync(db, SchemaEngineIT.spec(db, spec.formatted("true")), Engines.APPLY);
    assertThat(hidden.outcomes()).extracting(Outcome::result).containsExactly(ActionType.ModifyIndex);
    assertThat(db.getCollection("posts").listIndexes().into(new ArrayList<>()).get(1).getBoolean("hidden")).isTrue();
  }

  static SchemaEngine engineAt(java.time.Instant now) {
    return new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()),
        new DuplicateFinder(Timeouts.DUPLICATE_SEARCH), java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
  }

  static Document index(MongoDatabase db, String collection, String name) {
    return db.getCollection(collection).listIndexes().into(new ArrayList<>()).stream()
        .filter(d -> name.equals(d.getString("name"))).findFirst().orElse(null);
  }

  /** mongod's own collMod hidden (4.4+): hide, wait on an injected clock, then drop; or unhide when declared again. */
  @Test
  void hideFirstHidesWithCollModThenDropsAfterHiddenForOrUnhides() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z");
    String drop = "collections:\n  - name: posts\n    indexes:\n      - {name: a_1, keys: [{field: a}]}\n"
        + "policy: {unmanagedIndexes: Drop, hiddenFor: 1h}\n";
    String back = "collections:\n  - name: posts\n    indexes:\n      - {name: a_1, keys: [{field: a}]}\n"
        + "      - {name: b_1, keys: [{field: b}]}\npolicy: {unmanagedIndexes: Drop, hiddenFor: 1h}\n";

    MongoDatabase db = db("real_hide_drop");
    db.getCollection("posts").createIndex(Indexes.ascending("b"));
    SyncResult hid = engineAt(t0).sync(db, SchemaEngineIT.spec(db, drop), Engines.APPLY);
    assertThat(hid.outcomes()).filteredOn(o -> o.action().type() == ActionType.HideIndex)
        .singleElement().satisfies(o -> assertThat(o.applied()).isTrue());
    assertThat(index(db, "posts", "b_1").getBoolean("hidden")).isTrue();
    SyncResult waiting = engineAt(t0.plusSeconds(1800)).sync(db, SchemaEngineIT.spec(db, drop), Engines.APPLY);
    assertThat(waiting.plan().actions()).extracting(Action::type).containsExactly(ActionType.DropScheduled);
    SyncResult dropped = engineAt(t0.plusSeconds(3601)).sync(db, SchemaEngineIT.spec(db, drop), Engines.APPLY);
    assertThat(dropped.outcomes()).extracting(Outcome::result).containsExactly(ActionType.DropIndex);
    assertThat(index(db, "posts", "b_1")).isNull();

    MongoDatabase again = db("real_hide_unhide");
    again.getCollection("posts").createIndex(Indexes.ascending("b"));
    engineAt(t0).sync(again, SchemaEngineIT.spec(again, drop), Engines.APPLY);
    assertThat(index(again, "posts", "b_1").getBoolean("hidden")).isTrue();
    SyncResult unhidden = engineAt(t0.plusSeconds(600)).sync(again, SchemaEngineIT.spec(again, back), Engines.APPLY);
    assertThat(unhidden.outcomes()).extracting(Outcome::result).containsExactly(ActionType.UnhideIndex);
    assertThat(index(again, "posts", "b_1").get("hidden")).isNotEqualTo(true);
    assertThat(engineAt(t0.plusSeconds(86_400)).plan(again, SchemaEngineIT.spec(again, back), Engines.OWNER).actions())
        .isEmpty();
  }

  @Test
  void ttlIndexExpiresDocuments() {
    MongoDatabase db = db("real_expiry");
    db.getCollection("events").insertOne(new Document("ts", new Date(System.currentTimeMillis() - 3_600_000)));
    engine.sync(db, SchemaEngineIT.spec(db,
        "collections:\n  - name: events\n    indexes:\n      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 1}\n"), Engines.APPLY);
    // The TTL monitor runs every 60 s by default.
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(1, TimeUnit.SECONDS)
        .until(() -> db.getCollection("events").countDocuments() == 0);
  }

  @Test
  void sameKeysOtherNameIs85AndTheEngineTreatsItAsPresent() {
    MongoDatabase db = db("real_85");
    db.getCollection("p").createIndex(Indexes.ascending("x"), new IndexOptions().name("x_1"));
    assertThatThrownBy(() -> db.getCollection("p").createIndex(Indexes.ascending("x"), new IndexOptions().name("other")))
        .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(85));
    SyncResult r = engine.sync(db, SchemaEngineIT.spec(db,
        "collections:\n  - name: p\n    indexes:\n      - {name: other, keys: [{field: x}]}\n"), Engines.APPLY);
    assertThat(r.plan().actions()).extracting(a -> a.type()).containsExactly(ActionType.Claim, ActionType.NameMismatch);
    assertThat(r.converged()).isTrue();
  }

  @Test
  void sameNameOtherKeysIs86AndTheEngineReportsAConflict() {
    MongoDatabase db = db("real_86");
    db.getCollection("p").createIndex(Indexes.ascending("x"), new IndexOptions().name("idx"));
    assertThatThrownBy(() -> db.getCollection("p").createIndex(Indexes.ascending("y"), new IndexOptions().name("idx")))
        .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(86));
    SyncResult r = engine.sync(db, SchemaEngineIT.spec(db,
        "collections:\n  - name: p\n    indexes:\n      - {name: idx, keys: [{field: y}]}\n"), Engines.APPLY);
    assertThat(r.plan().actions()).extracting(a -> a.type()).containsExactly(ActionType.Claim, ActionType.Conflict);
  }

  @Test
  void uniqueOverDuplicatesIsBlockedWith11000() {
    MongoDatabase db = db("real_dup");
    db.getCollection("posts").insertMany(java.util.List.of(new Document("post_id", 1), new Document("post_id", 1)));
    SyncResult r = engine.sync(db, SchemaEngineIT.spec(db,
        "collections:\n  - name: posts\n    indexes:\n      - {name: u, keys: [{field: post_id}], unique: true}\n"), Engines.APPLY);
    assertThat(SchemaEngineIT.states(r)).containsEntry("posts.u", IndexState.BlockedByDuplicates);
  }

  @Test
  void aUserWithOnlyReadIsNotAuthorizedToCreateAnIndexAndIsToldWhichPrivilegeToGrant() throws Exception {
    String rootPassword = "r00t-Pw-4real";
    String readerPassword = "r3ader-Pw-4real";
    var created = SECURED.execInContainer("mongosh", "--quiet", "--eval",
        "db.getSiblingDB('admin').createUser({user: 'root', pwd: '" + rootPassword + "', roles: ['root']})");
    assertThat(created.getExitCode()).as(created.getStdout() + created.getStderr()).isZero();
    String host = SECURED.getHost() + ":" + SECURED.getMappedPort(27017);
    try (MongoClient root = MongoClients.create("mongodb://root:" + rootPassword + "@" + host + "/?authSource=admin")) {
      root.getDatabase("admin").runCommand(new Document("createUser", "reader").append("pwd", readerPassword)
          .append("roles", List.of(new Document("role", "read").append("db", "real_authz"))));
      root.getDatabase("real_authz").getCollection("posts").insertOne(new Document("post_id", 1));
    }

    try (ClientRegistry readers = new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()))) {
      MongoDatabase db = readers.connect(MongoUri.parse("mongodb://reader:" + readerPassword + "@" + host
          + "/real_authz?authSource=admin"), null).getDatabase("real_authz");
      // read grants listIndexes and find, so the pass observes and plans; every write is refused.
      SyncResult r = engine.sync(db, SchemaEngineIT.spec(db,
          "collections:\n  - name: posts\n    indexes:\n      - {name: post_id_1, keys: [{field: post_id}]}\n"),
          Engines.APPLY);
      Outcome create = r.outcomes().stream().filter(o -> o.action().type() == ActionType.CreateIndex).findFirst()
          .orElseThrow();
      assertThat(create.applied()).isFalse();
      assertThat(create.result()).isEqualTo(ActionType.NotAuthorized);
      assertThat(create.message()).contains("createIndexes posts: code 13 (Unauthorized)")
          .contains("grant the user the createIndex privilege action");
      // The claim (findAndModify on the metadata collection) is refused the same way, with its own privileges.
      assertThat(r.remainingReports()).extracting(Action::type).containsOnly(ActionType.NotAuthorized);
      assertThat(r.converged()).isFalse();
      assertThat(SchemaEngineIT.states(r)).containsEntry("posts.post_id_1", IndexState.Failed);
    }
    try (MongoClient root = MongoClients.create("mongodb://root:" + rootPassword + "@" + host + "/?authSource=admin")) {
      assertThat(SchemaEngineIT.indexes(root.getDatabase("real_authz"), "posts")).extracting(d -> d.getString("name"))
          .containsExactly("_id_");
    }
  }
}
