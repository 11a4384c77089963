package io.mongosteward.mongo;

import io.mongosteward.testsupport.Engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.plan.ActionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Behaviour only a real mongod has: collMod, TTL expiry, and the codes 85/86. Runs wherever
 * Docker exists; skipped, with Testcontainers' message, where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealMongoIT {
  @Container
  static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7");

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
}
