package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.plan.ActionType;
import io.mongosteward.testsupport.Engines;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * mongod's own rules that the stand-ins do not have: collations as mongod stores them, and
 * making an index unique in place. Runs wherever Docker exists; skipped where it does not.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealMongoRulesIT {
  @Container
  static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7");

  static MongoSessions sessions;
  static MongoClient client;

  @BeforeAll
  static void connect() {
    sessions = MongoSessions.interactive(5, Redactor.none());
    client = sessions.clients().connect(MongoUri.parse(MONGO.getReplicaSetUrl()), null);
  }

  @AfterAll
  static void close() {
    if (sessions != null) sessions.close();
  }

  static String index(String collection, String index) {
    return "collections:\n  - name: " + collection + "\n    indexes:\n      - " + index + "\n"
        + "policy: {onConflict: Recreate, dropStrategy: Immediate}\n";
  }

  /** A pass that changes nothing after the first: no rebuild loop under Recreate. */
  void convergesAndStays(MongoDatabase db, String body) {
    SyncResult first = sessions.engine().sync(db, SchemaEngineIT.spec(db, body), Engines.APPLY);
    assertThat(first.converged()).as(first.remainingReports().toString()).isTrue();
    for (int i = 0; i < 2; i++) {
      assertThat(sessions.engine().plan(db, SchemaEngineIT.spec(db, body), Engines.OWNER).actions())
          .as("pass " + i).isEmpty();
    }
  }

  @Test
  void aSimpleCollationIsStoredAsNoneAndIsNotRebuiltEveryPass() {
    MongoDatabase db = client.getDatabase("real_simple");
    convergesAndStays(db, index("users", "{name: email_u, keys: [{field: email}], unique: true, collation: {locale: simple}}"));
    assertThat(db.getCollection("users").listIndexes().into(new ArrayList<>()).get(1)).doesNotContainKey("collation");
  }

  @Test
  void anIndexInheritsTheCollectionsDefaultCollationAndMatchesIt() {
    MongoDatabase db = client.getDatabase("real_default");
    db.createCollection("users", new CreateCollectionOptions().collation(Collation.builder().locale("fr_CA").build()));
    convergesAndStays(db, index("users", "{name: email_u, keys: [{field: email}], unique: true}"));
    Document built = db.getCollection("users").listIndexes().into(new ArrayList<>()).get(1);
    assertThat(built.get("collation", Document.class).getString("locale")).isEqualTo("fr_CA");
  }

  @Test
  void aTextIndexOnACollectionWithADefaultCollationIsBuiltSimple() {
    MongoDatabase db = client.getDatabase("real_text");
    db.createCollection("articles", new CreateCollectionOptions().collation(Collation.builder().locale("fr").build()));
    convergesAndStays(db, index("articles", "{name: search, keys: [{field: title, type: text}]}"));
  }

  @Test
  void anIndexIsMadeUniqueInPlaceAndDuplicatesBlockTheConversion() {
    MongoDatabase db = client.getDatabase("real_unique");
    db.getCollection("tasks").createIndex(Indexes.ascending("task_id"), new IndexOptions().name("task_id_1"));
    db.getCollection("tasks").insertMany(List.of(new Document("task_id", 1), new Document("task_id", 2)));
    String body = "collections:\n  - name: tasks\n    indexes:\n      - {name: task_id_1, keys: [{field: task_id}], unique: true}\n";
    SyncResult converted = sessions.engine().sync(db, SchemaEngineIT.spec(db, body), Engines.APPLY);
    assertThat(converted.outcomes()).extracting(Outcome::result).containsExactly(ActionType.Claim, ActionType.ModifyIndex);
    assertThat(db.getCollection("tasks").listIndexes().into(new ArrayList<>()).get(1).getBoolean("unique")).isTrue();

    db.getCollection("jobs").createIndex(Indexes.ascending("job_id"), new IndexOptions().name("job_id_1"));
    db.getCollection("jobs").insertMany(List.of(new Document("job_id", 7), new Document("job_id", 7)));
    SyncResult blocked = sessions.engine().sync(db, SchemaEngineIT.spec(db, body.replace("tasks", "jobs")
        .replace("task_id", "job_id")), Engines.APPLY);
    assertThat(SchemaEngineIT.states(blocked)).containsEntry("jobs.job_id_1", IndexState.BlockedByDuplicates);
    // prepareUnique stays: from now on no new duplicate gets in while they are cleaned.
    assertThat(db.getCollection("jobs").listIndexes().into(new ArrayList<>()).get(1).getBoolean("prepareUnique")).isTrue();
  }
}
