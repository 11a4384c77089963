package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.mongosteward.api.v1alpha1.ConnectionSpec;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationStatus;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.migrate.Listener;
import io.mongosteward.migrate.MigrationJob;
import io.mongosteward.migrate.MigrationRunner;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import io.mongosteward.mongo.ErrorClassifier;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Op;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.plan.MigrationValidator;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Violation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each MongoMigration once per generation, on {@link MigrationRuns}' threads, never on a
 * reconcile thread: a reconcile starts a run, then observes it (progress patched at most every
 * {@link #PROGRESS_EVERY}), and the run's end triggers one more reconcile, which records the
 * result. The checkpoint lives in the database, so a run cut short (a restart, a failover, a lost
 * connection, a suspend) resumes where it stopped, here or in the CLI.
 */
public final class MongoMigrationReconciler implements Reconciler<MongoMigration> {
  private static final Logger LOG = LoggerFactory.getLogger(MongoMigrationReconciler.class);
  /** Status progress is patched at most this often; the run reports after every batch. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** How soon a migration that waits (the collection busy, the schema or Secret missing, MongoDB unreachable) looks again. */
  static final Duration RECHECK = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final SchemaConnections connections;
  private final MigrationRunner runner;
  private final MigrationRuns runs;
  private final MigrationStatuses statuses;
  private final SchemaEvents events;
  private final MigrationMetrics metrics;
  private final SchemaNudge nudge;
  private final Clock clock;
  private final MigrationValidator validator = new MigrationValidator();
  private final SimpleInboundEventSource<MongoMigration> ended = new SimpleInboundEventSource<>("migration-runs");
  /** When each migration's status was last patched with progress. */
  private final Map<String, Instant> patchedAt = new ConcurrentHashMap<>();
  private final StatusWrites<MongoMigrationStatus> writes = new StatusWrites<>();

  MongoMigrationReconciler(KubernetesClient client, SchemaConnections connections, MigrationRunner runner,
      int threads, MigrationStatuses statuses, SchemaEvents events, MigrationMetrics metrics, SchemaNudge nudge,
      Clock clock) {
    this.client = client;
    this.connections = connections;
    this.runner = runner;
    this.statuses = statuses;
    this.events = events;
    this.metrics = metrics;
    this.nudge = nudge;
    this.clock = clock;
    this.runs = new MigrationRuns(threads, this::runEnded);
  }

  private void runEnded(String key) {
    int slash = key.indexOf('/');
    ended.propagateEvent(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
  }

  @Override
  public List<EventSource<?, MongoMigration>> prepareEventSources(EventSourceContext<MongoMigration> context) {
    return List.of(ended);
  }

  @Override
  public UpdateControl<MongoMigration> reconcile(MongoMigration m, Context<MongoMigration> context) {
    String key = key(m);
    if (context.isPrimaryResourceDeleted() || m.isMarkedForDeletion()) {
      // No finalizer: a deletion never waits for the operator. A queued run is dropped; a running
      // one stops at its next batch (checkpoint written, lease given back, record Stopped), and
      // only then is its client closed: closed under a batch, it would leave the batch half done.
      patchedAt.remove(key);
      writes.forget(key);
      metrics.forget(key);
      String user = clientUser(m);
      runs.retire(key, () -> connections.release(user));
      return UpdateControl.noUpdate();
    }
    if (runs.closing()) {
      // Shutting down: nothing starts, and the status keeps its phase for the next leader.
      MigrationRuns.Run stopped = runs.get(key);
      if (stopped != null && stopped.ended() && stopped.result() != null && m.getStatus() != null
          && m.getStatus().getPhase() == MigrationPhase.Running) {
        return update(m, statuses.running(m, stopped.progress(), false, "stopped at a batch boundary by the "
            + "operator's shutdown; the next leader resumes it from its checkpoint"));
      }
      return UpdateControl.noUpdate();
    }
    long generation = m.getMetadata().getGeneration();
    MigrationRuns.Run run = runs.get(key);
    if (run != null && run.retired()) {
      return update(m, statuses.pending(m, Reason.Pending, "waiting for the run of a deleted MongoMigration of "
          + "the same name to stop at its batch boundary")).rescheduleAfter(Duration.ofSeconds(1));
    }
    if (run != null && !run.ended() && (m.getSpec().isSuspend() || run.generation != generation) && runs.cancel(run)) {
      // Queued, never started: there is no batch to wait for.
      LOG.info("migration {}: its queued run is dropped ({})", key, m.getSpec().isSuspend() ? "suspended"
          : "the spec changed");
      run = null;
    }
    if (run != null && !run.ended() && m.getSpec().isSuspend()) {
      if (!run.stopRequested()) {
        run.stop();
        LOG.info("migration {} suspends at its next batch", key);
      }
      return update(m, statuses.running(m, run.progress(), false, "suspending at the next batch boundary"))
          .rescheduleAfter(Duration.ofSeconds(1));
    }
    if (run != null && run.generation != generation && !run.ended()) {
      run.stop(); // the spec changed: the old run stops at a batch boundary, then the new one starts
      return update(m, statuses.pending(m, Reason.Pending, "the spec changed: stopping the run of generation "
          + run.generation + " at its next batch, then starting this one")).rescheduleAfter(Duration.ofSeconds(1));
    }
    if (run != null && run.generation == generation) {
      if (run.ended()) {
        return ended(m, run);
      }
      return observe(m, run);
    }
    if (run != null) {
      runs.forget(key); // an ended run of an older generation
    }
    MongoMigrationStatus status = m.getStatus();
    if (status != null && status.getPhase() == MigrationPhase.Succeeded && status.getObservedGeneration() != null
        && (status.getObservedGeneration() == generation || Objects.equals(status.getSpecHash(), hashOf(m)))) {
      // Done, and the edit (suspend, batchSize, maxDocumentsPerSecond, the connection) changes
      // nothing of its work: the ledger would say "already done". Its counts and times stay.
      metrics.phase(key, MigrationPhase.Succeeded);
      return update(m, statuses.kept(m));
    }
    if (status != null && status.getPhase() == MigrationPhase.Failed && status.getObservedGeneration() != null
        && status.getObservedGeneration() == generation) {
      metrics.phase(key, MigrationPhase.Failed);
      return UpdateControl.noUpdate(); // once per generation: an edit runs it again
    }
    if (m.getSpec().isSuspend()) {
      return suspended(m, null);
    }
    return start(m);
  }

  private UpdateControl<MongoMigration> start(MongoMigration m) {
    String key = key(m);
    try {
      validate(m.getSpec());
      MongoDatabase db = database(m);
      MongoMigrationSpec spec = m.getSpec();
      MigrationJob job = MigrationJob.of(owner(m), spec);
      MigrationRuns.Run run = runs.start(key, m.getMetadata().getGeneration(), (stop, listener) -> runner.run(db, job,
          new Listener() {
            // Called on the run's one thread.
            private boolean first = true;
            private boolean resumed;

            @Override
            public void started(boolean r) {
              resumed = r;
              listener.started(r);
            }

            @Override
            public void counted(Progress p) {
              listener.counted(p);
            }

            @Override
            public void progress(Progress p) {
              metrics.progress(key, p, first, !resumed);
              first = false;
              listener.progress(p);
            }
          }, stop));
      LOG.info("migration {} {} ({} of {}.{})", key, runs.waiting(run) ? "waits for a migration thread" : "starts",
          spec.getDeduplicate() != null ? "deduplicate" : "backfill", db.getName(), spec.getCollection());
      if (runs.waiting(run)) {
        return queued(m);
      }
      metrics.phase(key, MigrationPhase.Running);
      patchedAt.put(key, clock.instant());
      return update(m, statuses.running(m, null, false, starting(m))).rescheduleAfter(PROGRESS_EVERY);
    } catch (MigrationRuns.ShuttingDown e) {
      return UpdateControl.noUpdate(); // the next leader starts it
    } catch (RuntimeException e) {
      return notStarted(m, e);
    }
  }

  private static String starting(MongoMigration m) {
    return "starting: reading the ledger and taking the lease of collection " + m.getSpec().getCollection();
  }

  /** More migrations than threads: this one waits as Pending (and MongoMigrationStuck, on Running, stays quiet). */
  private UpdateControl<MongoMigration> queued(MongoMigration m) {
    String key = key(m);
    metrics.phase(key, MigrationPhase.Pending);
    MongoMigrationStatus before = m.getStatus();
    // Whether the run resumes is the engine's to say when it begins; until then a finished run's
    // counts are not this one's.
    boolean fresh = before == null || before.getPhase() == MigrationPhase.Succeeded
        || before.getPhase() == MigrationPhase.Failed;
    return update(m, statuses.queued(m, fresh, "waiting for a migration thread: " + runs.running() + " running, "
        + "--migration-threads " + runs.threads())).rescheduleAfter(RECHECK);
  }

  /** The engine began the run: the Event and the status say whether it resumed, from the engine itself. */
  private MongoMigrationStatus announce(MongoMigration m, MigrationRuns.Run run) {
    String key = key(m);
    boolean resumed = Boolean.TRUE.equals(run.resumed());
    MongoMigrationSpec spec = m.getSpec();
    String what = (spec.isDryRun() ? "dry run of a " : "") + (spec.getDeduplicate() != null ? "deduplication"
        : "backfill") + " of collection " + spec.getCollection();
    LOG.info("migration {} {} a {}", key, resumed ? "resumed" : "started", what);
    events.normal(m, resumed ? "Resumed" : "Started", (resumed ? "resumed a " : "started a ") + what
        + (resumed ? " from its checkpoint" : ""));
    metrics.phase(key, MigrationPhase.Running);
    patchedAt.put(key, clock.instant());
    MongoMigrationStatus next = statuses.running(m, resumed ? run.progress() : null, !resumed,
        resumed ? "resumed from its checkpoint" : "started");
    next.setSpecHash(hashOf(m));
    return next;
  }

  /** The run goes on: progress at most every PROGRESS_EVERY. */
  private UpdateControl<MongoMigration> observe(MongoMigration m, MigrationRuns.Run run) {
    String key = key(m);
    if (runs.waiting(run)) {
      return queued(m);
    }
    if (run.resumed() != null && run.announce()) {
      return update(m, announce(m, run)).rescheduleAfter(PROGRESS_EVERY);
    }
    Instant last = patchedAt.get(key);
    Instant now = clock.instant();
    boolean due = last == null || !now.isBefore(last.plus(PROGRESS_EVERY));
    MigrationPhase phase = m.getStatus() == null ? null : m.getStatus().getPhase();
    if (!due && phase == MigrationPhase.Running) {
      return UpdateControl.<MongoMigration>noUpdate().rescheduleAfter(Duration.between(now, last.plus(PROGRESS_EVERY)));
    }
    patchedAt.put(key, now);
    metrics.phase(key, MigrationPhase.Running);
    return update(m, statuses.running(m, run.announced() ? run.progress() : null, false,
        run.announced() ? "running" : starting(m))).rescheduleAfter(PROGRESS_EVERY);
  }

  private UpdateControl<MongoMigration> ended(MongoMigration m, MigrationRuns.Run run) {
    String key = key(m);
    patchedAt.remove(key);
    MigrationPhase before = m.getStatus() == null ? null : m.getStatus().getPhase();
    if (run.resumed() != null && run.announce()) {
      m.setStatus(announce(m, run)); // it ended before a reconcile saw it begin
    }
    if (run.failure() != null) {
      runs.forget(key);
      return runFailed(m, run.failure(), run.progress());
    }
    RunResult result = run.result();
    Progress progress = result.last() != null ? result.last() : run.progress();
    switch (result.outcome()) {
      case SUCCEEDED, ALREADY_DONE -> {
        String message = result.message();
        metrics.phase(key, MigrationPhase.Succeeded);
        connections.release(clientUser(m));
        if (result.outcome() == RunResult.Outcome.ALREADY_DONE && before == MigrationPhase.Succeeded) {
          // An edit that the ledger has done already: the status keeps the run's counts and times.
          MongoMigrationStatus kept = statuses.kept(m);
          kept.setSpecHash(hashOf(m));
          return update(m, kept);
        }
        LOG.info("migration {} succeeded: {}", key, message);
        events.normal(m, Reason.Completed.name(), message);
        if (result.outcome() == RunResult.Outcome.SUCCEEDED && m.getSpec().getDeduplicate() != null
            && !m.getSpec().isDryRun()) {
          List<String> nudged = nudgeBlocked(m);
          if (!nudged.isEmpty()) {
            LOG.info("migration {} removed the duplicates: retrying the blocked unique indexes of {}", key, nudged);
            events.normal(m, "RetryingBlockedIndexes", "the duplicates are gone: retrying the unique indexes of "
                + String.join(", ", nudged));
          }
        }
        MongoMigrationStatus next = statuses.succeeded(m, progress, result.lateDuplicates(), message);
        next.setSpecHash(hashOf(m));
        return update(m, next);
      }
      case STOPPED -> {
        runs.forget(key);
        if (m.getSpec().isSuspend()) {
          return suspended(m, progress);
        }
        return start(m); // stopped for another reason (a shutdown raced this reconcile): go on
      }
      case BUSY -> {
        runs.forget(key);
        metrics.phase(key, MigrationPhase.Pending);
        return update(m, statuses.pending(m, Reason.CollectionBusy, result.message())).rescheduleAfter(RECHECK);
      }
      default -> throw new IllegalStateException("unknown outcome " + result.outcome());
    }
  }

  private UpdateControl<MongoMigration> suspended(MongoMigration m, Progress progress) {
    String key = key(m);
    metrics.phase(key, MigrationPhase.Suspended);
    MongoMigrationStatus next = statuses.suspended(m, progress);
    if (m.getStatus() == null || m.getStatus().getPhase() != MigrationPhase.Suspended) {
      LOG.info("migration {} is suspended", key);
      events.normal(m, Reason.Suspended.name(), next.getMessage());
    }
    return update(m, next);
  }

  /** The spec hash of the ledger, or null for a spec the engine cannot run. */
  private static String hashOf(MongoMigration m) {
    try {
      return MigrationJob.specHash(m.getSpec());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A run that ended by a failure: a transient one resumes from the checkpoint after RECHECK; the others end the migration. */
  private UpdateControl<MongoMigration> runFailed(MongoMigration m, RuntimeException e, Progress progress) {
    Failure failure = failureOf(m, e);
    String message = KubeErrors.scrub(Redactor.scrubUris(failure.getMessage()));
    String key = key(m);
    if (failure instanceof Failure.Transient || failure instanceof Failure.Waiting || fixedBySecret(failure)) {
      boolean checkpointed = progress != null && progress.checkpoint() != null
          || m.getStatus() != null && m.getStatus().getCheckpoint() != null;
      String then = checkpointed ? "resumes from its checkpoint" : "retried";
      LOG.warn("migration {} paused by {}: {} in {}: {}", key, failure.reason(), then, RECHECK.toSeconds() + " s",
          message);
      metrics.phase(key, MigrationPhase.Pending);
      MongoMigrationStatus next = statuses.pending(m, failure.reason(), message + "; " + then + " every "
          + RECHECK.toSeconds() + " s" + (fixedBySecret(failure) ? " (fix the Secret)" : ""));
      if (progress != null) {
        next.setProgress(MigrationStatuses.progressOf(progress));
        next.setCheckpoint(progress.checkpoint());
      }
      warnOnChange(m, next);
      return update(m, next).rescheduleAfter(RECHECK);
    }
    LOG.error("migration {} failed ({}): {}", key, failure.reason(), message);
    metrics.phase(key, MigrationPhase.Failed);
    connections.release(clientUser(m));
    MongoMigrationStatus next = statuses.failed(m, failure.reason(), message, progress);
    events.warning(m, Reason.Failed.name(), failure.reason() + ": " + message);
    return update(m, next);
  }

  /** What stopped a run from starting: an invalid spec fails; a missing Secret or schema, or MongoDB out of reach, waits. */
  private UpdateControl<MongoMigration> notStarted(MongoMigration m, RuntimeException e) {
    if (KubeErrors.isConflict(e)) {
      throw e;
    }
    Failure failure = failureOf(m, e);
    String key = key(m);
    String message = KubeErrors.scrub(Redactor.scrubUris(failure.getMessage()));
    if ((failure instanceof Failure.Invalid || failure instanceof Failure.Permanent) && !fixedBySecret(failure)) {
      metrics.phase(key, MigrationPhase.Failed);
      MongoMigrationStatus next = statuses.failed(m, failure.reason(), message, null);
      events.warning(m, failure.reason().name(), message);
      return update(m, next);
    }
    metrics.phase(key, MigrationPhase.Pending);
    MongoMigrationStatus next = statuses.pending(m, failure.reason(), message
        + (fixedBySecret(failure) ? "; retried every " + RECHECK.toSeconds() + " s (fix the Secret)" : ""));
    warnOnChange(m, next);
    return update(m, next).rescheduleAfter(RECHECK);
  }

  /**
   * A connection string or credentials the Secret gives: wrong until someone fixes the Secret, which
   * the operator does not watch for migrations, so it waits and looks again (never Failed for good).
   */
  private static boolean fixedBySecret(Failure failure) {
    return failure.reason() == Reason.InvalidConnectionString || failure.reason() == Reason.AuthenticationFailed;
  }

  /** What stopped a start or a run, classified once: ours as thrown, the API server's, else MongoDB's. */
  private static Failure failureOf(MongoMigration m, RuntimeException e) {
    Failure failure = Failure.find(e);
    if (failure != null) {
      return failure;
    }
    io.fabric8.kubernetes.client.KubernetesClientException api = KubeErrors.find(e);
    return api != null ? new Failure.Transient(Reason.Failed, KubeErrors.describe(api))
        : ErrorClassifier.classify(e, Op.of("migration", m.getSpec().getCollection()), Redactor.none());
  }

  private void warnOnChange(MongoMigration m, MongoMigrationStatus next) {
    MongoMigrationStatus before = m.getStatus();
    if (before == null || !java.util.Objects.equals(before.getReason(), next.getReason())) {
      events.warning(m, next.getReason(), next.getMessage());
    }
  }

  @Override
  public ErrorStatusUpdateControl<MongoMigration> updateErrorStatus(MongoMigration m, Context<MongoMigration> context,
      Exception e) {
    // Only the framework's own writes fail here (a 409 on the status patch, the API server away):
    // the run itself never throws into a reconcile.
    if (!KubeErrors.isConflict(e)) {
      LOG.warn("reconcile of migration {} failed: {}", key(m), KubeErrors.scrub(String.valueOf(e.getMessage())));
    }
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  private void validate(MongoMigrationSpec spec) {
    List<Violation> violations = validator.validate(spec);
    if (!violations.isEmpty()) {
      throw new Failure.Invalid(Reason.InvalidSpec, violations.stream().map(Violation::toString)
          .collect(Collectors.joining("; ")));
    }
  }

  private MongoDatabase database(MongoMigration m) {
    String ns = m.getMetadata().getNamespace();
    MongoMigrationSpec spec = m.getSpec();
    ConnectionSpec connection = spec.getConnection();
    String database = spec.getDatabase();
    if (spec.getSchemaRef() != null) {
      MongoSchema schema = schemaOf(m);
      connection = schema.getSpec().getConnection();
      if (database == null) {
        database = schema.getSpec().getDatabase();
      }
    }
    if (connection == null || connection.getSecretRef() == null) {
      throw new Failure.Invalid(Reason.InvalidSpec, "spec.connection.secretRef: required, or spec.schemaRef");
    }
    MongoUri uri = connections.uriFor(ns, connection.getSecretRef(), List.of());
    MongoClient mongo = connections.clientFor(clientUser(m), uri, connection.getClientOptions(),
        connections.tlsFor(ns, connection.getTls(), List.of()));
    return mongo.getDatabase(database);
  }

  /** Retries at once the unique indexes that this deduplication unblocked (else they wait for their resync). */
  private List<String> nudgeBlocked(MongoMigration m) {
    try {
      String database = m.getSpec().getDatabase() != null ? m.getSpec().getDatabase()
          : schemaOf(m).getSpec().getDatabase();
      return nudge.duplicatesRemoved(database, m.getSpec().getCollection());
    } catch (RuntimeException e) {
      LOG.warn("migration {}: could not retry the blocked unique indexes now ({}); they retry at their resync", key(m),
          e.getClass().getSimpleName());
      return List.of();
    }
  }

  private MongoSchema schemaOf(MongoMigration m) {
    String ns = m.getMetadata().getNamespace();
    String name = m.getSpec().getSchemaRef().getName();
    MongoSchema schema = client.resources(MongoSchema.class).inNamespace(ns).withName(name).get();
    if (schema == null || schema.getSpec() == null) {
      throw new Failure.Waiting(Reason.SchemaNotFound, "spec.schemaRef: MongoSchema " + ns + "/" + name
          + " does not exist: create it, or fix the name");
    }
    return schema;
  }

  private UpdateControl<MongoMigration> update(MongoMigration m, MongoMigrationStatus next) {
    if (!writes.needsWrite(key(m), m.getStatus(), next)) {
      return UpdateControl.noUpdate();
    }
    m.setStatus(next);
    return UpdateControl.patchStatus(m);
  }

  static Owner owner(MongoMigration m) {
    var meta = m.getMetadata();
    return new Owner(meta.getNamespace(), meta.getName(), meta.getUid());
  }

  /** "namespace/name": the run's key, and the migration's label in metrics and logs. */
  static String key(MongoMigration m) {
    return m.getMetadata().getNamespace() + "/" + m.getMetadata().getName();
  }

  private static String clientUser(MongoMigration m) {
    return "MongoMigration/" + key(m);
  }

  /**
   * Stops every run at its next batch; their checkpoints let the next leader resume them. A run
   * still held in a read after {@code bound} (a deduplication's search for duplicate groups) is
   * recorded Stopped and its lease given back on its behalf, so that the next leader does not wait
   * out the lease; it writes nothing more.
   */
  void stopRuns(Duration bound) {
    if (!runs.close(bound, () -> {
      int ended = runner.abandonStopped();
      LOG.info("{} migration run(s) still in a read after {} s: {} recorded Stopped for the next leader",
          runs.running(), bound.toSeconds(), ended);
    })) {
      LOG.info("migration runs stopped, some in a read: the next leader resumes them from their checkpoints");
    }
  }
}
