package io.mongosteward.bench;

import static io.mongosteward.bench.BenchReport.fmt;
import static io.mongosteward.bench.BenchReport.ms;
import static io.mongosteward.bench.BenchReport.ratio;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.mongo.SchemaApplier;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.ServerInfo;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Specs;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Not a test: what a reconcile costs against the driver alone, on each MongoDB-wire stand-in.
 * A schema of {@code bench.collections} (50) collections with {@code bench.indexes} (5) indexes
 * each and 2 counters seeded from a field, through {@link SchemaEngine} as the operator's
 * reconciler calls it (a pass with the schema's owner, then status.server from
 * {@link ServerInfo.Reader}). Three figures per backend:
 * <ol>
 *   <li>the commands of one no-op pass, by name, from a driver CommandListener;</li>
 *   <li>the wall time of a no-op pass next to the driver listing the same indexes and reading the
 *       same counter documents and seed maxima, interleaved pass by pass, {@code bench.passes}
 *       (20) of each per round;</li>
 *   <li>converging every index from an empty database next to the driver sending one
 *       createIndexes per collection and seeding the two counters (each seed field's max, one
 *       update of upserts), the database dropped before each, interleaved pair by pair
 *       with the order alternating, {@code bench.convergePasses} (10) pairs per round after three
 *       times as many uncounted ones (the create path's first runs are JIT warm-up, not the engine),
 *       in wall time and in CPU time of the client's and the server's processes ({@link CpuClock}),
 *       which a shared machine's load moves far less.</li>
 * </ol>
 * Rounds: {@code bench.rounds} (5). Backends: {@code bench.backends} (MONGO_JAVA_SERVER,FERRETDB;
 * FerretDB is skipped when scripts/build-test-servers.sh has not built it), then real mongod: the
 * server at {@code bench.mongodUri} / BENCH_MONGOD_URI when one is given (a mongod of yours; its
 * CPU is not counted, as it runs elsewhere), else mongo:7 in a container where a Docker engine
 * answers (Testcontainers), else none, which the report says; {@code bench.mongod=false} leaves it out. Figures:
 * {@code bench.figures} (noop,converge), to time one of them alone.
 * Run: {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ReconcileBench}.
 */
class ReconcileBench {
  static final int COLLECTIONS = BenchReport.intKnob("bench.collections", null, 50);
  static final int INDEXES = BenchReport.intKnob("bench.indexes", null, 5);
  static final int PASSES = BenchReport.intKnob("bench.passes", null, 20);
  static final int CONVERGE_PASSES = BenchReport.intKnob("bench.convergePasses", null, 10);
  static final List<String> FIGURES = Arrays.stream(System.getProperty("bench.figures", "noop,converge").split(","))
      .map(String::strip).toList();
  static final int ROUNDS = BenchReport.rounds();
  static final List<MongoBackend> BACKENDS = Arrays.stream(
      System.getProperty("bench.backends", "MONGO_JAVA_SERVER,FERRETDB").split(","))
      .map(String::strip).map(MongoBackend::valueOf).toList();
  /** The operator's owner carries the MongoSchema's uid. */
  static final Owner OWNER = new Owner("bench", "reconcile", "00000000-0000-0000-0000-00000000bench");
  static final double NOOP_GOAL = 1.2;
  static final double CONVERGE_GOAL = 1.1;

  private final CommandRecorder commands = new CommandRecorder();
  private final Retrier retrier = new Retrier(RetryPolicy.DEFAULT, Redactor.none());
  private final SchemaEngine engine = new SchemaEngine(retrier);
  private final ServerInfo.Reader serverInfo = engine.servers();

  @Test
  void measure() {
    BenchReport report = new BenchReport("ReconcileBench", "Reconcile: commands and wall time against the raw driver",
        fmt("A schema of %d collections × %d indexes and 2 counters seeded from a field, reconciled by the operator's "
            + "engine; the baseline is the driver alone doing the same work, interleaved in the same run. Goals: a "
            + "no-op pass sends 1 listIndexes per collection, the counter reads, 0 writes and no other command, in "
            + "≤%.1f× the driver's time; converging from empty takes ≤%.1f× one createIndexes per collection and the counters' seeds (their 2 max reads and 1 update). %d "
            + "rounds (a converge round: %d pairs); load average %s at the start.", COLLECTIONS, INDEXES, NOOP_GOAL,
            CONVERGE_GOAL, ROUNDS, CONVERGE_PASSES,
            BenchReport.loadAverage()))
        .columns("backend", "figure", "engine: median (min–max)", "raw driver: median (min–max)", "ratio", "goal",
            "met");
    try (ClientRegistry clients = new ClientRegistry(retrier, List.of(commands)); RealMongod mongod = RealMongod.find()) {
      // Before the stand-ins, so that a given mongod that does not answer fails the run at once.
      MongoClient real = mongod.uri() == null ? null : connectGiven(clients, mongod.uri());
      for (MongoBackend backend : BACKENDS) {
        String uri;
        try {
          uri = backend.uri();
        } catch (TestAbortedException e) {
          report.reading(backend + " skipped: " + e.getMessage());
          continue;
        }
        MongoClient client = clients.connect(MongoUri.parse(uri), null);
        measure(new Target(backend.name(), backend.serverPid().stream().toArray(), true), client, report);
      }
      if (real == null) {
        report.reading(mongod.why());
      } else {
        measure(new Target(mongod.name(), new long[0], false), real, report);
      }
    }
    report.reading("Load average " + BenchReport.loadAverage() + " at the end.");
    report.write();
  }

  /** The real mongod's client (connect pings it, with the Retrier's attempts); the knob is named when it fails. */
  private static MongoClient connectGiven(ClientRegistry clients, String uri) {
    try {
      return clients.connect(MongoUri.parse(uri), null);
    } catch (RuntimeException e) {
      // The connection string is not repeated: it may hold a password.
      throw new IllegalStateException("the mongod of bench.mongodUri (BENCH_MONGOD_URI) cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * What a figure is measured against: a stand-in, or a real mongod; serverPids are the server's
   * processes when it runs on this machine (not in this JVM), serverCpuSeen whether its CPU is counted.
   */
  record Target(String name, long[] serverPids, boolean serverCpuSeen) {}

  private void measure(Target backend, MongoClient client, BenchReport report) {
    String name = "bench_reconcile_" + backend.name().toLowerCase(java.util.Locale.ROOT);
    MongoDatabase db = client.getDatabase(name);
    db.drop();
    MongoSchemaSpec spec = spec(name);
    seedCounterSources(db);
    SyncResult first = pass(client, db, spec);
    assertThat(first.converged()).as("the first pass converges").isTrue();

    if (FIGURES.contains("noop")) {
      measureNoop(backend, client, db, spec, report);
    }
    if (FIGURES.contains("converge")) {
      measureConverge(backend, client, db, spec, report);
    }
    db.drop();
  }

  private void measureNoop(Target backend, MongoClient client, MongoDatabase db, MongoSchemaSpec spec,
      BenchReport report) {
    // 1. The commands of one no-op pass, after one that read buildInfo (once per client).
    pass(client, db, spec);
    commands.clear();
    SyncResult noop = pass(client, db, spec);
    assertThat(noop.plan().hasChanges()).as("a no-op pass").isFalse();
    List<CommandRecorder.Command> sent = commands.commands();
    Map<String, Long> byName = sent.stream().collect(Collectors.groupingBy(c -> c.name() + (c.collection() == null
        ? "" : c.name().equals("listIndexes") ? "" : " " + c.collection()), TreeMap::new, Collectors.counting()));
    long listIndexes = sent.stream().filter(c -> c.name().equals("listIndexes")).count();
    long writes = sent.stream().filter(c -> CommandRecorder.WRITES.contains(c.name())).count();
    long counterReads = sent.stream().filter(ReconcileBench::counterRead).count();
    List<String> other = sent.stream().filter(c -> !c.name().equals("listIndexes") && !CommandRecorder.WRITES.contains(
        c.name()) && !counterRead(c)).map(c -> c.name() + " " + c.collection()).toList();
    boolean commandGoal = listIndexes == COLLECTIONS && writes == 0 && other.isEmpty() && counterReads == COUNTER_READS;
    report.row(backend.name(), "commands per no-op pass", fmt("%d: %s", sent.size(), byName.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))),
        fmt("%d (%d listIndexes, %d counter reads)", COLLECTIONS + COUNTER_READS, COLLECTIONS, COUNTER_READS),
        fmt("%d extra", sent.size() - (COLLECTIONS + COUNTER_READS)),
        fmt("%d listIndexes, %d counter reads, 0 writes, nothing else", COLLECTIONS, COUNTER_READS), commandGoal ? "yes" : "no: " + (other.isEmpty() ? "" : "also " + String.join(", ", other))
            + (writes > 0 ? " " + writes + " writes" : ""));

    // 2. No-op wall time, interleaved with the raw driver's reads; the order alternates.
    List<Double> engineMs = new ArrayList<>();
    List<Double> rawMs = new ArrayList<>();
    for (int i = 0; i < PASSES; i++) { // warm-up, not counted
      pass(client, db, spec);
      rawReads(db);
    }
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < PASSES; i++) {
        boolean engineFirst = (round * PASSES + i) % 2 == 0;
        if (engineFirst) engineMs.add(timePass(client, db, spec));
        rawMs.add(timeRaw(db));
        if (!engineFirst) engineMs.add(timePass(client, db, spec));
      }
    }
    BenchReport.Stats e = BenchReport.Stats.of(engineMs);
    BenchReport.Stats r = BenchReport.Stats.of(rawMs);
    double noopRatio = e.ratioTo(r);
    report.row(backend.name(), fmt("no-op pass (%d × %d passes)", ROUNDS, PASSES), ms(e), ms(r), ratio(noopRatio),
        fmt("≤%.1f×", NOOP_GOAL), noopRatio <= NOOP_GOAL ? "yes" : "no");
  }

  private void measureConverge(Target backend, MongoClient client, MongoDatabase db, MongoSchemaSpec spec,
      BenchReport report) {
    // 3. Converge from empty: the engine (claims, createIndexes per collection, counter seeds) and
    // the driver's createIndexes per collection and counter seeds, each on a dropped database, pair by pair with the
    // order alternating, so that a slow moment of a shared machine falls on both alike.
    // CPU time too: a wall time on a shared machine also counts the other processes' turns. The
    // server's CPU is in it: in this JVM (mongo-java-server) or its own process (FerretDB).
    CpuClock cpu = CpuClock.available() ? new CpuClock(backend.serverPids()) : null;
    CpuClock clock = cpu != null ? cpu : new CpuClock() {
      @Override
      long nanos() {
        return 0;
      }
    };
    for (int i = 0; i < 3 * CONVERGE_PASSES; i++) { // warm-up, not counted
      timeConverge(client, db, spec, clock);
      timeRawCreate(db, clock);
    }
    List<Sample> engine = new ArrayList<>();
    List<Sample> raw = new ArrayList<>();
    List<String> perRound = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<Sample> e = new ArrayList<>();
      List<Sample> r = new ArrayList<>();
      for (int i = 0; i < CONVERGE_PASSES; i++) {
        boolean engineFirst = (round * CONVERGE_PASSES + i) % 2 == 0;
        if (engineFirst) e.add(timeConverge(client, db, spec, clock));
        r.add(timeRawCreate(db, clock));
        if (!engineFirst) e.add(timeConverge(client, db, spec, clock));
      }
      perRound.add(fmt("%.2f", wall(e).ratioTo(wall(r))) + (cpu == null ? "" : fmt(" (CPU %.2f)",
          cpuStats(e).ratioTo(cpuStats(r)))));
      engine.addAll(e);
      raw.addAll(r);
    }
    // What converging sends, by name: the reason its time differs from the baseline's.
    commands.clear();
    timeConverge(client, db, spec, clock);
    // The seed documents' inserts are the fixture's; the claims' insert into mongosteward is the engine's.
    Map<String, Long> convergeCommands = commands.commands().stream().filter(cmd -> !cmd.name().equals("drop")
        && !cmd.name().equals("dropDatabase") && !(cmd.name().equals("insert") && !"mongosteward".equals(cmd.collection())))
        .collect(Collectors.groupingBy(CommandRecorder.Command::name, TreeMap::new, Collectors.counting()));
    long convergeTotal = convergeCommands.values().stream().mapToLong(Long::longValue).sum();
    report.row(backend.name(), "commands to converge from empty", fmt("%d: %s", convergeTotal,
        convergeCommands.entrySet().stream().map(x -> x.getValue() + " " + x.getKey()).collect(Collectors.joining(", "))),
        fmt("%d: %d createIndexes, 2 find, 1 update", COLLECTIONS + 3, COLLECTIONS),
        ratio(convergeTotal / (double) (COLLECTIONS + 3)), "—", "—");
    BenchReport.Stats c = wall(engine);
    BenchReport.Stats k = wall(raw);
    double convergeRatio = c.ratioTo(k);
    report.row(backend.name(), fmt("converge %d indexes from empty (%d × %d)", COLLECTIONS * INDEXES, ROUNDS,
            CONVERGE_PASSES), ms(c), ms(k), ratio(convergeRatio), fmt("≤%.1f×", CONVERGE_GOAL),
        convergeRatio <= CONVERGE_GOAL ? "yes" : "no");
    if (cpu != null) {
      BenchReport.Stats cc = cpuStats(engine);
      BenchReport.Stats kc = cpuStats(raw);
      double cpuRatio = cc.ratioTo(kc);
      if (backend.serverCpuSeen()) {
        report.row(backend.name(), "CPU to converge (client and server processes)", ms(cc), ms(kc), ratio(cpuRatio),
            fmt("≤%.1f×", CONVERGE_GOAL), cpuRatio <= CONVERGE_GOAL ? "yes" : "no");
      } else {
        // Without the server's share the ratio is not the goal's: the client's work alone differs most.
        report.row(backend.name(), "CPU to converge (the client's only: the server runs elsewhere)", ms(cc), ms(kc),
            ratio(cpuRatio), "—", "—");
      }
    }
    report.reading(fmt("%s converge, engine/raw ratio of each round's medians: %s.", backend.name(),
        String.join(", ", perRound)));
  }

  private static BenchReport.Stats wall(List<Sample> samples) {
    return BenchReport.Stats.of(samples.stream().map(Sample::wallMs).toList());
  }

  private static BenchReport.Stats cpuStats(List<Sample> samples) {
    return BenchReport.Stats.of(samples.stream().map(Sample::cpuMs).toList());
  }

  /** A read of a counter's document, or of its seed field's max (the first two collections). */
  private static boolean counterRead(CommandRecorder.Command c) {
    return c.name().equals("find") && List.of("counters", collection(0), collection(1)).contains(c.collection());
  }

  /** One pass as the operator's reconciler makes it: engine.sync with the schema's owner, then status.server. */
  private SyncResult pass(MongoClient client, MongoDatabase db, MongoSchemaSpec spec) {
    SyncResult result = engine.sync(db, spec, new SchemaEngine.Pass(OWNER, false, SchemaEngine.DuplicateCheck.NONE,
        SchemaApplier.Progress.NONE, null, null, client));
    serverInfo.tryRead(client);
    return result;
  }

  private double timePass(MongoClient client, MongoDatabase db, MongoSchemaSpec spec) {
    long t0 = System.nanoTime();
    SyncResult r = pass(client, db, spec);
    double millis = (System.nanoTime() - t0) / 1e6;
    if (r.plan().hasChanges()) throw new AssertionError("a no-op pass planned changes: " + r.plan().actions());
    return millis;
  }

  /**
   * The reads of a no-op pass: the counters' documents (one find: they share a collection) and each
   * seed field's max.
   */
  static final int COUNTER_READS = 3;

  /** What a no-op pass must read, with the driver alone: every collection's indexes, the counters and their seeds' max. */
  private static int rawReads(MongoDatabase db) {
    int n = 0;
    for (int i = 0; i < COLLECTIONS; i++) {
      n += db.getCollection(collection(i)).listIndexes().into(new ArrayList<>()).size();
    }
    n += db.getCollection("counters").find(Filters.in("_id", "counter0", "counter1"))
        .projection(Projections.include("seq")).into(new ArrayList<>()).size();
    for (int i = 0; i < 2; i++) {
      Document max = seedMax(db, i);
      n += max == null ? 0 : 1;
    }
    return n;
  }

  /** Counter i's seed field's max in its collection, read as the engine reads it: sorted, one document. */
  private static Document seedMax(MongoDatabase db, int i) {
    return db.getCollection(collection(i)).find().sort(Sorts.descending("seq" + i))
        .projection(Projections.fields(Projections.include("seq" + i), Projections.excludeId())).limit(1).first();
  }

  private static double timeRaw(MongoDatabase db) {
    long t0 = System.nanoTime();
    int n = rawReads(db);
    double millis = (System.nanoTime() - t0) / 1e6;
    if (n != COLLECTIONS * (INDEXES + 1) + 4) throw new AssertionError("the raw reads found " + n + " entries");
    return millis;
  }

  /** A timed piece of work: its wall time, and the CPU time of the client's JVM and the server's process. */
  private record Sample(double wallMs, double cpuMs) {}

  private Sample timeConverge(MongoClient client, MongoDatabase db, MongoSchemaSpec spec, CpuClock cpu) {
    db.drop();
    seedCounterSources(db);
    long c0 = cpu.nanos();
    long t0 = System.nanoTime();
    SyncResult r = pass(client, db, spec);
    long t1 = System.nanoTime();
    long c1 = cpu.nanos();
    if (!r.converged()) throw new AssertionError("did not converge: " + r.plan().actions());
    return new Sample((t1 - t0) / 1e6, (c1 - c0) / 1e6);
  }

  /**
   * The same work with the driver alone: one createIndexes per collection, then the two counters
   * seeded as the engine seeds them (each seed field's max, then one unordered update of $max
   * upserts), since the schema declares them and a converge without them would be unfinished.
   */
  private static Sample timeRawCreate(MongoDatabase db, CpuClock cpu) {
    db.drop();
    seedCounterSources(db);
    List<List<IndexModel>> models = new ArrayList<>();
    for (int i = 0; i < COLLECTIONS; i++) models.add(indexModels(i));
    long c0 = cpu.nanos();
    long t0 = System.nanoTime();
    for (int i = 0; i < COLLECTIONS; i++) {
      db.getCollection(collection(i)).createIndexes(models.get(i));
    }
    List<UpdateOneModel<Document>> seeds = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Document max = seedMax(db, i);
      seeds.add(new UpdateOneModel<>(Filters.eq("_id", "counter" + i), Updates.max("seq", max.get("seq" + i)),
          new UpdateOptions().upsert(true)));
    }
    db.getCollection("counters").bulkWrite(seeds, new BulkWriteOptions().ordered(false));
    long t1 = System.nanoTime();
    long c1 = cpu.nanos();
    return new Sample((t1 - t0) / 1e6, (c1 - c0) / 1e6);
  }

  /** The same indexes the spec declares, as the driver's models, built from the same createIndexes documents. */
  private static List<IndexModel> indexModels(int c) {
    List<IndexModel> out = new ArrayList<>();
    for (IndexSpec index : indexSpecs()) {
      Document doc = IndexDefinitions.toCreateDocument(IndexDefinitions.fromSpec(index));
      IndexOptions options = new IndexOptions().name(doc.getString("name")).unique(doc.getBoolean("unique", false))
          .sparse(doc.getBoolean("sparse", false));
      out.add(new IndexModel(doc.get("key", Document.class), options));
    }
    return out;
  }

  /** The counters' seed fields, in the first two collections: a few documents each. */
  private static void seedCounterSources(MongoDatabase db) {
    for (int i = 0; i < 2; i++) {
      List<Document> docs = new ArrayList<>();
      for (int n = 1; n <= 10; n++) docs.add(new Document("seq" + i, n * 10L));
      db.getCollection(collection(i)).insertMany(docs);
    }
  }

  static String collection(int i) {
    return fmt("c%03d", i);
  }

  /**
   * Five index shapes, repeated with other fields past five: single, descending, compound, unique,
   * three fields. No option a stand-in drops (FerretDB keeps no sparse), so a second pass is a no-op.
   */
  static List<IndexSpec> indexSpecs() {
    MongoSchemaSpec one = Specs.spec(yaml("x", 1));
    return one.getCollections().get(0).getIndexes();
  }

  static MongoSchemaSpec spec(String database) {
    return Specs.spec(yaml(database, COLLECTIONS));
  }

  private static String yaml(String database, int collections) {
    StringBuilder y = new StringBuilder("database: " + database + "\ncollections:\n");
    for (int c = 0; c < collections; c++) {
      y.append("  - name: ").append(collection(c)).append("\n    indexes:\n");
      for (int i = 0; i < INDEXES; i++) {
        String f = "f" + i;
        y.append(switch (i % 5) {
          case 0 -> "      - {name: " + f + "_1, keys: [{field: " + f + "}]}\n";
          case 1 -> "      - {name: " + f + "_desc, keys: [{field: " + f + ", order: -1}]}\n";
          case 2 -> "      - {name: " + f + "_compound, keys: [{field: " + f + "}, {field: created_at, order: -1}]}\n";
          case 3 -> "      - {name: " + f + "_unique, keys: [{field: " + f + "}, {field: _id}], unique: true}\n";
          default -> "      - {name: " + f + "_channel, keys: [{field: channel}, {field: " + f + "}, {field: created_at, order: -1}]}\n";
        });
      }
    }
    y.append("counters:\n");
    for (int i = 0; i < 2; i++) {
      y.append("  - {name: counter").append(i).append(", seedFrom: {collection: ").append(collection(i))
          .append(", field: seq").append(i).append("}}\n");
    }
    return y.toString();
  }

}
