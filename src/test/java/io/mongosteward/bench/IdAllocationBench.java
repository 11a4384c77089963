package io.mongosteward.bench;

import static io.mongosteward.bench.BenchReport.fmt;
import static io.mongosteward.bench.BenchReport.ms;
import static io.mongosteward.bench.BenchReport.ratio;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Specs;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Not a test: allocating the next numeric id with the counter (one atomic findAndModify $inc on
 * the counter document the engine seeds from the field's max, as the README's Counters section
 * shows) against the max-scan it replaces (a query sorted on the id descending for the current
 * max, then an insert of max + 1), as the collection grows, and under concurrent allocators.
 * Both insert the document with the id they got, so the difference is the allocation.
 *
 * <p>Knobs: {@code bench.sizes} (10000,100000,1000000: the collection grows to each in turn, by
 * insertMany of 10,000), {@code bench.allocations} (100 per round and method),
 * {@code bench.maxScanBudgetSeconds} (20: max-scan stops a round early past it, at least 5
 * allocations, as each costs a scan of the collection on the stand-in), {@code bench.threads}
 * (8), {@code bench.concurrentAllocations} (100 per thread), {@code bench.rounds} (5).
 * Only mongo-java-server: FerretDB 1.24's findAndModify $inc is not atomic across connections
 * (docs/compatibility.md), so its duplicates would be its own.
 * Run: {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=IdAllocationBench}.
 */
class IdAllocationBench {
  static final List<Integer> SIZES = Arrays.stream(System.getProperty("bench.sizes", "10000,100000,1000000").split(","))
      .map(String::strip).map(Integer::valueOf).toList();
  static final int ALLOCATIONS = BenchReport.intKnob("bench.allocations", null, 100);
  static final int MAX_SCAN_BUDGET_S = BenchReport.intKnob("bench.maxScanBudgetSeconds", null, 20);
  static final int THREADS = BenchReport.intKnob("bench.threads", null, 8);
  static final int CONCURRENT = BenchReport.intKnob("bench.concurrentAllocations", null, 100);
  static final int ROUNDS = BenchReport.rounds();
  static final int INSERT_BATCH = 10_000;
  static final Owner OWNER = new Owner("bench", "ids", null);
  static final String SPEC = """
      collections:
        - name: posts
          indexes:
            - {name: post_id_1, keys: [{field: post_id}]}
      counters:
        - name: post_id
          seedFrom: {collection: posts, field: post_id}
      """;

