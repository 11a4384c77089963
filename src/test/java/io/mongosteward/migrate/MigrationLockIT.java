package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One migration at a time per collection: the lease, a busy second runner, and the takeover of a left lease. */
class MigrationLockIT {
  private final ExecutorService threads = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aSecondRunnerIsBusyNamingTheHolderThenTakesOverTheLeaseOfAHungOne(MongoBackend backend) throws Exception {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, 2000, 0.3, 5);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(40);
    Duration ttl = Duration.ofSeconds(3);
    CountDownLatch hung = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Runner A does one batch, then hangs (as a process stopped by SIGSTOP, or a lost node): it renews nothing.
    Listener hangs = p -> {
      hung.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    MigrationRunner a = runner(MigrationRunner.Settings.defaults().withRunner("runner-A").withLeaseTtl(ttl));
    MigrationRunner b = runner(MigrationRunner.Settings.defaults().withRunner("runner-B").withLeaseTtl(ttl));
    Future<RunResult> first = threads.submit(() -> a.run(db, job(spec), hangs, () -> false));
    assertThat(hung.await(30, TimeUnit.SECONDS)).isTrue();

    RunResult busy = b.run(db, job(spec), Listener.NONE, () -> false);

    assertThat(busy.outcome()).isEqualTo(RunResult.Outcome.BUSY);
    assertThat(busy.message()).contains("runner-A", "test/migration");
    assertThat(new MigrationStore(retrier()).leaseHolder(db, "posts").runner()).startsWith("runner-A/");

    // Once A's lease expires, B takes it over and finishes from A's checkpoint.
    AtomicReference<RunResult> second = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
      second.set(b.run(db, job(spec), Listener.NONE, () -> false));
      return second.get().outcome() != RunResult.Outcome.BUSY;
    });
    assertThat(second.get().outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(second.get().last().changed()).isEqualTo(seeded.losers());

    // A wakes up: fenced, it writes nothing more and says who took over.
    release.countDown();
    RunResult late = first.get(30, TimeUnit.SECONDS);
    assertThat(late.outcome()).isEqualTo(RunResult.Outcome.BUSY);
    assertThat(late.message()).contains("another runner took over");

    assertThat(ids(posts)).isEqualTo(seeded.survivors());
    assertThat(db.getCollection("posts_duplicates").countDocuments()).isEqualTo(seeded.losers());
    Document record = new MigrationStore(retrier()).ledger(db, "posts").get(0);
    assertThat(record.get("state")).isEqualTo("Succeeded");
    assertThat(record.getString("runner")).startsWith("runner-B/");
    assertThat(new MigrationStore(retrier()).leaseHolder(db, "posts")).as("released").isNull();
  }
}
