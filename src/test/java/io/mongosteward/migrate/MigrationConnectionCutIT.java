package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import eu.rekawek.toxiproxy.Proxy;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A real proxy cuts the runner's connection in the middle of a batch of a deduplication. */
class MigrationConnectionCutIT {
  private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
  private Proxy proxy;

  @AfterEach
  void tearDown() throws IOException {
    faults.shutdownNow();
    if (proxy != null) proxy.delete();
  }

  static ClientOptions shortTimeouts() {
    ClientOptions o = new ClientOptions();
    o.setConnectTimeoutMS(500);
    o.setSocketTimeoutMS(2000);
    o.setServerSelectionTimeoutMS(500);
    return o;
  }

  /** Cuts the connection once {@code after} (the archive's insert, or the delete) of the second batch has succeeded. */
  private CommandListener cutAfter(String after, Runnable cut) {
    AtomicInteger seen = new AtomicInteger();
    return new CommandListener() {
      @Override
      public void commandSucceeded(CommandSucceededEvent event) {
        if (event.getCommandName().equals(after) && seen.incrementAndGet() == 2) cut.run();
      }
    };
  }

  /** The cut lasts 1.5 s; the retries ride it out within the same run. */
  @ParameterizedTest
  @CsvSource({"MONGO_JAVA_SERVER, insert", "MONGO_JAVA_SERVER, delete", "FERRETDB, delete"})
  void aShortCutIsRetriedAndNothingIsLostOrDoubled(MongoBackend backend, String after) {
    MongoDatabase direct = freshDatabase(backend);
    Posts seeded = seedPosts(direct.getCollection("posts"), 2000, 0.3, 6);
    proxy = Toxiproxy.proxy("mig-cut", backend.uri().substring("mongodb://".length()));
    CommandListener cutter = cutAfter(after, () -> {
      setEnabled(false);
      faults.schedule(() -> setEnabled(true), 1500, TimeUnit.MILLISECONDS);
    });
    try (ClientRegistry clients = new ClientRegistry(retrier(), List.of(cutter))) {
      MongoDatabase db = clients.connect(MongoUri.parse(Toxiproxy.uriOf(proxy)), shortTimeouts())
          .getDatabase(direct.getName());
      RunResult r = runner().run(db, job(spec()), Listener.NONE, () -> false);

      assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
      assertExact(direct, seeded, r);
    }
  }

  /**
   * The cut outlasts the retries: the run fails between two writes of a batch, its lease left behind. The
   * next run waits for the lease to expire, finishes the pending batch from the checkpoint, and ends with
   * exactly the counts of an uninterrupted run.
   */
  @ParameterizedTest
  @CsvSource({"MONGO_JAVA_SERVER, insert", "MONGO_JAVA_SERVER, delete", "FERRETDB, insert"})
  void aRunThatFailsInTheMiddleOfABatchIsFinishedByTheNextWithoutLossOrDouble(MongoBackend backend, String after) {
    MongoDatabase direct = freshDatabase(backend);
    Posts seeded = seedPosts(direct.getCollection("posts"), 2000, 0.3, 7);
    proxy = Toxiproxy.proxy("mig-fail", backend.uri().substring("mongodb://".length()));
    CommandListener cutter = cutAfter(after, () -> setEnabled(false));
    Retrier impatient = new Retrier(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(50), 2.0),
        Redactor.none());
    MigrationRunner.Settings shortLease = MigrationRunner.Settings.defaults().withLeaseTtl(Duration.ofSeconds(2));
    try (ClientRegistry clients = new ClientRegistry(impatient, List.of(cutter))) {
      MongoDatabase db = clients.connect(MongoUri.parse(Toxiproxy.uriOf(proxy)), shortTimeouts())
          .getDatabase(direct.getName());
      assertThatThrownBy(() -> new MigrationRunner(impatient, Clock.systemUTC(), shortLease)
          .run(db, job(spec()), Listener.NONE, () -> false)).isInstanceOf(Failure.class);
    }
    setEnabled(true);
    assertThat(direct.getCollection("mongosteward").countDocuments(new Document("kind", "migration-lease")))
        .as("the failed run could not release its lease").isEqualTo(1);
    Document pending = direct.getCollection("mongosteward").find(new Document("kind", "migration-run")).first();
    assertThat(pending.get("checkpoint", Document.class).getList("pending", Object.class)).isNotEmpty();

    AtomicReference<RunResult> next = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
      next.set(runner(shortLease).run(direct, job(spec()), Listener.NONE, () -> false));
      return next.get().outcome() != RunResult.Outcome.BUSY;
    });
    assertThat(next.get().outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertExact(direct, seeded, next.get());
  }

  private static MongoMigrationSpec spec() {
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(60);
    return spec;
  }

  private static void assertExact(MongoDatabase db, Posts seeded, RunResult r) {
    MongoCollection<Document> posts = db.getCollection("posts");
    MongoCollection<Document> archive = db.getCollection("posts_duplicates");
    assertThat(ids(posts)).isEqualTo(seeded.survivors());
    assertThat(archive.countDocuments()).as("nothing archived twice").isEqualTo(seeded.losers());
    assertThat(posts.countDocuments() + archive.countDocuments()).as("nothing lost").isEqualTo(seeded.count());
    assertThat(r.last().changed()).isEqualTo(seeded.losers());
    assertThat(r.last().archived()).isEqualTo(seeded.losers());
  }

  private void setEnabled(boolean enabled) {
    try {
      if (enabled) proxy.enable();
      else proxy.disable();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