  private final SchemaEngine engine = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));

  @Test
  void measure() throws Exception {
    BenchReport report = new BenchReport("IdAllocationBench", "Id allocation: the counter against max-scan",
        fmt("The time to allocate an id and insert its document, with the counter the engine seeds (one atomic "
            + "`$inc`) and with the max-scan it replaces (a query sorted by the id descending, then max + 1), as "
            + "the collection grows; and the ids handed out twice by %d concurrent allocators. Goal: the counter's "
            + "cost flat as the collection grows, while max-scan's grows; 0 duplicate ids. mongo-java-server; "
            + "%d rounds of up to %d allocations each per size, interleaved; load average %s at the start.",
            THREADS, ROUNDS, ALLOCATIONS, BenchReport.loadAverage()))
        .columns("documents", "counter: median (min–max) per allocation", "max-scan: median (min–max)",
            "max-scan / counter", "counter vs smallest size", "max-scan vs smallest size");
    try (ClientRegistry clients = new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()))) {
      MongoClient client = clients.connect(MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri() + "/?timeoutMS=600000"),
          null);
      growing(client.getDatabase("bench_ids"), report);
      concurrent(client, report);
    }
    report.reading("Load average " + BenchReport.loadAverage() + " at the end.");
    report.write();
  }

  private void growing(MongoDatabase db, BenchReport report) {
    db.drop();
    MongoCollection<Document> posts = db.getCollection("posts");
    posts.createIndex(Indexes.ascending("post_id"));
    long present = 0;
    BenchReport.Stats firstCounter = null;
    BenchReport.Stats firstScan = null;
    List<String> notes = new ArrayList<>();
    for (int size : SIZES) {
      long t0 = System.nanoTime();
      while (present < size) {
        List<Document> batch = new ArrayList<>(INSERT_BATCH);
        for (int i = 0; i < INSERT_BATCH && present < size; i++) batch.add(post(++present));
        posts.insertMany(batch);
      }
      double insertS = (System.nanoTime() - t0) / 1e9;
      // Seed the counter from the field's max, as the operator does: then both methods start from the same max.
      long s0 = System.nanoTime();
      SyncResult seeded = engine.sync(db, Specs.spec("database: " + db.getName() + "\n" + SPEC),
          SchemaEngine.Pass.apply(OWNER));
      double seedMs = (System.nanoTime() - s0) / 1e6;
      assertThat(seeded.converged()).isTrue();
      List<Double> counterMs = new ArrayList<>();
      List<Double> scanMs = new ArrayList<>();
      if (firstCounter == null) { // warm-up, not counted: the JIT would otherwise weigh on the smallest size only
        timeCounter(db, new ArrayList<>());
        time(new ArrayList<>(), ALLOCATIONS, MAX_SCAN_BUDGET_S * 1_000_000_000L, () -> allocateWithMaxScan(posts));
      }
      for (int round = 0; round < ROUNDS; round++) {
        boolean counterFirst = round % 2 == 0;
        if (counterFirst) timeCounter(db, counterMs);
        time(scanMs, ALLOCATIONS, MAX_SCAN_BUDGET_S * 1_000_000_000L, () -> allocateWithMaxScan(posts));
        if (!counterFirst) timeCounter(db, counterMs);
      }
      BenchReport.Stats counter = BenchReport.Stats.of(counterMs);
      BenchReport.Stats scan = BenchReport.Stats.of(scanMs);
      if (firstCounter == null) {
        firstCounter = counter;
        firstScan = scan;
      }
      report.row(fmt("%,d", size), ms(counter) + fmt(" (n=%d)", counter.n()), ms(scan) + fmt(" (n=%d)", scan.n()),
          ratio(scan.ratioTo(counter)), ratio(counter.ratioTo(firstCounter)), ratio(scan.ratioTo(firstScan)));
      notes.add(fmt("%,d documents: inserted in %.1f s; the engine's seed pass (its max read included) %s", size,
          insertS, ms(seedMs)));
      present = posts.countDocuments();
    }
    report.reading(String.join("; ", notes) + ".");
  }

  /**
   * A round of counter allocations, after a seed pass (not timed) that raises the counter past the
   * ids max-scan inserted meanwhile, so that the two never hand out the same id here.
   */
  private void timeCounter(MongoDatabase db, List<Double> out) {
    engine.sync(db, Specs.spec("database: " + db.getName() + "\n" + SPEC), SchemaEngine.Pass.apply(OWNER));
    MongoCollection<Document> counters = db.getCollection("counters");
    MongoCollection<Document> posts = db.getCollection("posts");
    time(out, ALLOCATIONS, Long.MAX_VALUE, () -> allocateWithCounter(counters, posts));
  }

  /** Times single allocations until {@code count} or, past {@code budgetNanos} (after at least 5), stops early. */
  private static void time(List<Double> out, int count, long budgetNanos, LongSupplier allocate) {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      if (i >= 5 && System.nanoTime() - start > budgetNanos) return;
      long t0 = System.nanoTime();
      allocate.getAsLong();
      out.add((System.nanoTime() - t0) / 1e6);
    }
  }

  /**
   * The README's pattern. ReturnDocument.BEFORE + 1: mongo-java-server's AFTER is not atomic under
   * concurrency (CounterConcurrencyIT); on mongod both are, and AFTER is the documented form.
   */
  static long allocateWithCounter(MongoCollection<Document> counters, MongoCollection<Document> posts) {
    Document before = counters.findOneAndUpdate(new Document("_id", "post_id"), Updates.inc("seq", 1L),
        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
    long id = (before == null ? 0 : before.get("seq", Number.class).longValue()) + 1;
    posts.insertOne(post(id));
    return id;
  }

  /** What the counter replaces: the current max by a sorted query, then max + 1. Two allocators can read the same max. */
  static long allocateWithMaxScan(MongoCollection<Document> posts) {
    Document max = posts.find().sort(Sorts.descending("post_id"))
        .projection(Projections.fields(Projections.include("post_id"), Projections.excludeId())).limit(1).first();
    long id = (max == null ? 0 : max.get("post_id", Number.class).longValue()) + 1;
    posts.insertOne(post(id));
    return id;
  }

  static Document post(long id) {
    return new Document("post_id", id).append("channel", "c" + (id % 10)).append("text", "post " + id);
  }

  /** THREADS allocators at once, started together, with each method on a fresh 10,000-document collection. */
  private void concurrent(MongoClient client, BenchReport report) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String method : List.of("counter", "max-scan")) {
      MongoDatabase db = client.getDatabase("bench_ids_concurrent");
      db.drop();
      MongoCollection<Document> posts = db.getCollection("posts");
      posts.createIndex(Indexes.ascending("post_id"));
      for (long n = 0; n < 10_000; ) {
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < INSERT_BATCH && n < 10_000; i++) batch.add(post(++n));
        posts.insertMany(batch);
      }
      engine.sync(db, Specs.spec("database: " + db.getName() + "\n" + SPEC), SchemaEngine.Pass.apply(OWNER));
      MongoCollection<Document> counters = db.getCollection("counters");
      ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < CONCURRENT; i++) {
            ids.add(method.equals("counter") ? allocateWithCounter(counters, posts) : allocateWithMaxScan(posts));
          }
          return null;
        }));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).isTrue();
      for (Future<?> f : workers) f.get();
      Set<Long> distinct = new HashSet<>(ids);
      int duplicates = ids.size() - distinct.size();
      if (method.equals("counter")) {
        assertThat(duplicates).as("ids the counter handed out twice").isZero();
      }
      lines.add(fmt("%s: %,d ids, %,d handed out twice", method, ids.size(), duplicates));
      db.drop();
    }
    report.reading(fmt("%d allocators at once, %d allocations each, on 10,000 documents: ", THREADS, CONCURRENT)
        + String.join("; ", lines) + " (goal for the counter: 0).");
  }
}
