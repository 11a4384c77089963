package io.mongosteward.operator;

import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.fabric8.kubernetes.api.model.Event;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.mongo.MetadataStore;
import io.mongosteward.testsupport.HiddenIndexStandIn;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A Retain schema has no finalizer, so one deleted while no operator runs leaves its records (and
 * any index it hid on the way to a drop) in the database. The next schema on that collection finds
 * the owner gone from the API server, undoes what the gone schema left (the same cleanup as for a
 * deletion seen live), says so in an Event, and takes the collection over. An owner the operator
 * cannot look up (its namespace is not watched) keeps the conflict, with how to release it by hand.
 */
class StaleOwnerIT {
  @Test
  void aRetainSchemaDeletedWhileTheOperatorIsDownIsCleanedUpByTheNextClaim() {
    OperatorHarness op = new OperatorHarness("stale-down");
    String ns = op.namespace;
    try (MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = HideFirstOperatorIT.withLegacyIndex(mongo, "stale_down");
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("s", HideFirstOperatorIT.spec(db.getName(), "{unmanagedIndexes: Drop, hiddenFor: 1h}"));
      eventually().until(() -> HideFirstOperatorIT.hidden(db, "legacy_1"));
      String goneUid = op.get("s").getMetadata().getUid();
      op.app.close();
      op.client.resources(MongoSchema.class).inNamespace(ns).withName("s").delete();
      eventually().until(() -> op.get("s") == null);
      assertThat(record(db).get("owner", Document.class).getString("uid")).isEqualTo(goneUid);

      try (OperatorHarness op2 = OperatorHarness.in(ns, s -> s)) {
        op2.apply("t", HideFirstOperatorIT.spec(db.getName(), "{}"));
        op2.awaitReady("t", "True", null);
        String uid = op2.get("t").getMetadata().getUid();
        assertThat(HideFirstOperatorIT.hidden(db, "legacy_1")).as("the gone schema's hidden index is visible again")
            .isFalse();
        assertThat(HideFirstOperatorIT.index(db, "legacy_1")).as("Report (t's policy) keeps it").isNotNull();
        Document owner = record(db).get("owner", Document.class);
        assertThat(owner.getString("name")).isEqualTo("t");
        assertThat(owner.getString("uid")).isEqualTo(uid);
        assertThat(record(db).get("hidden", List.class)).isNullOrEmpty();
        eventually().until(() -> events(op2, "t").stream().anyMatch(e -> Reason.OwnerGone.name().equals(e.getReason())));
        Event event = events(op2, "t").stream().filter(e -> Reason.OwnerGone.name().equals(e.getReason())).findFirst()
            .orElseThrow();
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getMessage()).contains(ns + "/s (uid " + goneUid + ")").contains("no longer exists")
            .contains("unhid 1 index(es)");
      }
    } finally {
      op.client.close();
    }
  }

  @Test
  void anOwnerInANamespaceNotWatchedKeepsTheConflictWithHowToReleaseItByHand() {
    try (OperatorHarness op = new OperatorHarness("stale-elsewhere");
        MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = mongo.getDatabase("stale_elsewhere");
      db.getCollection("posts").insertOne(new Document("a", 1));
      db.getCollection(MetadataStore.COLLECTION).insertOne(new Document("_id", "collection:posts")
          .append("kind", "collection").append("owner", new Document("namespace", "not-watched").append("name", "s")
              .append("uid", "0b9d2c1e-0000-4000-8000-000000000001")));
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("t", HideFirstOperatorIT.spec(db.getName(), "{}"));
      op.awaitReady("t", "False", Reason.CollectionManagedElsewhere.name());
      assertThat(op.ready("t").getMessage()).contains("not-watched/s")
          .contains("db.mongosteward.deleteOne({_id: \"collection:posts\"})");
      assertThat(record(db).get("owner", Document.class).getString("namespace")).isEqualTo("not-watched");
    }
  }

  /** A live owner in a watched namespace is never taken for gone. */
  @Test
  void aLiveOwnerKeepsItsCollection() {
    try (OperatorHarness op = new OperatorHarness("stale-live");
        MongoClient mongo = MongoClients.create(HiddenIndexStandIn.uri())) {
      MongoDatabase db = HideFirstOperatorIT.withLegacyIndex(mongo, "stale_live");
      op.secret("mongo", HiddenIndexStandIn.uri());
      op.apply("s", HideFirstOperatorIT.spec(db.getName(), "{unmanagedIndexes: Drop, hiddenFor: 1h}"));
      eventually().until(() -> HideFirstOperatorIT.hidden(db, "legacy_1"));
      op.apply("t", HideFirstOperatorIT.spec(db.getName(), "{}"));
      op.awaitReady("t", "False", Reason.CollectionManagedElsewhere.name());
      assertThat(record(db).get("owner", Document.class).getString("name")).isEqualTo("s");
      assertThat(HideFirstOperatorIT.hidden(db, "legacy_1")).isTrue();
      assertThat(events(op, "t")).noneMatch(e -> Reason.OwnerGone.name().equals(e.getReason()));
    }
  }

  private static Document record(MongoDatabase db) {
    return db.getCollection(MetadataStore.COLLECTION).find(new Document("_id", "collection:posts")).first();
  }

  private static List<Event> events(OperatorHarness op, String name) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }
}
