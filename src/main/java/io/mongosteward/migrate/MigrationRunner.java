package io.mongosteward.migrate;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.MetadataStore;
import io.mongosteward.mongo.MigrationData;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.plan.FieldPath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one migration to its end, a stop request, or a failure. Resumable: a re-run continues from
 * the checkpoint, whichever process ran before.
 *
 * <p>A run first reads the ledger (a migration whose spec hash already succeeded is not run again),
 * takes the collection's lease (another runner's lease makes it {@code BUSY}), then works in batches:
 * after each, the lease is renewed and the checkpoint written. MongoDB failures are thrown as
 * {@link Failure}s after the {@link Retrier}'s attempts; the checkpoint of the last finished batch
 * stays, and the run record says Failed.
 */
public final class MigrationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
  /** How many entries of a run record's history are kept. */
  static final int HISTORY = 50;

  /**
   * @param leaseTtl how long a lease lasts without renewal: a killed runner's lease is taken over after it
   * @param searchTimeout the bound on each command of the duplicate search (the aggregation and each getMore)
   * @param runner names this process in leases and run records; each run adds a suffix of its own
   */
  public record Settings(Duration leaseTtl, Duration searchTimeout, String runner) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(60), Duration.ofMinutes(10), processName());
    }

    public Settings withLeaseTtl(Duration ttl) {
      return new Settings(ttl, searchTimeout, runner);
    }

    public Settings withRunner(String name) {
      return new Settings(leaseTtl, searchTimeout, name);
    }

    /** "pid@host". */
    public static String processName() {
      String host = System.getenv("HOSTNAME");
      return ProcessHandle.current().pid() + "@" + (host == null || host.isBlank() ? "localhost" : host);
    }
  }

  private final Retrier retrier;
  private final Clock clock;
  private final Settings settings;
  private final MigrationStore store;
  /** The attempts under way in this process, by runner name. */
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();

  private record Attempt(MongoDatabase db, String collection, String runId, String migration, RunContext run) {}

  public MigrationRunner(Retrier retrier, Clock clock) {
    this(retrier, clock, Settings.defaults());
  }

  public MigrationRunner(Retrier retrier, Clock clock, Settings settings) {
    this.retrier = retrier;
    this.clock = clock;
    this.settings = settings;
    this.store = new MigrationStore(retrier);
  }

  /**
   * @param stop checked at every batch boundary (Ctrl-C, suspend) and while the throttle waits:
   *     true ends the run with STOPPED, its checkpoint written
   * @throws Failure a MongoDB failure (Transient after the retries, or Permanent), or Invalid for a
   *     spec the engine cannot run
   */
  public RunResult run(MongoDatabase db, MigrationJob job, Listener listener, BooleanSupplier stop) {
    validate(job.spec());
    MongoMigrationSpec spec = job.spec();
    String collection = spec.getCollection();
    String runId = MigrationStore.runId(collection, job.migrationName(), job.specHash());
    Document record = store.readRun(db, runId);
    if (!spec.isDryRun() && succeeded(record)) {
      return alreadyDone(record);
    }
    if (!new MigrationData(retrier).collectionExists(db, collection)) {
      // A typo in spec.collection or spec.database: never a success in the ledger. Waiting: it is
      // run once the collection appears.
      throw new Failure.Waiting(Reason.CollectionNotFound, "collection " + collection + " in database "
          + db.getName() + " does not exist: check spec.collection and spec.database; a migration on an empty "
          + "collection succeeds");
    }
    String runner = settings.runner() + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    MigrationStore.Holder holder = store.takeLease(db, collection, job.migrationName(), job.owner(), settings.runner(), runner,
        clock.instant(), settings.leaseTtl());
    if (holder != null) {
      String message = "collection " + collection + " is busy: " + holder.describe();
      LOG.info("migration {}: {}", job.migrationName(), message);
      return new RunResult(RunResult.Outcome.BUSY, progressOf(Checkpoint.fromDocument(checkpointOf(record)), null),
          0, message);
    }
    RunContext run = null;
    try {
      record = store.readRun(db, runId); // again, under the lease: another runner may have finished it meanwhile
      if (!spec.isDryRun() && succeeded(record)) {
        return alreadyDone(record);
      }
      boolean fresh = record == null || succeeded(record);
      Checkpoint checkpoint = fresh ? Checkpoint.start() : Checkpoint.fromDocument(checkpointOf(record));
      List<Document> history = fresh || record.getList("history", Document.class) == null ? new ArrayList<>()
          : new ArrayList<>(record.getList("history", Document.class));
      Instant now = clock.instant();
      history.add(new Document("runner", runner).append("startedAt", Date.from(now)).append("result", "Running"));
      while (history.size() > HISTORY) history.remove(0);
      store.beginAttempt(db, runId, identity(job), checkpoint.toDocument(), runner, now, history);
      LOG.info("migration {}: {} {} in {}{}, runner {}", job.migrationName(), fresh ? "starting" : "resuming",
          spec.getDeduplicate() != null ? "deduplicate" : "backfill", collection, spec.isDryRun() ? " (dry run)" : "",
          runner);
      listener.started(!fresh);
      run = new RunContext(db, job, store, retrier, clock, settings, runner, runId, listener, stop, checkpoint, history);
      attempts.put(runner, new Attempt(db, collection, runId, job.migrationName(), run));
      RunResult result = spec.getDeduplicate() != null ? new DeduplicateRun(run).run() : new BackfillRun(run).run();
      run.finish(result.outcome() == RunResult.Outcome.SUCCEEDED ? "Succeeded" : "Stopped", result.message());
      listener.progress(result.last());
      LOG.info("migration {}: {} in {} s: {}", job.migrationName(), result.outcome(),
          Duration.between(now, clock.instant()).toSeconds(), result.message());
      return result;
    } catch (RunContext.LeaseLost lost) {
      String message = "stopped: another runner took over collection " + collection + ": " + lost.getMessage();
      LOG.warn("migration {}: {}", job.migrationName(), message);
      return new RunResult(RunResult.Outcome.BUSY, run == null ? null : run.progress(), 0, message);
    } catch (Failure f) {
      if (run != null) run.failed(f.getMessage());
      throw f;
    } finally {
      attempts.remove(runner);
      try {
        store.releaseLease(db, collection, runner);
      } catch (Failure f) {
        LOG.warn("migration {}: could not release the lease on {} (it expires by itself): {}", job.migrationName(),
            collection, f.getMessage());
      }
    }
  }

  /**
   * For a shutdown that cannot wait for a run held in one server command (a deduplication's search
   * for duplicate groups over a large collection, say): each attempt that was asked to stop and is
   * in a read-only command is marked Stopped in the ledger and its lease given back now, while its
   * client is still open, so that the next runner resumes it at once instead of waiting out the
   * lease. Safe: after that read the run checks the stop before any write, so it writes no document
   * any more, and its own later ledger writes are fenced by its runner name.
   *
   * @return how many attempts were ended so
   */
  public int abandonStopped() {
    int ended = 0;
    for (Map.Entry<String, Attempt> e : attempts.entrySet()) {
      Attempt a = e.getValue();
      if (!a.run().stopAsked() || !a.run().inRead()) {
        continue;
      }
      try {
        store.markStopped(a.db(), a.runId(), e.getKey(), "stopped by a shutdown during a read; a re-run resumes from "
            + "the checkpoint", clock.instant());
        store.releaseLease(a.db(), a.collection(), e.getKey());
        LOG.info("migration {}: stopped during a read of {}: recorded Stopped and its lease given back for the next "
            + "runner", a.migration(), a.collection());
        ended++;
      } catch (RuntimeException ex) {
        LOG.warn("migration {}: could not record its stop (its lease expires by itself): {}", a.migration(),
            ex.getMessage());
      }
    }
    return ended;
  }

  private RunResult alreadyDone(Document record) {
    Document cp = checkpointOf(record);
    Checkpoint c = Checkpoint.fromDocument(cp);
    return new RunResult(RunResult.Outcome.ALREADY_DONE, progressOf(c, null), c.lateDuplicates(),
        "already done: the ledger has this migration with this spec succeeded"
            + (record.get("endedAt") instanceof Date d ? " at " + d.toInstant() : "")
            + (record.get("message") instanceof String m ? " (" + m + ")" : ""));
  }

  static Progress progressOf(Checkpoint c, ProgressMeter meter) {
    return new Progress(c.pass(), c.scanned(), c.changed(), c.archived(), c.total(), meter == null ? 0 : meter.rate(),
        meter == null ? null : meter.eta(c.scanned(), c.total()), c.toText(), c.redone(), c.skipped());
  }

  private static boolean succeeded(Document record) {
    return record != null && "Succeeded".equals(record.get("state"));
  }

  private static Document checkpointOf(Document record) {
    return record == null ? null : record.get("checkpoint", Document.class);
  }

  private static Document identity(MigrationJob job) {
    MongoMigrationSpec spec = job.spec();
    return new Document("collection", spec.getCollection()).append("migration", job.migrationName())
        .append("owner", MigrationStore.ownerDocument(job.owner())).append("specHash", job.specHash())
        .append("type", spec.getDeduplicate() != null ? "deduplicate" : "backfill").append("dryRun", spec.isDryRun());
  }

  /** The archive collection: the spec's, else {@code <collection>_duplicates}. */
  public static String archiveOf(MongoMigrationSpec spec) {
    String archive = spec.getDeduplicate() == null ? null : spec.getDeduplicate().getArchiveCollection();
    return archive == null || archive.isBlank() ? spec.getCollection() + "_duplicates" : archive;
  }

  /** What the engine itself cannot run; the CLI and the operator check the spec fully before. */
  static void validate(MongoMigrationSpec spec) {
    Objects.requireNonNull(spec, "spec");
    String collection = spec.getCollection();
    if (collection == null || collection.isBlank()) invalid("spec.collection: required");
    if (collection.equals(MetadataStore.COLLECTION)) {
      invalid("spec.collection: " + MetadataStore.COLLECTION + " is mongo-steward's own metadata collection");
    }
    DeduplicateSpec d = spec.getDeduplicate();
    BackfillSpec b = spec.getBackfill();
    if ((d == null) == (b == null)) invalid("spec: give exactly one of deduplicate and backfill");
    if (spec.getBatchSize() == null || spec.getBatchSize() < 1) invalid("spec.batchSize: at least 1");
    if (spec.getMaxDocumentsPerSecond() == null || spec.getMaxDocumentsPerSecond() < 1) {
      invalid("spec.maxDocumentsPerSecond: at least 1");
    }
    if (d != null) {
      if (d.getKeys() == null || d.getKeys().isEmpty() || d.getKeys().stream().anyMatch(k -> k == null || k.isBlank())) {
        invalid("spec.deduplicate.keys: one field or more, none empty");
      }
      String archive = archiveOf(spec);
      if (archive.equals(collection) || archive.equals(MetadataStore.COLLECTION)) {
        invalid("spec.deduplicate.archiveCollection: must differ from the collection and from "
            + MetadataStore.COLLECTION);
      }
    }
    if (b != null) {
      if (b.getSource() == null || b.getSource().isBlank()) invalid("spec.backfill.source: required");
      if (b.getTarget() == null || b.getTarget().isBlank()) invalid("spec.backfill.target: required");
      if (FieldPath.overlap(b.getSource(), b.getTarget()) || b.getTarget().equals("_id")
          || b.getTarget().startsWith("_id.")) {
        invalid("spec.backfill.target: must not be _id, the source, or a field inside or around the source");
      }
    }
  }

  private static void invalid(String message) {
    throw new Failure.Invalid(Reason.InvalidSpec, message);
  }
}
