package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index builds of this process, apart from the reconcile threads: a pass hands its
 * createIndexes here and returns Reconciling at once; the build runs on a bounded pool, at most
 * {@code perDeployment} at a time on one MongoDB deployment (one client: one connection string,
 * options and TLS material), the others queued in order. When a build ends, {@code onEnd} gets its
 * schema, so that the next pass comes at once and finds the index. A build is known by its schema,
 * collection and index definitions: the same build is never queued twice, and a changed definition
 * is another build.
 */
final class IndexBuildQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBuildQueue.class);
  /** Builds at once over all deployments. */
  static final int THREADS = 64;

  record Key(String schemaUid, String collection, List<String> fingerprints) {}

  private final class Build {
    final Key key;
    final String schema;
    final MongoClient client;
    final Supplier<List<Outcome>> body;
    final List<Action.CreateIndex> batch;
    volatile Instant started;
    volatile List<Outcome> result;

    Build(Key key, String schema, MongoClient client, List<Action.CreateIndex> batch, Supplier<List<Outcome>> body) {
      this.key = key;
      this.schema = schema;
      this.client = client;
      this.batch = batch;
      this.body = body;
    }

    boolean ended() {
      return result != null;
    }
  }

  private final int perDeployment;
  private final ExecutorService pool;
  private final Clock clock;
  private final Consumer<String> onEnd;
  private final Map<Key, Build> builds = new ConcurrentHashMap<>();
  /** Per client, by identity (the registry keeps one client per key): running count and queue; guarded by this. */
  private final Map<MongoClient, AtomicInteger> running = new IdentityHashMap<>();
  private final Map<MongoClient, Queue<Build>> waiting = new IdentityHashMap<>();
  private final AtomicInteger maxRunning = new AtomicInteger();

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
      public com.mongodb.client.MongoDatabase admin() {
        return client.getDatabase("admin");
      }

      @Override
      public List<Outcome> submit(String collection, List<Action.CreateIndex> batch, Supplier<List<Outcome>> body,
          Supplier<String> progress) {
        return IndexBuildQueue.this.submit(schemaUid, schema, client, collection, batch, body, progress);
      }
    };
  }

  private List<Outcome> submit(String schemaUid, String schema, MongoClient client, String collection,
      List<Action.CreateIndex> batch, Supplier<List<Outcome>> body, Supplier<String> progress) {
    Key key = new Key(schemaUid, collection, batch.stream().map(c -> IndexDefinitions.fingerprint(c.index())).toList());
    Build known = builds.get(key);
    if (known != null && known.ended()) {
      builds.remove(key, known);
      if (known.result.stream().anyMatch(o -> o.result() == ActionType.Building)) {
        // The server runs this build for someone else (or the last try got no answer): tell what
        // that look found, and look again.
        Build again = new Build(key, schema, client, List.copyOf(batch), body);
        if (builds.putIfAbsent(key, again) == null) {
          enqueue(again);
        }
      }
      return known.result; // what it did, told once: a later pass that plans it again builds again
    }
    if (known == null) {
      Build b = new Build(key, schema, client, List.copyOf(batch), body);
      if (builds.putIfAbsent(key, b) == null) {
        enqueue(b);
      }
      known = builds.get(key);
      if (known == null) {
        return building(batch, "queued");
      }
    }
    Instant started = known.started;
    if (started == null) {
      return building(batch, "queued: waiting for one of the " + perDeployment + " index build slot(s) of this "
          + "MongoDB deployment (--max-concurrent-index-builds)");
    }
    String p = started != null && !known.ended() ? safeProgress(progress) : null;
    return building(batch, "building since " + started + (p == null ? "" : "; progress " + p));
  }

  private static String safeProgress(Supplier<String> progress) {
    try {
      return progress.get();
    } catch (RuntimeException e) {
      return null; // progress is a courtesy: the build goes on regardless
    }
  }

  private static List<Outcome> building(List<Action.CreateIndex> batch, String message) {
    return batch.stream().map(c -> Outcome.refused(c, ActionType.Building, message, Duration.ZERO)).toList();
  }

  private synchronized void enqueue(Build b) {
    AtomicInteger count = running.computeIfAbsent(b.client, c -> new AtomicInteger());
    if (count.get() < perDeployment) {
      count.incrementAndGet();
      start(b);
    } else {
      waiting.computeIfAbsent(b.client, c -> new ArrayDeque<>()).add(b);
    }
  }

  private void start(Build b) {
    try {
      pool.execute(() -> run(b));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      builds.remove(b.key, b); // shutting down: the next leader plans it again
    }
  }

  private void run(Build b) {
    b.started = clock.instant();
    maxRunning.accumulateAndGet(runningNow(), Math::max);
    List<Outcome> result;
    try {
      result = b.body.get();
    } catch (RuntimeException e) {
      // The pass that would have built it inline would have failed this way: the next one tries again.
      LOG.warn("index build of {} on {} ended without a result: {}", b.schema, b.key.collection(), e.toString());
      result = building(b.batch, "the last attempt ended without an answer (" + e.getClass().getSimpleName()
          + "); trying again");
      builds.remove(b.key, b);
    }
    b.result = result;
    finished(b);
    if (result.stream().noneMatch(o -> o.result() == ActionType.Building)) {
      try {
        onEnd.accept(b.schema);
      } catch (RuntimeException e) {
        LOG.warn("could not signal the end of an index build of {}: {}", b.schema, e.toString());
      }
    }
  }

  private synchronized int runningNow() {
    return running.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private synchronized void finished(Build b) {
    Queue<Build> next = waiting.get(b.client);
    Build n = next == null ? null : next.poll();
    if (n != null) {
      start(n); // the slot passes on: the count stays
      return;
    }
    waiting.remove(b.client);
    AtomicInteger count = running.get(b.client);
    if (count != null && count.decrementAndGet() <= 0) {
      running.remove(b.client);
    }
  }

  /**
   * The outcomes of this schema's builds that ended and created what they were to (for its Events
   * and counts), forgetting them; ended builds with a refusal stay, for the pass that plans them again.
   */
  List<Outcome> takeCreated(String schemaUid) {
    List<Outcome> out = new ArrayList<>();
    builds.values().removeIf(b -> {
      if (b.key.schemaUid().equals(schemaUid) && b.ended() && b.result.stream().allMatch(Outcome::applied)) {
        out.addAll(b.result);
        return true;
      }
      return false;
    });
    return out;
  }

  /** Whether this schema has a build queued or running. */
  boolean busy(String schemaUid) {
    return builds.values().stream().anyMatch(b -> b.key.schemaUid().equals(schemaUid) && !b.ended());
  }

  /**
   * The schema is gone: its queued builds are dropped; a running one goes on (the server would
   * finish it anyway) and is forgotten when it ends.
   */
  synchronized void forget(String schemaUid) {
    waiting.values().forEach(q -> q.removeIf(b -> b.key.schemaUid().equals(schemaUid)));
    builds.values().removeIf(b -> b.key.schemaUid().equals(schemaUid) && (b.started == null || b.ended()));
  }

  /** The most builds that ran at once in this process; for tests and logs. */
  int maxRunning() {
    return maxRunning.get();
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
    pool.shutdownNow(); // interrupts the waits; the build threads' sockets are the driver's, bounded by indexBuildTimeoutMS
    try {
      if (!pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("index builds still waiting after {}; leaving them to the server", bound);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
