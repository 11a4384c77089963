package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a migration must never do to data it did not write, and runs that must not pass for a success. */
class MigrationSafetyIT {
  /** Posts 1..5: post_id 1 for 1, 2, 3 and post_id 2 for 4, 5; kept by _id, oldest: 2, 3 and 5 go. */
  private static MongoCollection<Document> seed(MongoDatabase db) {
    MongoCollection<Document> posts = db.getCollection("posts");
    for (int i = 1; i <= 5; i++) {
      posts.insertOne(new Document("_id", i).append("post_id", i <= 3 ? 1 : 2).append("text", "post " + i));
    }
    return posts;
  }

  private static MongoMigrationSpec dedupe(String archive) {
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "_id", "post_id");
    spec.getDeduplicate().setArchiveCollection(archive);
    spec.setBatchSize(10);
    return spec;
  }

  /** Another deduplication's archived copy (or a live collection's document) with the same _id stops the run. */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void anArchiveDocumentTheRunDidNotWriteIsNeverReplacedAndStopsTheRunBeforeAnyDelete(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = seed(db);
    MongoCollection<Document> shared = db.getCollection("shared");
    Document foreign = new Document("_id", 3).append("text", "another collection's archived copy");
    shared.insertOne(foreign);

    Failure f = catchThrowableOfType(Failure.class,
        () -> runner().run(db, job(dedupe("shared")), Listener.NONE, () -> false));

    assertThat(f).isInstanceOf(Failure.Invalid.class);
    assertThat(f.getMessage()).contains("shared", "_id 3", "choose an archiveCollection of its own");
    assertThat(shared.find().into(new ArrayList<>())).containsExactly(foreign);
    assertThat(ids(posts)).as("nothing deleted").containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    assertThat(new MigrationStore(retrier()).ledger(db, "posts")).singleElement()
        .satisfies(run -> assertThat(run.get("state")).isEqualTo("Failed"));
  }

  /**
   * A crash left a batch pending; the archive holds this run's copy of one pending document (equal to it)
   * and another migration's document under the _id of another: recovery takes out only the first. A copy
   * equal to the document being archived is this run's own, and does not stop it.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void recoveryDeletesOnlyTheCopiesItWroteAndAnEqualCopyIsIdempotent(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = seed(db);
    MongoCollection<Document> archive = db.getCollection("posts_duplicates");
    Document foreign = new Document("_id", 4).append("text", "not this run's");
    archive.insertMany(List.of(posts.find(Filters.eq("_id", 2)).first(), posts.find(Filters.eq("_id", 3)).first(),
        foreign));
    MigrationJob job = job(dedupe(null));
    String runId = MigrationStore.runId("posts", job.migrationName(), job.specHash());
    List<Document> history = new ArrayList<>(List.of(new Document("runner", "dead").append("result", "Running")));
    new MigrationStore(retrier()).beginAttempt(db, runId, new Document("collection", "posts")
        .append("migration", job.migrationName()).append("specHash", job.specHash()).append("type", "deduplicate")
        .append("dryRun", false), Checkpoint.start().withPending(List.of(2, 4), 2).toDocument(), "dead",
        Instant.now(), history);

    RunResult r = runner().run(db, job, Listener.NONE, () -> false);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(posts)).containsExactlyInAnyOrder(1, 4);
    assertThat(archive.find(Filters.eq("_id", 4)).first()).isEqualTo(foreign);
    assertThat(ids(archive)).containsExactlyInAnyOrder(2, 3, 4, 5);
    assertThat(r.last().changed()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aMissingCollectionIsAFailureThatWaitsAndNeverASuccess(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    seed(db);

    Failure f = catchThrowableOfType(Failure.class, () -> runner().run(db,
        job(backfill("postz", "text", "text_norm", Transform.Lowercase)), Listener.NONE, () -> false));

    assertThat(f).isInstanceOf(Failure.Waiting.class);
    assertThat(f.reason()).isEqualTo(Reason.CollectionNotFound);
    assertThat(f.getMessage()).contains("postz", db.getName(), "does not exist", "spec.database");
    assertThat(new MigrationStore(retrier()).ledger(db, "postz")).isEmpty();
  }

  /** A target that cannot be created in one document (meta is a string there) skips that document only. */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aDocumentTheTargetCannotBeWrittenInIsSkippedAndTheRunGoesOn(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    posts.insertMany(List.of(new Document("_id", 1).append("link", "A").append("meta", new Document()),
        new Document("_id", 2).append("link", "B").append("meta", "str"),
        new Document("_id", 3).append("link", "C")));
    MongoMigrationSpec spec = backfill("posts", "link", "meta.norm", Transform.Lowercase);
    spec.setBatchSize(10);

    RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(r.last().skipped()).isEqualTo(1);
    assertThat(r.last().changed()).isEqualTo(2);
    assertThat(r.message()).contains("1 skipped", "_id 2");
    assertThat(posts.find(Filters.eq("_id", 1)).first().get("meta", Document.class).get("norm")).isEqualTo("a");
    assertThat(posts.find(Filters.eq("_id", 3)).first().get("meta", Document.class).get("norm")).isEqualTo("c");
    assertThat(posts.find(Filters.eq("_id", 2)).first().get("meta")).isEqualTo("str");
  }
}
