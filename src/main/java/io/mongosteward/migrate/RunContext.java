package io.mongosteward.migrate;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.mongo.Retrier;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt of a run: its lease, its checkpoint, its pace and its progress, shared by both kinds of migration. */
final class RunContext {
  private static final Logger LOG = LoggerFactory.getLogger(RunContext.class);
  /** The longest sleep between two looks at the stop request while the throttle waits. */
  private static final Duration LOOK = Duration.ofMillis(100);

  /** Another runner holds the lease or the run record now: this one must write nothing more. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String message) {
      super(message, null, false, false);
    }
  }

  final MongoDatabase db;
  final MigrationJob job;
  final Retrier retrier;
  final MigrationRunner.Settings settings;
  private final MigrationStore store;
  private final Clock clock;
  private final String runner;
  private final String runId;
  private final Listener listener;
  private final BooleanSupplier stop;
  private final List<Document> history;
  private final Throttle throttle;
  private final ProgressMeter meter = new ProgressMeter();
  private Checkpoint checkpoint;
  private long renewedNanos = System.nanoTime();
  /** In a read-only command (the duplicate search, a page of _ids): no write of this batch has begun. */
  private volatile boolean reading;

  RunContext(MongoDatabase db, MigrationJob job, MigrationStore store, Retrier retrier, Clock clock,
      MigrationRunner.Settings settings, String runner, String runId, Listener listener, BooleanSupplier stop,
      Checkpoint checkpoint, List<Document> history) {
    this.db = db;
    this.job = job;
    this.store = store;
    this.retrier = retrier;
    this.clock = clock;
    this.settings = settings;
    this.runner = runner;
    this.runId = runId;
    this.listener = listener;
    this.stop = stop;
    this.checkpoint = checkpoint;
    this.history = history;
    this.throttle = new Throttle(job.spec().getMaxDocumentsPerSecond(), job.spec().getBatchSize());
    meter.record(System.nanoTime(), checkpoint.scanned());
  }

  Checkpoint checkpoint() {
    return checkpoint;
  }

  int batchSize() {
    return job.spec().getBatchSize();
  }

  boolean dryRun() {
    return job.spec().isDryRun();
  }

  String collection() {
    return job.spec().getCollection();
  }

  /**
   * Runs a read-only step of the run. While it waits on the server, a stop cannot be seen; a
   * shutdown may then end the attempt in the ledger on its behalf ({@link MigrationRunner#abandonStopped}):
   * after the read, the run checks the stop before any write, so it writes no document any more.
   */
  <T> T reading(java.util.function.Supplier<T> read) {
    reading = true;
    try {
      return read.get();
    } finally {
      reading = false;
    }
  }

  boolean inRead() {
    return reading;
  }

  /** The stop request alone, as another thread may read it. */
  boolean stopAsked() {
    return stop.getAsBoolean();
  }

  /** True when a stop was asked for (or the thread interrupted). */
  boolean stopRequested() {
    return stop.getAsBoolean() || Thread.currentThread().isInterrupted();
  }

  /**
   * Waits until {@code documents} more reads fit the rate, renewing the lease on the way.
   *
   * @return false when a stop was asked for meanwhile: the batch is not to be written
   */
  boolean pace(long documents) {
    long deadline = System.nanoTime() + throttle.reserve(documents).toNanos();
    while (true) {
      if (stopRequested()) return false;
      long left = deadline - System.nanoTime();
      if (left <= 0) return true;
      if (System.nanoTime() - renewedNanos > settings.leaseTtl().toNanos() / 3) renew();
      LockSupport.parkNanos(Math.min(left, LOOK.toNanos()));
    }
  }

  void renew() {
    if (!store.renewLease(db, collection(), runner, clock.instant(), settings.leaseTtl())) {
      MigrationStore.Holder h = store.leaseHolder(db, collection());
      throw new LeaseLost(h == null ? "the lease expired and was released" : h.describe());
    }
    renewedNanos = System.nanoTime();
  }

  /**
   * Writes a checkpoint (fenced: the record must still be this runner's). A new total is reported
   * at once: the first batch of a slow throttle may take long, and the total is known before it.
   */
  void save(Checkpoint next) {
    if (!store.checkpoint(db, runId, runner, next.toDocument(), clock.instant())) {
      throw new LeaseLost("its run record names another runner");
    }
    boolean newTotal = !java.util.Objects.equals(checkpoint.total(), next.total());
    checkpoint = next;
    if (newTotal) {
      listener.counted(progress());
    }
  }

  /** A batch is done: renew the lease, write the checkpoint, tell the listener. */
  void batchDone(Checkpoint next) {
    renew();
    save(next);
    meter.record(System.nanoTime(), next.scanned());
    listener.progress(progress());
  }

  Progress progress() {
    return MigrationRunner.progressOf(checkpoint, meter);
  }

  /** Ends the attempt in the ledger. */
  void finish(String state, String message) {
    endHistory(state, message);
    if (!store.finish(db, runId, runner, state, checkpoint.toDocument(), message, clock.instant(), history)) {
      throw new LeaseLost("its run record names another runner");
    }
  }

  /** Records a failure in the ledger, if the database still answers. */
  void failed(String message) {
    // A run asked to stop that fails meanwhile (its client closed, its thread interrupted by a
    // shutdown) is a stopped one: it resumes from the checkpoint like any other.
    String state = stopAsked() ? "Stopped" : "Failed";
    try {
      endHistory(state, message);
      store.finish(db, runId, runner, state, checkpoint.toDocument(), message, clock.instant(), history);
    } catch (RuntimeException e) {
      LOG.warn("migration {}: could not record the failure in the ledger: {}", job.migrationName(), e.getMessage());
    }
  }

  private void endHistory(String state, String message) {
    Document last = history.get(history.size() - 1);
    last.append("endedAt", Date.from(clock.instant())).append("result", state).append("message", message)
        .append("scanned", checkpoint.scanned()).append("changed", checkpoint.changed())
        .append("archived", checkpoint.archived());
  }
}
