package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.mongo.BuildHandoff;
import io.mongosteward.mongo.Deployment;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
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
 * {@code perDeployment} at a time on one MongoDB deployment ({@link Deployment}: the replica set, or
 * the seed hosts, whoever logs in with whatever options), the others queued in order. When a build
 * ends, {@code onEnd} gets its schema, so that the next pass comes at once: it finds the indexes
 * built (their outcomes go to the schema's Events), or gets the refusals as a pass that built them
 * itself would have; and so does every pass after it until the refusal is due again, so that the
 * status does not flap between IndexBuilding and the refusal at each resync. The
 * same build (schema, servers, database, collection, index definitions) is never queued twice; a
 * changed definition, or a spec moved to another database or cluster, is another build. An index a
 * running build of the schema already builds there is not built again beside it, nor again by a
 * pass that read the server before the build that created it ended. A queued build that the
 * schema's latest pass no longer asked for (its index edited away, renamed, redefined, or the
 * schema paused) is dropped when that pass ends ({@link #passEnded}): it would load every member for
 * an index nobody declares. A running build goes on (mongod 4.4+ could abort it with dropIndexes;
 * not done). All bookkeeping is under this object's lock; no I/O is.
 */
final class IndexBuildQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBuildQueue.class);
  /** Builds at once over all deployments. */
  static final int THREADS = 64;

  /**
   * One build: a schema's new indexes of one collection of one database on the servers its
   * connection string names ({@link Deployment#servers}), by definition. Where is part of it: a spec
   * moved to another database or cluster while a build ran must build there, not be told of the old
   * build; a rotated password is the same place.
   */
  record Key(String schemaUid, Place place, String collection, List<String> fingerprints) {}

  /** Where a build runs: the servers the connection string names, and the database. */
  record Place(String servers, String database) {}

  /** One index of a schema, by definition and place: where a build's answer waits for the next pass. */
  private record IndexKey(String schemaUid, Place place, String collection, String fingerprint) {
    /** An index of a build. */
    static IndexKey of(Key build, Action.CreateIndex c) {
      return new IndexKey(build.schemaUid(), build.place(), c.collection(), IndexDefinitions.fingerprint(c.index()));
    }
  }

  /**
   * A build the server refused: said to each pass until it is due again. {@code client} is the
   * identity of the client it was refused to (not the client: a closed one need not be kept).
   */
  private record Refusal(Outcome outcome, Instant at, Long generation, String deployment, int client) {
    /**
     * After the recheck, or at once for another spec generation, another deployment or another
     * client (a rotated Secret or certificate: other credentials may hold the privilege it lacked).
     */
    boolean due(Instant now, Long generationNow, String deploymentNow, int clientNow, Duration retryAfter) {
      return !java.util.Objects.equals(generation, generationNow) || !deployment.equals(deploymentNow)
          || client != clientNow || !now.isBefore(at.plus(retryAfter));
    }
  }

  private static final class Build {
    final Key key;
    final String schema;
    final Long generation;
    final String deployment;
    final int client;
    /** Keeps the build's client open until the build ends, should its Secret rotate meanwhile. */
    final AutoCloseable hold;
    final List<Action.CreateIndex> batch;
    final Function<List<Action.CreateIndex>, List<Outcome>> body;
    volatile Instant started;
    /** Under the lock: waiting for a slot, not yet handed to the pool. */
    boolean queued;

    Build(Key key, String schema, Long generation, String deployment, int client, AutoCloseable hold,
        List<Action.CreateIndex> batch, Function<List<Action.CreateIndex>, List<Outcome>> body) {
      this.client = client;
      this.key = key;
      this.schema = schema;
      this.generation = generation;
      this.deployment = deployment;
      this.hold = hold;
      this.batch = batch;
      this.body = body;
    }
  }

  private final int perDeployment;
  private final ExecutorService pool;
  private final Clock clock;
  private final Consumer<String> onEnd;
  private final Function<MongoClient, AutoCloseable> hold;
  private final Duration retryAfter;
  /** Queued or running. */
  private final Map<Key, Build> builds = new HashMap<>();
  /** What ended builds said of indexes still building on the server for someone else, for the next pass. */
  private final Map<IndexKey, Outcome> told = new HashMap<>();
  /** What ended builds said of indexes the server refused: kept, so that passes do not flap to Building. */
  private final Map<IndexKey, Refusal> refused = new HashMap<>();
  /** What ended builds created, per schema uid and index (each told once), for its Events and counts. */
  private final Map<String, Map<IndexKey, Outcome>> created = new HashMap<>();
  /** Builds ended so far: a pass notes it when it begins, before it reads the server. */
  private long ended;
  /**
   * The indexes ended builds created, with the count of builds ended then: a pass that began before
   * reads a server that may not list them yet. Kept until a pass of the schema that began after ends.
   */
  private final Map<IndexKey, Long> builtAt = new HashMap<>();
  /**
   * Per deployment: running count and queue. Not per client: teams that log in as different users,
   * or with other options, have clients of their own on one cluster, and its load is the same.
   */
  private final Map<String, AtomicInteger> running = new HashMap<>();
  private final Map<String, Queue<Build>> waiting = new HashMap<>();

  /**
   * @param threads builds at once over all deployments: a bound, well above what a few deployments
   *     need, so that slow builds on one never queue another's behind them
   * @param perDeployment builds at once on one deployment
   * @param onEnd told the schema ("ns/name") of a build that ended with something to report
   * @param hold keeps a client open until what it returns is closed: a build (queued or running)
   *     holds its client, so that a rotated Secret does not cut it short; the next pass, on the new
   *     client, finds the same build running and says so
   * @param retryAfter how long a refused build is not tried again (the slow recheck of refusals),
   *     unless the spec's generation or the deployment changes; each pass meanwhile gets the refusal
   */
  IndexBuildQueue(int threads, int perDeployment, Clock clock, Duration retryAfter, Consumer<String> onEnd,
      Function<MongoClient, AutoCloseable> hold) {
    this.hold = hold;
    this.retryAfter = retryAfter;
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

  /**
   * The handoff for one pass of one schema ("ns/name", uid) on one client.
   *
   * @param generation the spec's generation: a refused build is tried again at once when it changes
   * @param database the database the pass's spec names
   */
  Pass forSchema(String schemaUid, String schema, Long generation, MongoClient client, String database) {
    return new Pass(schemaUid, schema, generation, client, database);
  }

  /** One pass's handoff: it remembers the builds the pass asked for, for {@link #passEnded}. */
  final class Pass implements BuildHandoff {
    private final String schemaUid;
    private final String schema;
    private final Long generation;
    private final MongoClient client;
    private final String deployment;
    private final Place place;
    /** Under the queue's lock. */
    private final Set<Key> asked = new HashSet<>();
    /** Builds ended when the pass began, before it read the server. */
    private final long began;

    private Pass(String schemaUid, String schema, Long generation, MongoClient client, String database) {
      synchronized (IndexBuildQueue.this) {
        this.began = ended;
      }
      this.schemaUid = schemaUid;
      this.schema = schema;
      this.generation = generation;
      this.client = client;
      this.deployment = Deployment.of(client);
      this.place = new Place(Deployment.servers(client), database);
    }

    private IndexKey indexKey(Action.CreateIndex c) {
      return new IndexKey(schemaUid, place, c.collection(), IndexDefinitions.fingerprint(c.index()));
    }

    @Override
    public MongoDatabase admin() {
      return client.getDatabase("admin");
    }

    @Override
    public List<Outcome> submit(String collection, List<Action.CreateIndex> batch,
        Function<List<Action.CreateIndex>, List<Outcome>> body, Supplier<String> progress) {
      return IndexBuildQueue.this.submit(this, collection, batch, body, progress);
    }
  }

  /**
   * The pass ended with its plan applied: the schema's queued builds it did not ask for are
   * dropped, as its plan (the spec as it now is, against the server as it now is) no longer
   * wants them. Not called for a pass that failed midway: what it did not reach is not stale.
   */
  synchronized void passEnded(Pass pass) {
    // Passes of one schema run one at a time: no pass that began before this one is still reading.
    builtAt.entrySet().removeIf(e -> e.getKey().schemaUid().equals(pass.schemaUid) && e.getValue() <= pass.began);
    // What builds said of the schema's indexes at a place its spec no longer names is stale: should it
    // name that place again, a build there answers afresh.
    told.keySet().removeIf(k -> k.schemaUid().equals(pass.schemaUid) && !k.place().equals(pass.place));
    refused.keySet().removeIf(k -> k.schemaUid().equals(pass.schemaUid) && !k.place().equals(pass.place));
    for (Queue<Build> q : waiting.values()) {
      q.removeIf(b -> {
        boolean stale = b.key.schemaUid().equals(pass.schemaUid) && !pass.asked.contains(b.key);
        if (stale) {
          LOG.info("dropped the queued index build of {} on {} ({}): the spec (generation {}) no longer asks for it",
              b.schema, b.key.collection(), b.batch.stream().map(Action.CreateIndex::name).toList(), pass.generation);
          builds.remove(b.key);
          b.queued = false;
          release(b);
        }
        return stale;
      });
    }
    waiting.values().removeIf(Queue::isEmpty);
  }

  private List<Outcome> submit(Pass pass, String collection, List<Action.CreateIndex> batch,
      Function<List<Action.CreateIndex>, List<Outcome>> body, Supplier<String> progress) {
    String schemaUid = pass.schemaUid;
    String schema = pass.schema;
    Long generation = pass.generation;
    MongoClient client = pass.client;
    String deployment = pass.deployment;
    List<Outcome> out = new ArrayList<>();
    Build build;
    Map<Action.CreateIndex, Outcome> lastWord = new HashMap<>();
    Map<Action.CreateIndex, Outcome> refusedBefore = new HashMap<>();
    Map<Action.CreateIndex, Build> alongside = new LinkedHashMap<>();
    Instant now = clock.instant();
    synchronized (this) {
      List<Action.CreateIndex> toBuild = new ArrayList<>();
      for (Action.CreateIndex c : batch) {
        IndexKey k = pass.indexKey(c);
        Refusal r = refused.get(k);
        if (r != null && r.outcome().result() == ActionType.BlockedByDuplicates) {
          // Told once: from then on BlockedBuilds recounts the duplicates each pass, and hands the
          // build here again only once they are gone.
          refused.remove(k);
          out.add(r.outcome());
          continue;
        }
        if (r != null && !r.due(now, generation, deployment, System.identityHashCode(client), retryAfter)) {
          out.add(r.outcome()); // refused: said again until the recheck, or a change of spec or server
          continue;
        }
        Build runs = runningWith(k);
        if (runs != null) {
          // The server lists an index only once built: the pass plans it again while it builds.
          alongside.put(c, runs);
          continue;
        }
        Long built = builtAt.get(k);
        if (built != null && built > pass.began) {
          // Built after this pass read the server, which then did not list it: the build's end
          // already asked for the next pass, which will.
          out.add(building(c, "built just now; the next pass reads it on the server"));
          continue;
        }
        toBuild.add(c);
        if (r != null) {
          refusedBefore.put(c, r.outcome()); // built again; the refusal stands until the new answer
        }
        Outcome said = told.remove(k);
        if (said != null) lastWord.put(c, said); // the server builds it for someone else: look again
      }
      if (toBuild.isEmpty()) {
        build = null;
      } else {
        Key key = new Key(schemaUid, pass.place, collection,
            toBuild.stream().map(c -> IndexDefinitions.fingerprint(c.index())).toList());
        build = builds.get(key);
        if (build == null) {
          build = new Build(key, schema, generation, deployment, System.identityHashCode(client), hold.apply(client),
              List.copyOf(toBuild), body);
          builds.put(key, build);
          enqueue(build);
        }
        pass.asked.add(key);
      }
    }
    Map<Build, String> messages = new HashMap<>(); // outside the lock: progress asks the server
    alongside.forEach((c, runs) -> out.add(building(c, messages.computeIfAbsent(runs, r -> message(r, progress)))));
    if (build == null) {
      return out;
    }
    String message = message(build, progress);
    for (Action.CreateIndex c : build.batch) {
      Outcome before = refusedBefore.get(c);
      if (before != null) {
        out.add(new Outcome(c, before.result(), false, before.message() + "; building it again (" + message + ")",
            before.took()));
      } else {
        out.add(lastWord.getOrDefault(c, building(c, message)));
      }
    }
    return out;
  }

  private String message(Build build, Supplier<String> progress) {
    Instant started = build.started;
    if (started == null) {
      return "queued: waiting for one of the " + perDeployment + " index build slot(s) of this MongoDB "
          + "deployment (--max-concurrent-index-builds)";
    }
    String p = safeProgress(progress);
    return "building since " + started + (p == null ? "" : "; progress " + p);
  }

  /** Under the lock: the schema's build handed to the pool that builds this index, or null. */
  private Build runningWith(IndexKey k) {
    for (Build b : builds.values()) {
      if (!b.queued && b.key.schemaUid().equals(k.schemaUid()) && b.key.place().equals(k.place())
          && b.key.collection().equals(k.collection()) && b.key.fingerprints().contains(k.fingerprint())) {
        return b;
      }
    }
    return null;
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
    AtomicInteger count = running.computeIfAbsent(b.deployment, c -> new AtomicInteger());
    if (count.get() < perDeployment) {
      count.incrementAndGet();
      start(b);
    } else {
      b.queued = true;
      waiting.computeIfAbsent(b.deployment, c -> new ArrayDeque<>()).add(b);
    }
  }

  /** Under the lock. */
  private void start(Build b) {
    try {
      pool.execute(() -> run(b));
    } catch (RejectedExecutionException closed) {
      builds.remove(b.key); // shutting down: the next leader plans it again
      release(b);
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
    release(b);
    synchronized (this) {
      if (builds.remove(b.key) != b) {
        finished(b); // its schema was deleted meanwhile: nothing to tell anyone
        return;
      }
      Instant now = clock.instant();
      ended++;
      for (Outcome o : result) {
        if (!(o.action() instanceof Action.CreateIndex c)) {
          continue;
        }
        IndexKey k = IndexKey.of(b.key, c);
        refused.remove(k);
        if (o.applied()) {
          builtAt.put(k, ended);
          // Told once: a pass that read the server just before an earlier build ended asks for it again.
          created.computeIfAbsent(b.key.schemaUid(), x -> new LinkedHashMap<>()).putIfAbsent(k, o);
        } else if (o.result() == ActionType.Building) {
          told.put(k, o);
        } else {
          refused.put(k, new Refusal(o, now, b.generation, b.deployment, b.client));
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
    Queue<Build> next = waiting.get(b.deployment);
    Build n = next == null ? null : next.poll();
    if (n != null) {
      n.queued = false;
      start(n);
      return;
    }
    waiting.remove(b.deployment);
    AtomicInteger count = running.get(b.deployment);
    if (count != null && count.decrementAndGet() <= 0) {
      running.remove(b.deployment);
    }
  }

  private static void release(Build b) {
    try {
      b.hold.close();
    } catch (Exception e) {
      LOG.warn("could not release the client of an index build of {}: {}", b.schema, e.toString());
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
    Map<IndexKey, Outcome> out = created.remove(schemaUid);
    return out == null ? List.of() : List.copyOf(out.values());
  }

  /**
   * The schema is gone: its queued builds are dropped and what ended builds said is forgotten; a
   * running one goes on (the server would finish it anyway), and what it says is dropped too.
   */
  synchronized void forget(String schemaUid) {
    waiting.values().forEach(q -> q.removeIf(b -> {
      boolean mine = b.key.schemaUid().equals(schemaUid);
      if (mine) release(b);
      return mine;
    }));
    builds.values().removeIf(b -> b.key.schemaUid().equals(schemaUid));
    told.keySet().removeIf(k -> k.schemaUid().equals(schemaUid));
    refused.keySet().removeIf(k -> k.schemaUid().equals(schemaUid));
    builtAt.keySet().removeIf(k -> k.schemaUid().equals(schemaUid));
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
      waiting.values().forEach(q -> q.forEach(IndexBuildQueue::release));
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
