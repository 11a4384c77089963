package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Array keys as a unique index takes them: each element a key, an empty array a key of its own.
 * On mongo-java-server only: FerretDB's fallback groups whole field values (an array is one key),
 * as docs/migrations.md says.
 */
class ArrayKeysIT {
  private static final MongoBackend BACKEND = MongoBackend.MONGO_JAVA_SERVER;

  private static RunResult dedupe(MongoDatabase db, int batchSize) {
    return dedupe(db, batchSize, null);
  }

  /** @param archive another archive collection: another spec hash, so a run that is not "already done" */
  private static RunResult dedupe(MongoDatabase db, int batchSize, String archive) {
    MongoMigrationSpec spec = deduplicate("p", KeepPolicy.Oldest, "_id", "t");
    spec.setBatchSize(batchSize);
    spec.getDeduplicate().setArchiveCollection(archive);
    return runner().run(db, job(spec), Listener.NONE, () -> false);
  }

  private static Document d(int id, Object t) {
    return new Document("_id", id).append("t", t);
  }

  @Test
  void noKeyLosesItsLastDocumentWhenArraysOverlap() {
    for (int batchSize : new int[] {1, 100}) {
      MongoDatabase db = freshDatabase(BACKEND);
      MongoCollection<Document> p = db.getCollection("p");
      p.insertMany(List.of(d(1, List.of("a", "c")), d(2, List.of("a")), d(4, List.of("b", "c")), d(5, List.of("b"))));

      RunResult r = dedupe(db, batchSize);

      assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
      assertThat(ids(p)).as("a and c by 1, b by 5; batch %d", batchSize).isEqualTo(Set.of(1, 5));
      assertThat(ids(db.getCollection("p_duplicates"))).isEqualTo(Set.of(2, 4));
      RunResult again = dedupe(db, batchSize, "p_again");
      assertThat(again.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
      assertThat(again.last().changed()).as("a re-run removes nothing").isZero();
      assertThat(ids(p)).isEqualTo(Set.of(1, 5));
    }
  }

  @Test
  void whenNoSurvivorSetSatisfiesAUniqueIndexTheRunSaysSoInsteadOfSucceedingSilently() {
    MongoDatabase db = freshDatabase(BACKEND);
    MongoCollection<Document> p = db.getCollection("p");
    // [a,b], [b,c], [a,c]: one survivor leaves a key empty; two hold one key twice.
    p.insertMany(List.of(d(1, List.of("a", "b")), d(2, List.of("b", "c")), d(3, List.of("a", "c"))));

    RunResult r = dedupe(db, 100);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(p)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(r.last().skipped()).as("documents kept beyond one per key").isEqualTo(ids(p).size() - 1);
    assertThat(r.message()).contains("still held by more than one document").contains("a unique index");
  }

  @Test
  void aDocumentThatAloneHoldsAKeyStaysThoughOlderDocumentsShareItsOtherKey() {
    MongoDatabase db = freshDatabase(BACKEND);
    MongoCollection<Document> p = db.getCollection("p");
    // 2 alone holds "z": removing it for "a" (where 1 is older) would leave z with no document.
    p.insertMany(List.of(d(1, List.of("a")), d(2, List.of("a", "z")), d(3, List.of("a", "y")), d(4, "y")));

    dedupe(db, 100);

    Set<Object> left = ids(p);
    assertThat(left).contains(2);
    for (String key : List.of("a", "y", "z")) {
      assertThat(p.countDocuments(new Document("t", key))).as("documents holding %s", key).isPositive();
    }
  }

  @Test
  void anEmptyArrayIsAKeyOfItsOwnApartFromNullAndMissing() {
    MongoDatabase db = freshDatabase(BACKEND);
    MongoCollection<Document> p = db.getCollection("p");
    List<Document> docs = new ArrayList<>(List.of(d(1, List.of()), new Document("_id", 2), d(3, null), d(4, List.of())));
    p.insertMany(docs);

    RunResult r = dedupe(db, 100);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(p)).as("1 for [], 2 for null and missing").isEqualTo(Set.of(1, 2));
    assertThat(ids(db.getCollection("p_duplicates"))).isEqualTo(Set.of(3, 4));
  }

  /**
   * A compound key over the fields of one array of documents: a unique index takes both fields from
   * the same element (https://www.mongodb.com/docs/manual/core/index-unique/, "Unique Constraint Across
   * Separate Documents"), so 1's keys are (A,5) and (B,10), 2's (A,10), 3's (A,5): only 3 repeats a key
   * of 1. The search unwinds each field alone and also files 2 with 1 under (A,10); before, the run
   * removed 2 as well (into the archive), a document the unique index accepts.
   */
  @Test
  void aCompoundKeyOverOneArrayOfDocumentsRemovesOnlyWhatShareAnElementsPair() {
    MongoDatabase db = freshDatabase(BACKEND);
    MongoCollection<Document> p = db.getCollection("p");
    p.insertMany(List.of(
        new Document("_id", 1).append("a", List.of(new Document("loc", "A").append("qty", 5),
            new Document("loc", "B").append("qty", 10))),
        new Document("_id", 2).append("a", List.of(new Document("loc", "A").append("qty", 10))),
        new Document("_id", 3).append("a", List.of(new Document("loc", "A").append("qty", 5)))));

    RunResult r = runner().run(db, job(deduplicate("p", KeepPolicy.Oldest, "_id", "a.loc", "a.qty")), Listener.NONE,
        () -> false);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(p)).isEqualTo(Set.of(1, 2));
    assertThat(ids(db.getCollection("p_duplicates"))).isEqualTo(Set.of(3));
  }
}
