package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.mongo.BuildHandoff;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index builds of this process, apart from the reconcile threads: a pass hands its
 * createIndexes here and returns Reconciling at once; the build runs on a bounded pool, at most
 * {@code perDeployment} at a time on one MongoDB deployment (one client: one connection string,
 * options and TLS material), the others queued in order. When a build ends, {@code onEnd} gets its
 * schema, so that the next pass comes at once: it finds the indexes built (their outcomes go to the
 * schema's Events), or gets the refusals, once, as a pass that built them itself would have. The
 * same build (schema, collection, index definitions) is never queued twice; a changed definition
 * is another build. All bookkeeping is under this object's lock; no I/O is.
 */
final class IndexBuildQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBuildQueue.class);
  /** Builds at once over all deployments. */
  static final int THREADS = 64;

  /** One build: a schema's new indexes of one collection, by definition. */
  record Key(String schemaUid, String collection, List<String> fingerprints) {}

  /** One index of a schema, by definition: where a build's answer waits for the next pass. */
  private record IndexKey(String schemaUid, String collection, String fingerprint) {}

  private static final class Build {
    final Key key;
    final String schema;
    final MongoClient client;
    final List<Action.CreateIndex> batch;
    final Function<List<Action.CreateIndex>, List<Outcome>> body;
    volatile Instant started;

    Build(Key key, String schema, MongoClient client, List<Action.CreateIndex> batch,
        Function<List<Action.CreateIndex>, List<Outcome>> body) {
      this.key = key;
      this.schema = schema;
      this.client = client;
      this.batch = batch;
      this.body = body;
    }
  }

  private final int perDeployment;
  private final ExecutorService pool;
  private final Clock clock;
  private final Consumer<String> onEnd;
  /** Queued or running. */
  private final Map<Key, Build> builds = new HashMap<>();
  /** What ended builds said of each index they did not create, for the next pass that plans it. */
  private final Map<IndexKey, Outcome> told = new HashMap<>();
  /** What ended builds created, per schema uid, for its Events and counts. */
  private final Map<String, List<Outcome>> created = new HashMap<>();
  /** Per client, by identity (the registry keeps one client per key): running count and queue. */
  private final Map<MongoClient, AtomicInteger> running = new IdentityHashMap<>();
  private final Map<MongoClient, Queue<Build>> waiting = new IdentityHashMap<>();

  /**
   * @param threads builds at once over all deployments: a bound, well above what a few deployments
   *     need, so that slow builds on one never queue another's behind them
   * @param perDeployment builds at once on one deployment
   * @param onEnd told the schema ("ns/name") of a build that ended with something to report
   */
  IndexBuildQueue(int threads, int perDeployment, Clock clock, Consumer<String> onEnd) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "index-build-queue-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true); // idle between builds: no threads kept
    this.pool = executor;
    this.perDeployment = perDeployment;
    this.clock = clock;
    this.onEnd = onEnd;
  }

  /** The handoff for one pass of one schema ("ns/name", uid) on one client. */
  BuildHandoff forSchema(String schemaUid, String schema, MongoClient client) {
    return new BuildHandoff() {
      @Override
      public MongoDatabase admin() {
        return client.getDatabase("admin");
      }

      @Override
      public List<Outcome> submit(String collection, List<Action.CreateIndex> batch,
          Function<List<Action.CreateIndex>, List<Outcome>> body, Supplier<String> progress) {
        return IndexBuildQueue.this.submit(schemaUid, schema, client, collection, batch, body, progress);
      }
    };
  }

  private List<Outcome> submit(String schemaUid, String schema, MongoClient client, String collection,
      List<Action.CreateIndex> batch, Function<List<Action.CreateIndex>, List<Outcome>> body,
      Supplier<String> progress) {
    List<Outcome> out = new ArrayList<>();
    Build build;
    synchronized (this) {
      List<Action.CreateIndex> toBuild = new ArrayList<>();
      Map<Action.CreateIndex, Outcome> lastWord = new HashMap<>();
      for (Action.CreateIndex c : batch) {
        Outcome said = told.remove(indexKey(schemaUid, c));
        if (said != null && said.result() != ActionType.Building) {
          out.add(said); // refused: told once; a later pass that plans it again builds again
        } else {
          toBuild.add(c);
          if (said != null) lastWord.put(c, said); // the server builds it for someone else: look again
        }
      }
      if (toBuild.isEmpty()) {
        return out;
      }
      Key key = new Key(schemaUid, collection, toBuild.stream().map(c -> IndexDefinitions.fingerprint(c.index())).toList());
      build = builds.get(key);
      if (build == null) {
        build = new Build(key, schema, client, List.copyOf(toBuild), body);
        builds.put(key, build);
        enqueue(build);
      }
      if (!lastWord.isEmpty()) {
        toBuild.forEach(c -> out.add(lastWord.getOrDefault(c, building(c, "queued"))));
        return out;
      }
    }
    Instant started = build.started;
    String message;
    if (started == null) {
      message = "queued: waiting for one of the " + perDeployment + " index build slot(s) of this MongoDB "
          + "deployment (--max-concurrent-index-builds)";
    } else {
      String p = safeProgress(progress);
      message = "building since " + started + (p == null ? "" : "; progress " + p);
    }
    build.batch.forEach(c -> out.add(building(c, message)));
    return out;
  }

  private static IndexKey indexKey(String schemaUid, Action.CreateIndex c) {
    return new IndexKey(schemaUid, c.collection(), IndexDefinitions.fingerprint(c.index()));
  }

  private static String safeProgress(Supplier<String> progress) {
    try {
      return progress.get();
    } catch (RuntimeException e) {
      return null; // progress is a courtesy: the build goes on regardless
    }
  }

  private static Outcome building(Action.CreateIndex c, String message) {
    return Outcome.refused(c, ActionType.Building, message, Duration.ZERO);
  }

  /** Under the lock. */
  private void enqueue(Build b) {
    AtomicInteger count = running.computeIfAbsent(b.client, c -> new AtomicInteger());
    if (count.get() < perDeployment) {
      count.incrementAndGet();
      start(b);
    } else {
      waiting.computeIfAbsent(b.client, c -> new ArrayDeque<>()).add(b);
    }
  }

  /** Under the lock. */
  private void start(Build b) {
    try {
      pool.execute(() -> run(b));
    } catch (RejectedExecutionException closed) {
      builds.remove(b.key); // shutting down: the next leader plans it again
    }
  }

  private void run(Build b) {
    b.started = clock.instant();
    List<Outcome> result;
    try {
      result = b.body.apply(b.batch);
    } catch (RuntimeException e) {
      // A pass that built it itself would have failed this way, and been retried: so is this build.
      LOG.warn("index build of {} on {} ended without an answer: {}", b.schema, b.key.collection(), e.toString());
      result = b.batch.stream().map(c -> building(c, "the last attempt ended without an answer ("
          + e.getClass().getSimpleName() + "); trying again")).toList();
    }
    boolean tell = result.stream().anyMatch(o -> o.result() != ActionType.Building);
    synchronized (this) {
      if (builds.remove(b.key) != b) {
        finished(b); // its schema was deleted meanwhile: nothing to tell anyone
        return;
      }
      for (Outcome o : result) {
        if (o.applied()) {
          created.computeIfAbsent(b.key.schemaUid(), k -> new ArrayList<>()).add(o);
        } else if (o.action() instanceof Action.CreateIndex c) {
          told.put(indexKey(b.key.schemaUid(), c), o);
        }
      }
      finished(b);
    }
    // Still building elsewhere: the pass's recheck looks again; a nudge now would only spin.
    if (tell) {
      try {
        onEnd.accept(b.schema);
      } catch (RuntimeException e) {
        LOG.warn("could not signal the end of an index build of {}: {}", b.schema, e.toString());
      }
    }
  }

  /** Under the lock: the slot passes to the next build queued for the same deployment, or frees. */
  private void finished(Build b) {
    Queue<Build> next = waiting.get(b.client);
    Build n = next == null ? null : next.poll();
    if (n != null) {
      start(n);
      return;
    }
    waiting.remove(b.client);
    AtomicInteger count = running.get(b.client);
    if (count != null && count.decrementAndGet() <= 0) {
      running.remove(b.client);
    }
  }

  /**
   * What this schema's ended builds created since the last call, for its Events and counts; empty
   * while another of its builds is queued or running, so that a schema's builds make one summary
   * Event ("created 200 indexes in 4 collections"), not one per collection.
   */
  synchronized List<Outcome> takeCreated(String schemaUid) {
    if (builds.keySet().stream().anyMatch(k -> k.schemaUid().equals(schemaUid))) {
      return List.of();
    }
    List<Outcome> out = created.remove(schemaUid);
    return out == null ? List.of() : out;
  }

  /**
   * The schema is gone: its queued builds are dropped and what ended builds said is forgotten; a
   * running one goes on (the server would finish it anyway), and what it says is dropped too.
   */
  synchronized void forget(String schemaUid) {
    waiting.values().forEach(q -> q.removeIf(b -> b.key.schemaUid().equals(schemaUid)));
    builds.values().removeIf(b -> b.key.schemaUid().equals(schemaUid));
    told.keySet().removeIf(k -> k.schemaUid().equals(schemaUid));
    created.remove(schemaUid);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(3));
  }

  /**
   * Stops waiting for builds, for at most {@code bound}: a running createIndexes goes on on the
   * server, where the next leader finds it ($currentOp, or code 276) and waits for it.
   */
  void close(Duration bound) {
    synchronized (this) {
      waiting.clear();
    }
    pool.shutdownNow(); // interrupts the waits (IndexBuilds.await); the server carries on with each build
    try {
      if (!pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("index builds still waiting after {}; leaving them to the server", bound);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
