package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.bench.BenchReport;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the engine's unthrottled throughput next to a raw-driver baseline that does the same
 * reads and writes in the same batches, in one run, and the throttle's accuracy. Run it with the
 * command in docs/benchmarks.md (or scripts/bench.sh); -Dbench.docs (100,000), -Dbench.backfillDocs
 * (5,000), -Dbench.backend (MONGO_JAVA_SERVER), -Dbench.rounds / BENCH_ROUNDS (5),
 * -Dbench.parts; its fragment goes to bench.out / BENCH_OUT (target/bench)/MigrationBench.md.
 */
class MigrationBench {
  static final int DOCS = Integer.getInteger("bench.docs", 100_000);
  /**
   * Fewer for a backfill: mongo-java-server finds a document by {_id, source} with a scan of the
   * collection (mongod uses the _id index), so each update costs the collection's size and a run
   * the square of it: 10,000 took 27 s a side on one machine and 61 s on a slower one, which put
   * scripts/bench.sh far over its 20 minutes on a fresh machine; 5,000 take a quarter of that.
   */
  static final int BACKFILL_DOCS = Integer.getInteger("bench.backfillDocs", 5_000);
  static final int ROUNDS = BenchReport.rounds();
  static final double GOAL = 0.8;
  static final int BATCH = 500;
  static final MongoBackend BACKEND = MongoBackend.valueOf(System.getProperty("bench.backend", "MONGO_JAVA_SERVER"));
  final List<String> lines = new ArrayList<>();
  final List<Double> dedupEngine = new ArrayList<>();
  final List<Double> dedupRaw = new ArrayList<>();
  final List<Double> dedupRawFinal = new ArrayList<>();
  final List<Double> backfillEngine = new ArrayList<>();
  final List<Double> backfillRaw = new ArrayList<>();
  final List<String[]> throttles = new ArrayList<>();

  /** Which parts to run: -Dbench.parts=deduplicate,backfill,throttle (all by default). */
  static final List<String> PARTS = List.of(System.getProperty("bench.parts", "deduplicate,backfill,throttle").split(","));

  @Test
  void measure() throws Exception {
    // Round 0 is not recorded: it warms the JIT on both sides. The engine runs first in each round, so
    // in a cold JVM it alone paid for compiling the stand-in's aggregation and query paths.
    if (PARTS.contains("deduplicate")) measureDeduplicate(0);
    if (PARTS.contains("backfill")) measureBackfill(0);
    List.of(dedupEngine, dedupRaw, dedupRawFinal, backfillEngine, backfillRaw).forEach(List::clear);
    lines.clear();
    for (int round = 1; round <= ROUNDS; round++) {
      if (PARTS.contains("deduplicate")) measureDeduplicate(round);
      if (PARTS.contains("backfill")) measureBackfill(round);
    }
    if (PARTS.contains("throttle")) throttle();
    lines.forEach(l -> System.out.println("BENCH " + l));
    fragment().write();
  }

  /** The contract's fragment: median (min–max) of the rounds, throughput ratios against the raw driver. */
  private BenchReport fragment() {
    BenchReport report = new BenchReport("MigrationBench", "Migrations: throughput against the raw driver, and the throttle",
        BenchReport.fmt("Deduplicate (%,d documents, about 5%% duplicates) and backfill (%,d documents) unthrottled, "
            + "batches of %d, against the driver alone doing the same reads and writes in the same batches, "
            + "back to back in each round; then throttled backfills. Goals: throughput ≥%.1f× the raw driver's; throttle "
            + "within ±10%%. %s, %d rounds; load average %s at the end.", DOCS, BACKFILL_DOCS, BATCH, GOAL, BACKEND,
            ROUNDS, BenchReport.loadAverage()))
        .columns("figure", "engine: median (min–max)", "baseline: median (min–max)", "throughput ratio", "goal", "met");
    if (!dedupEngine.isEmpty()) {
      var e = BenchReport.Stats.of(dedupEngine);
      var r = BenchReport.Stats.of(dedupRaw);
      var f = BenchReport.Stats.of(dedupRawFinal);
      double ratio = r.median() / e.median();
      report.row("deduplicate, against the write-only raw driver", BenchReport.ms(e), BenchReport.ms(r),
          BenchReport.ratio(ratio), "≥0.8×", ratio >= GOAL ? "yes" : "no");
      double ratioFinal = f.median() / e.median();
      report.row("deduplicate, against the raw driver plus the same final pass", BenchReport.ms(e), BenchReport.ms(f),
          BenchReport.ratio(ratioFinal), "≥0.8×", ratioFinal >= GOAL ? "yes" : "no");
    }
    if (!backfillEngine.isEmpty()) {
      var e = BenchReport.Stats.of(backfillEngine);
      var r = BenchReport.Stats.of(backfillRaw);
      double ratio = r.median() / e.median();
      report.row("backfill", BenchReport.ms(e), BenchReport.ms(r), BenchReport.ratio(ratio), "≥0.8×",
          ratio >= GOAL ? "yes" : "no");
    }
    for (String[] t : throttles) report.row(t);
    if (!dedupEngine.isEmpty()) report.reading("Deduplicate, engine/raw throughput per round: " + perRound(dedupRaw, dedupEngine)
        + "; the engine's final pass (duplicates written during the run) is a second scan the write-only baseline does not make.");
    if (!backfillEngine.isEmpty()) report.reading("Backfill, engine/raw throughput per round: " + perRound(backfillRaw, backfillEngine) + ".");
    return report;
  }

