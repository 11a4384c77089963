package io.mongosteward.migrate;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.plan.Owner;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.bson.types.ObjectId;

/** Data sets, specs and checks the migration tests share. */
final class Fixtures {
  static final Owner OWNER = new Owner("test", "migration", null);
  /** Unthrottled, for all practical purposes. */
  static final int FAST = 10_000_000;
  private static final AtomicInteger DB = new AtomicInteger();
  static final ClientRegistry CLIENTS = new ClientRegistry(retrier());

  private Fixtures() {}

  /** Patient: rides out a cut connection of a few seconds. */
  static Retrier retrier() {
    return new Retrier(new RetryPolicy(12, Duration.ofMillis(100), Duration.ofMillis(800), 2.0), Redactor.none());
  }

  static MongoDatabase freshDatabase(MongoBackend backend) {
    return freshDatabase(backend, "");
  }

  /** @param options a query string for the connection, like "?timeoutMS=600000" */
  static MongoDatabase freshDatabase(MongoBackend backend, String options) {
    MongoClient client = CLIENTS.connect(MongoUri.parse(backend.uri() + "/" + options), null);
    return client.getDatabase("it_mig_" + ProcessHandle.current().pid() + "_" + DB.incrementAndGet());
  }

  static MongoMigrationSpec deduplicate(String collection, KeepPolicy keep, String keepBy, String... keys) {
    MongoMigrationSpec spec = new MongoMigrationSpec();
    spec.setCollection(collection);
    DeduplicateSpec d = new DeduplicateSpec();
    d.setKeys(new ArrayList<>(List.of(keys)));
    d.setKeep(keep);
    d.setKeepBy(keepBy);
    spec.setDeduplicate(d);
    spec.setMaxDocumentsPerSecond(FAST);
    return spec;
  }

  static MongoMigrationSpec backfill(String collection, String source, String target, Transform... transforms) {
    MongoMigrationSpec spec = new MongoMigrationSpec();
    spec.setCollection(collection);
    BackfillSpec b = new BackfillSpec();
    b.setSource(source);
    b.setTarget(target);
    b.setTransforms(new ArrayList<>(List.of(transforms)));
    spec.setBackfill(b);
    spec.setMaxDocumentsPerSecond(FAST);
    return spec;
  }

  static MigrationJob job(MongoMigrationSpec spec) {
    return MigrationJob.of(OWNER, spec);
  }

  /**
   * {@code n} posts, of which about {@code duplicateShare} repeat the post_id of an earlier one
   * (two to four copies), with created_at dates in no particular order.
   */
  record Posts(long count, Set<Object> survivors, long losers) {}

  static Posts seedPosts(MongoCollection<Document> posts, int n, double duplicateShare, long seed) {
    Random random = new Random(seed);
    List<Document> docs = new ArrayList<>(n);
    int nextPostId = 0;
    while (docs.size() < n) {
      int postId = nextPostId++;
      int copies = random.nextDouble() < duplicateShare / 1.5 ? 2 + random.nextInt(2) : 1;
      for (int c = 0; c < copies && docs.size() < n; c++) {
        docs.add(new Document("_id", new ObjectId()).append("post_id", postId)
            .append("created_at", new Date(1_700_000_000_000L + random.nextInt(1_000_000) * 1000L))
            .append("message_link", "https://t.me/Channel" + (postId % 97) + "/" + postId)
            .append("text", "post " + postId + " copy " + c));
      }
    }
    java.util.Collections.shuffle(docs, random);
    for (int i = 0; i < docs.size(); i += 5000) {
      posts.insertMany(docs.subList(i, Math.min(docs.size(), i + 5000)));
    }
    Set<Object> survivors = expectedSurvivors(docs, "post_id", "created_at", KeepPolicy.Oldest);
    return new Posts(docs.size(), survivors, docs.size() - survivors.size());
  }

  /** Computed here, apart from the engine: the survivor of each key, by keepBy then _id. */
  static Set<Object> expectedSurvivors(List<Document> docs, String key, String keepBy, KeepPolicy keep) {
    Comparator<Document> oldest = Comparator.<Document, Date>comparing(d -> d.getDate(keepBy))
        .thenComparing(d -> d.getObjectId("_id"));
    Comparator<Document> order = keep == KeepPolicy.Oldest ? oldest : oldest.reversed();
    Map<Object, Document> best = new HashMap<>();
    for (Document d : docs) {
      best.merge(d.get(key), d, (a, b) -> order.compare(a, b) <= 0 ? a : b);
    }
    Set<Object> ids = new HashSet<>();
    best.values().forEach(d -> ids.add(d.get("_id")));
    return ids;
  }

  /** Keys (a single field's values) that more than one document holds. */
  static long duplicateKeys(MongoCollection<Document> collection, String key) {
    Map<Object, Integer> seen = new HashMap<>();
    for (Document d : collection.find().projection(new Document(key, 1))) {
      seen.merge(d.get(key), 1, Integer::sum);
    }
    return seen.values().stream().filter(c -> c > 1).count();
  }

  static Set<Object> ids(MongoCollection<Document> collection) {
    Set<Object> out = new HashSet<>();
    collection.find().projection(new Document("_id", 1)).forEach(d -> out.add(d.get("_id")));
    return out;
  }

  static String checksum(MongoCollection<Document> collection) {
    return io.mongosteward.testsupport.BotPosts.checksum(collection);
  }

  static boolean exists(MongoDatabase db, String collection) {
    return db.listCollectionNames().into(new ArrayList<>()).contains(collection);
  }

  static MigrationRunner runner() {
    return new MigrationRunner(retrier(), java.time.Clock.systemUTC());
  }

  static MigrationRunner runner(MigrationRunner.Settings settings) {
    return new MigrationRunner(retrier(), java.time.Clock.systemUTC(), settings);
  }
}
