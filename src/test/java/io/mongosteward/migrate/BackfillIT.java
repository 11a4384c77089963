package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackfillIT {
  static final List<Transform> BOT = List.of(Transform.NormalizeUrl, Transform.Lowercase);

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void writesTheTransformedSourceWhereMissingOrDifferentAndOnlyThere(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Links links = seedLinks(posts, 1200);
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    spec.setBatchSize(100);
    long start = System.nanoTime();

    RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);

    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("FIGURE backfill %s: %d documents, %d written, batch %d, in %.1f s: %.0f documents/s%n", backend,
        r.last().scanned(), r.last().changed(), spec.getBatchSize(), seconds, r.last().scanned() / seconds);
    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(r.last().scanned()).isEqualTo(links.count());
    assertThat(r.last().changed()).isEqualTo(links.missing() + links.wrong());
    assertAllNormalized(posts);
    assertThat(posts.countDocuments(Filters.exists("message_link_norm"))).isEqualTo(links.count() - links.noSource());
    assertThat(runner().run(db, job(spec), Listener.NONE, () -> false).outcome())
        .isEqualTo(RunResult.Outcome.ALREADY_DONE);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void onlyMissingLeavesAValueThatIsThereAndADryRunNothing(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Links links = seedLinks(posts, 600);
    String before = checksum(posts);
    MongoMigrationSpec dry = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    dry.setDryRun(true);
    dry.getBackfill().setOnlyMissing(true);
    dry.setBatchSize(50);
    RunResult would = runner().run(db, job(dry), Listener.NONE, () -> false);
    assertThat(would.last().changed()).isEqualTo(links.missing());
    assertThat(would.message()).contains("dry run");
    assertThat(checksum(posts)).isEqualTo(before);

    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    spec.getBackfill().setOnlyMissing(true);
    spec.setBatchSize(50);
    RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);
    assertThat(r.last().changed()).isEqualTo(links.missing());
    assertThat(posts.countDocuments(Filters.eq("message_link_norm", "stale"))).isEqualTo(links.wrong());
  }

  /**
   * The application changes the source (and its target, as it is told to) of some documents between the
   * engine's read of their page and its write: a command listener on the engine's own client does it, on
   * another client, as each page arrives. None is overwritten from the value read before; those the engine
   * meant to write are counted as redone.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void concurrentApplicationWritesAreNeverOverwrittenWithStaleValues(MongoBackend backend) {
    MongoDatabase direct = freshDatabase(backend);
    MongoCollection<Document> app = direct.getCollection("posts");
    seedLinks(app, 1000);
    Set<Integer> pages = ConcurrentHashMap.newKeySet();
    AtomicInteger changedByApp = new AtomicInteger();
    AtomicInteger pageCount = new AtomicInteger();
    CommandListener application = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent e) {
        BsonDocument filter = e.getCommand().getDocument("filter", null);
        if (e.getCommandName().equals("find") && e.getCommand().getString("find").getValue().equals("posts")
            && filter != null && filter.toJson().contains("$type")) {
          pages.add(e.getRequestId());
        }
      }

      @Override
      public void commandSucceeded(CommandSucceededEvent e) {
        if (!pages.remove(e.getRequestId())) return;
        List<BsonValue> batch = e.getResponse().getDocument("cursor").getArray("firstBatch");
        if (batch.isEmpty() || pageCount.incrementAndGet() > 4) return; // the first four pages that hold documents
        for (int i = 0; i < batch.size(); i += 10) { // every tenth document of the page
          BsonValue id = batch.get(i).asDocument().get("_id");
          String link = "HTTPS://T.ME/Changed/" + changedByApp.incrementAndGet() + "/";
          // As the application is told to: the source, and the target computed from it.
          app.updateOne(new BsonDocument("_id", id), Updates.combine(Updates.set("message_link", link),
              Updates.set("message_link_norm", Transforms.apply(BOT, link))));
        }
      }
    };
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    spec.setBatchSize(100);
    try (ClientRegistry clients = new ClientRegistry(retrier(), List.of(application))) {
      MongoDatabase db = clients.connect(MongoUri.parse(backend.uri()), null).getDatabase(direct.getName());
      RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);

      assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
      // Pages of 100, 100, 100 and 34 int _ids, every tenth document changed.
      assertThat(changedByApp.get()).isEqualTo(34);
      assertAllNormalized(app);
      assertThat(app.countDocuments(Filters.regex("message_link_norm", "^t\\.me/changed/"))).isEqualTo(34);
      // Those whose target the run wrote from the source it read: redone from the new source.
      assertThat(r.last().redone()).isPositive().isLessThanOrEqualTo(34);
      assertThat(r.message()).contains("written again");
    }
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void stoppedThenResumedReachesTheSameStateWithTheSameCounts(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Links links = seedLinks(posts, 800);
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    spec.setBatchSize(60);
    AtomicInteger batches = new AtomicInteger();
    RunResult first = runner().run(db, job(spec), p -> batches.incrementAndGet(), () -> batches.get() >= 4);
    assertThat(first.outcome()).isEqualTo(RunResult.Outcome.STOPPED);
    assertThat(first.last().scanned()).isEqualTo(240);

    RunResult second = runner().run(db, job(spec), Listener.NONE, () -> false);

    assertThat(second.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(second.last().scanned()).isEqualTo(links.count());
    assertThat(second.last().changed()).isEqualTo(links.missing() + links.wrong());
    assertAllNormalized(posts);
  }

  @ParameterizedTest
  @EnumSource(value = MongoBackend.class, names = "MONGO_JAVA_SERVER")
  void theTotalIsReportedBeforeTheFirstBatchOfASlowThrottle(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    seedLinks(db.getCollection("posts"), 50);
    String before = checksum(db.getCollection("posts"));
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", BOT.toArray(Transform[]::new));
    spec.setBatchSize(50);
    spec.setMaxDocumentsPerSecond(1); // the first batch would wait 50 s
    List<Progress> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger batches = new AtomicInteger();
    RunResult r = runner().run(db, job(spec), new Listener() {
      @Override
      public void progress(Progress p) {
        if (p.scanned() > 0) batches.incrementAndGet(); // the end's report comes too, with nothing scanned
      }

      @Override
      public void counted(Progress p) {
        counted.add(p);
      }
    }, () -> !counted.isEmpty());
    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.STOPPED);
    assertThat(counted).singleElement().satisfies(p -> {
      assertThat(p.total()).isEqualTo(50);
      assertThat(p.scanned()).isZero();
    });
    assertThat(batches).as("no batch ran").hasValue(0);
    assertThat(checksum(db.getCollection("posts"))).as("nothing written").isEqualTo(before);
  }

  /** Every document with a source has the transformed source as its target. */
  static void assertAllNormalized(MongoCollection<Document> posts) {
    List<String> wrong = new ArrayList<>();
    for (Document d : posts.find().projection(new Document("message_link", 1).append("message_link_norm", 1))) {
      Object source = d.get("message_link");
      if (source == null) continue;
      Object expected = Transforms.apply(BOT, source);
      if (!expected.equals(d.get("message_link_norm"))) wrong.add(d.toJson());
    }
    assertThat(wrong).isEmpty();
  }

  /**
   * @param missing documents with a source and no target
   * @param wrong documents with a source and a stale target ("stale")
   * @param noSource documents without a source (left alone)
   */
  record Links(long count, long missing, long wrong, long noSource) {}

  /** {@code n} posts whose _ids are of several types (ints, strings, ObjectIds), in four kinds by fifths. */
  static Links seedLinks(MongoCollection<Document> posts, int n) {
    List<Document> docs = new ArrayList<>();
    long missing = 0;
    long wrong = 0;
    long noSource = 0;
    for (int i = 0; i < n; i++) {
      Object id = switch (i % 3) {
        case 0 -> i;
        case 1 -> "post-" + i;
        default -> new org.bson.types.ObjectId();
      };
      String link = " https://T.me:443/Chan" + (i % 7) + "/" + i + "/?single#top ";
      Document d = new Document("_id", id);
      switch (i % 5) {
        case 0 -> {
          d.append("message_link", link);
          missing++;
        }
        case 1 -> {
          d.append("message_link", link).append("message_link_norm", "stale");
          wrong++;
        }
        case 2 -> d.append("message_link", link).append("message_link_norm", Transforms.apply(BOT, link));
        case 3 -> {
          d.append("message_link", link).append("message_link_norm", null);
          missing++;
        }
        default -> {
          d.append("text", "no link");
          noSource++;
        }
      }
      docs.add(d);
    }
    posts.insertMany(docs);
    return new Links(n, missing, wrong, noSource);
  }
}