  private static String perRound(List<Double> raw, List<Double> engine) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) out.add(BenchReport.fmt("%.2f", raw.get(i) / engine.get(i)));
    return String.join(", ", out);
  }

  private void measureDeduplicate(int round) {
    MongoDatabase engineDb = freshDatabase(BACKEND, "?timeoutMS=600000");
    Posts seeded = seedPosts(engineDb.getCollection("posts"), DOCS, 0.05, round);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(BATCH);
    settle();
    long t0 = System.nanoTime();
    RunResult r = runner().run(engineDb, job(spec), Listener.NONE, () -> false);
    double engine = (System.nanoTime() - t0) / 1e9;
    assertThat(r.last().changed()).isEqualTo(seeded.losers());
    engineDb.drop();

    MongoDatabase rawDb = freshDatabase(BACKEND, "?timeoutMS=600000");
    seedPosts(rawDb.getCollection("posts"), DOCS, 0.05, round);
    settle();
    t0 = System.nanoTime();
    long removed = rawDeduplicate(rawDb.getCollection("posts"), rawDb.getCollection("posts_duplicates"));
    double raw = (System.nanoTime() - t0) / 1e9;
    assertThat(removed).isEqualTo(seeded.losers());
    // The engine's final pass (duplicates written during the run) is a second scan the raw
    // baseline does not do; timed apart, so the ratio can be read with and without it.
    t0 = System.nanoTime();
    assertThat(groupLosers(rawDb.getCollection("posts"))).isEmpty();
    double rawFinal = raw + (System.nanoTime() - t0) / 1e9;
    rawDb.drop();
    dedupEngine.add(engine * 1000);
    dedupRaw.add(raw * 1000);
    dedupRawFinal.add(rawFinal * 1000);
    lines.add(String.format("deduplicate %s round %d: %,d documents, %,d removed, batch %d: engine %.2f s "
        + "(%.0f documents/s), raw driver %.2f s (%.0f documents/s), engine/raw throughput %.2f; raw driver with "
        + "a final pass %.2f s, engine/that %.2f", BACKEND, round, DOCS, removed, BATCH, engine, DOCS / engine, raw,
        DOCS / raw, raw / engine, rawFinal, rawFinal / engine));
  }

  /**
   * The same work with the driver alone: group by key over the key, keepBy and _id only; keep the
   * oldest; per batch of removed documents, read them whole, insert them into the archive, delete
   * them. No checkpoint, lease, survivor check or throttle.
   */
  private static long rawDeduplicate(MongoCollection<Document> posts, MongoCollection<Document> archive) {
    List<Object> losers = groupLosers(posts);
    for (int i = 0; i < losers.size(); i += BATCH) {
      List<Object> batch = losers.subList(i, Math.min(losers.size(), i + BATCH));
      archive.insertMany(posts.find(Filters.in("_id", batch)).into(new ArrayList<>()));
      posts.deleteMany(Filters.in("_id", batch));
    }
    return losers.size();
  }

  /**
   * One $group of the key; all but the oldest of each group. No $project before it: mongod reads
   * only the fields a $group uses anyway, and on mongo-java-server one costs about a third more.
   */
  private static List<Object> groupLosers(MongoCollection<Document> posts) {
    List<Object> losers = new ArrayList<>();
    try (MongoCursor<Document> groups = posts.aggregate(List.of(
        Aggregates.group("$post_id", Accumulators.push("m", new Document("_id", "$_id").append("k", "$created_at")),
            Accumulators.sum("n", 1)),
        Aggregates.match(Filters.gt("n", 1)))).allowDiskUse(true).batchSize(BATCH).iterator()) {
      while (groups.hasNext()) {
        List<Document> members = new ArrayList<>(groups.next().getList("m", Document.class));
        members.sort(Comparator.comparing((Document d) -> d.getDate("k")).thenComparing(d -> d.getObjectId("_id")));
        members.subList(1, members.size()).forEach(d -> losers.add(d.get("_id")));
      }
    }
    return losers;
  }

  private void measureBackfill(int round) {
    MongoDatabase engineDb = freshDatabase(BACKEND, "?timeoutMS=600000");
    seedPosts(engineDb.getCollection("posts"), BACKFILL_DOCS, 0, round);
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", Transform.NormalizeUrl,
        Transform.Lowercase);
    spec.setBatchSize(BATCH);
    settle();
    long t0 = System.nanoTime();
    RunResult r = runner().run(engineDb, job(spec), Listener.NONE, () -> false);
    double engine = (System.nanoTime() - t0) / 1e9;
    assertThat(r.last().changed()).isEqualTo(BACKFILL_DOCS);
    engineDb.drop();

    MongoDatabase rawDb = freshDatabase(BACKEND, "?timeoutMS=600000");
    seedPosts(rawDb.getCollection("posts"), BACKFILL_DOCS, 0, round);
    settle();
    t0 = System.nanoTime();
    long written = rawBackfill(rawDb.getCollection("posts"), spec.getBackfill().getTransforms());
    double raw = (System.nanoTime() - t0) / 1e9;
    assertThat(written).isEqualTo(BACKFILL_DOCS);
    rawDb.drop();
    backfillEngine.add(engine * 1000);
    backfillRaw.add(raw * 1000);
    lines.add(String.format("backfill %s round %d: %,d documents, batch %d: engine %.2f s (%.0f documents/s), "
        + "raw driver %.2f s (%.0f documents/s), engine/raw throughput %.2f", BACKEND, round, BACKFILL_DOCS, BATCH,
        engine, BACKFILL_DOCS / engine, raw, BACKFILL_DOCS / raw, raw / engine));
  }

  /**
   * Before each timed part: the stand-in runs in this JVM, so each seeding leaves garbage, and
   * databases kept from earlier rounds grew the heap to 1.2 GB, where young collections paused
   * 100 to 340 ms (3.8 s of pauses in a 32 s run) at random points of the engine's or the
   * baseline's run. Each database is dropped once measured, and a full collection starts each part
   * from the same heap.
   */
  private static void settle() {
    System.gc();
  }

  /** In _id order, in batches, reading _id and the source only; one bulk write per batch, each update guarded by the value read. */
  private static long rawBackfill(MongoCollection<Document> posts, List<Transform> transforms) {
    long written = 0;
    Object after = null;
    while (true) {
      List<Document> batch = posts.find(after == null ? new Document() : Filters.gt("_id", after))
          .projection(Projections.include("message_link")).sort(Sorts.ascending("_id")).limit(BATCH)
          .into(new ArrayList<>());
      if (batch.isEmpty()) {
        return written;
      }
      List<WriteModel<Document>> writes = new ArrayList<>();
      for (Document d : batch) {
        Object source = d.get("message_link");
        writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", d.get("_id")), Filters.eq("message_link", source)),
            Updates.set("message_link_norm", Transforms.apply(transforms, source))));
      }
      written += posts.bulkWrite(writes).getModifiedCount();
      after = batch.get(batch.size() - 1).get("_id");
    }
  }

  /**
   * Seconds of each throttled run. Short, so that its collection stays small: on the stand-in each
   * update scans the collection (above), and a collection of 12 s at 500 documents/s was more than a
   * slow machine could update at 500/s unthrottled, which measured the machine, not the throttle.
   */
  static final int THROTTLE_SECONDS = 5;

  private void throttle() {
    for (int rate : new int[] {200, 500}) {
      int docs = rate * THROTTLE_SECONDS;
      // What this machine reaches unthrottled on the same collection: a throttle can only be judged below it.
      double capacity = docs / backfillSeconds(docs, rate, 0);
      double seconds = backfillSeconds(docs, rate, rate);
      double actual = docs / seconds;
      double off = (actual - rate) * 100.0 / rate;
      boolean judged = capacity >= 1.25 * rate;
      throttles.add(new String[] {BenchReport.fmt("throttle at %d documents/s (%,d documents)", rate, docs),
          BenchReport.fmt("%.1f documents/s in %.2f s", actual, seconds), BenchReport.fmt("%d documents/s", rate),
          BenchReport.fmt("%+.1f%%", off), "±10%", !judged
              ? BenchReport.fmt("not judged: %.0f documents/s unthrottled here, under 1.25× the rate", capacity)
              : Math.abs(off) <= 10 ? "yes" : "no"});
      lines.add(String.format("throttle %s at %d documents/s: %,d documents in %.2f s = %.1f documents/s (%+.1f%%); "
          + "unthrottled %.1f documents/s", BACKEND, rate, docs, seconds, actual, off, capacity));
    }
  }

  /**
   * One backfill of {@code docs} fresh documents in batches of a tenth of {@code rate}, at most
   * {@code limit}/s; 0 keeps the fixtures' {@code FAST} rate, far above what any machine reaches.
   */
  private static double backfillSeconds(int docs, int rate, int limit) {
    MongoDatabase db = freshDatabase(BACKEND, "?timeoutMS=600000");
    seedPosts(db.getCollection("posts"), docs, 0, 7);
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", Transform.NormalizeUrl);
    spec.setBatchSize(Math.max(1, rate / 10));
    if (limit > 0) {
      spec.setMaxDocumentsPerSecond(limit);
    }
    settle();
    long t0 = System.nanoTime();
    RunResult r = runner().run(db, job(spec), Listener.NONE, () -> false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(r.last().scanned()).isEqualTo(docs);
    db.drop();
    return seconds;
  }
}
