package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeduplicateIT {
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void postsWithFivePercentDuplicates(MongoBackend backend) {
    // FerretDB v1 reads the whole collection for every $in (8 s at 100,000 documents), so its time
    // grows with the square of the size: there 20,000 documents, in fewer, larger batches, with a
    // bound on each command far above the default (100,000 took 72 s). The 100,000 run is on
    // mongo-java-server.
    boolean ferret = backend == MongoBackend.FERRETDB;
    int n = ferret ? 20_000 : 100_000;
    MongoDatabase db = freshDatabase(backend, ferret ? "?timeoutMS=600000" : "");
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, n, 0.05, 1);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(ferret ? 5000 : 500);
    List<Progress> seen = new ArrayList<>();
    long start = System.nanoTime();

    RunResult r = runner().run(db, job(spec), seen::add, () -> false);

    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("FIGURE deduplicate %s: %,d documents, %d removed, batch %d, in %.1f s: %.0f documents/s%n",
        backend, n, r.last().changed(), spec.getBatchSize(), seconds, seeded.count() / seconds);
    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(duplicateKeys(posts, "post_id")).isZero();
    assertThat(ids(posts)).isEqualTo(seeded.survivors());
    long archived = db.getCollection("posts_duplicates").countDocuments();
    assertThat(archived).isEqualTo(seeded.losers());
    assertThat(posts.countDocuments() + archived).isEqualTo(seeded.count());
    assertThat(r.last().changed()).isEqualTo(seeded.losers());
    assertThat(r.last().archived()).isEqualTo(seeded.losers());
    assertThat(r.lateDuplicates()).isZero();
    assertThat(seen).isNotEmpty();
    posts.createIndex(Indexes.ascending("post_id"), new IndexOptions().unique(true));
    assertThat(new MigrationStore(retrier()).ledger(db, "posts")).singleElement()
        .satisfies(run -> assertThat(run.get("state")).isEqualTo("Succeeded"));
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void dryRunChangesNothingAndSaysWhatItWouldDo(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, 3000, 0.2, 2);
    String before = checksum(posts);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setDryRun(true);
    spec.setBatchSize(100);

    RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(r.last().changed()).as("would remove").isEqualTo(seeded.losers());
    assertThat(r.last().archived()).isZero();
    assertThat(r.message()).contains("dry run", "would remove " + seeded.losers());
    assertThat(checksum(posts)).isEqualTo(before);
    assertThat(exists(db, "posts_duplicates")).as("not even the archive collection").isFalse();
    // A dry run is never "already done": it reports again.
    assertThat(runner().run(db, job(spec), Listener.NONE, () -> false).outcome())
        .isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(checksum(posts)).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void stoppedThenResumedReachesTheSameStateWithTheSameCountsAndIsNotRunTwice(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, 3000, 0.3, 3);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(40);
    AtomicInteger batches = new AtomicInteger();

    RunResult first = runner().run(db, job(spec), p -> batches.incrementAndGet(), () -> batches.get() >= 3);

    assertThat(first.outcome()).isEqualTo(RunResult.Outcome.STOPPED);
    assertThat(first.last().changed()).isPositive().isLessThan(seeded.losers());
    assertThat(db.getCollection("posts_duplicates").countDocuments()).isEqualTo(first.last().changed());

    RunResult second = runner().run(db, job(spec), Listener.NONE, () -> false);

    assertThat(second.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(second.last().changed()).as("counts carried over from the checkpoint").isEqualTo(seeded.losers());
    assertThat(second.last().archived()).isEqualTo(seeded.losers());
    assertThat(ids(posts)).isEqualTo(seeded.survivors());
    assertThat(db.getCollection("posts_duplicates").countDocuments()).isEqualTo(seeded.losers());
    List<Document> ledger = new MigrationStore(retrier()).ledger(db, "posts");
    assertThat(ledger).singleElement().satisfies(run -> {
      assertThat(run.get("state")).isEqualTo("Succeeded");
      assertThat(run.getList("history", Document.class)).extracting(h -> h.get("result"))
          .containsExactly("Stopped", "Succeeded");
    });

    RunResult third = runner().run(db, job(spec), Listener.NONE, () -> false);
    assertThat(third.outcome()).isEqualTo(RunResult.Outcome.ALREADY_DONE);
    assertThat(third.last().changed()).isEqualTo(seeded.losers());

    // Another spec (a new hash) runs again: here it finds nothing left to remove.
    spec.getDeduplicate().setKeep(KeepPolicy.Newest);
    RunResult fourth = runner().run(db, job(spec), Listener.NONE, () -> false);
    assertThat(fourth.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(fourth.last().changed()).isZero();
    assertThat(new MigrationStore(retrier()).ledger(db, "posts")).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void duplicatesWrittenDuringTheRunAreFoundByTheFinalPass(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, 2000, 0.2, 4);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "_id", "post_id");
    spec.setBatchSize(50);
    AtomicInteger batches = new AtomicInteger();
    // The application writes a copy of post 0 (a newer _id: a loser) after the first batch.
    Listener app = p -> {
      if (batches.incrementAndGet() == 1) {
        posts.insertOne(new Document("post_id", 0).append("text", "late copy"));
        posts.insertOne(new Document("post_id", 0).append("text", "late copy 2"));
      }
    };

    RunResult r = runner().run(db, job(spec), app, () -> false);

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(duplicateKeys(posts, "post_id")).isZero();
    assertThat(posts.countDocuments() + db.getCollection("posts_duplicates").countDocuments())
        .isEqualTo(seeded.count() + 2);
    assertThat(r.last().changed()).isGreaterThanOrEqualTo(seeded.losers());
    assertThat(r.last().changed() + posts.countDocuments()).isEqualTo(seeded.count() + 2);
    // Post 0 may or may not have been a group before; its late copies are removed in any case.
    assertThat(r.lateDuplicates()).isEqualTo(2);
    assertThat(r.message()).contains("final pass");
  }

  /**
   * Deduplicates {@code p} by k, keeping the oldest, one loser per batch, with {@code app} run once
   * after the first batch: group a is done then, and group b was read by the search (all of it at
   * once on the fast path; on FerretDB's sorted scan, from the server's sorted snapshot) but not yet
   * removed.
   */
  private static RunResult runWithAWriteAfterTheFirstBatch(MongoDatabase db, Runnable app) {
    MongoMigrationSpec spec = deduplicate("p", KeepPolicy.Oldest, "_id", "k");
    spec.setBatchSize(1);
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    Listener listener = p -> {
      if (once.compareAndSet(false, true)) app.run();
    };
    return runner().run(db, job(spec), listener, () -> false);
  }

  private static List<Document> twoGroups() {
    return List.of(new Document("_id", 1).append("k", "a"), new Document("_id", 2).append("k", "a"),
        new Document("_id", 3).append("k", "b"), new Document("_id", 4).append("k", "b"));
  }

  /**
   * The application moves a survivor to another key after the search: its loser is the key's last
   * document now, and stays (before, it was removed because its survivor "was still there").
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aSurvivorMovedToAnotherKeyMeanwhileLeavesItsKeyTheLastDocument(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> p = db.getCollection("p");
    p.insertMany(twoGroups());

    RunResult r = runWithAWriteAfterTheFirstBatch(db,
        () -> p.updateOne(com.mongodb.client.model.Filters.eq("_id", 3), com.mongodb.client.model.Updates.set("k", "z")));

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(p)).as("a kept its oldest; 4 holds b alone now").containsExactlyInAnyOrder(1, 3, 4);
    assertThat(ids(db.getCollection("p_duplicates"))).containsExactly(2);
    assertThat(r.last().changed()).isEqualTo(1);
  }

  /** The application moves a loser to a key of its own after the search: it is no duplicate any more, and stays. */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aLoserMovedToAKeyOfItsOwnMeanwhileStays(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> p = db.getCollection("p");
    p.insertMany(twoGroups());

    RunResult r = runWithAWriteAfterTheFirstBatch(db,
        () -> p.updateOne(com.mongodb.client.model.Filters.eq("_id", 4), com.mongodb.client.model.Updates.set("k", "y")));

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(ids(p)).containsExactlyInAnyOrder(1, 3, 4);
    assertThat(ids(db.getCollection("p_duplicates"))).containsExactly(2);
    assertThat(duplicateKeys(p, "k")).isZero();
  }
}
