package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.DeletionPolicy;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.CommitQuorum;
import io.mongosteward.mongo.ErrorClassifier;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Op;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.SchemaApplier;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.ServerInfo;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.SpecValidator;
import io.mongosteward.plan.Violation;
import io.mongosteward.api.v1alpha1.HiddenIndexStatus;
import io.mongosteward.plan.PolicyDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one database the way its MongoSchema says: validate, connect, observe-plan-apply,
 * status. Whatever stops a pass is a {@link Failure}, classified once and handled in one place:
 * transient ones are thrown to the framework's retry with backoff; the others set Ready=False
 * with their reason and wait for a change (of the spec or the Secret) or a slow recheck.
 */
public final class MongoSchemaReconciler implements Reconciler<MongoSchema> {
  /**
   * Held only by schemas with deletionPolicy Delete, which have something to clean up; the name
   * JOSDK gave its own, so that resources from earlier versions keep theirs.
   */
  static final String FINALIZER = "mongoschemas.mongosteward.io/finalizer";

  private static final Logger LOG = LoggerFactory.getLogger(MongoSchemaReconciler.class);

  private final OperatorSettings settings;
  private final SchemaConnections connections;
  private final SchemaEngine engine;
  private final SchemaStatuses statuses;
  private final SchemaEvents events;
  private final OperatorMetrics metrics;
  private final BlockedBuilds blocked;
  private final ReconcileWatch watch;
  private final SpecValidator validator = new SpecValidator();
  private final SchemaDeletion deletion;
  private final StaleOwners staleOwners;
  private final SchemaNudge nudge;
  private final IndexUsageReports usage;
  private final IndexBuildQueue builds;
  /** How soon a schema with a build queued or running is looked at again, for its progress; its end nudges at once. */
  static final Duration BUILD_RECHECK = Duration.ofSeconds(5);
  /**
   * Schemas (by uid) whose framework retries ran out. A reschedule from updateErrorStatus ends
   * JOSDK's retry as if the pass had succeeded, so each recheck would start a new round of
   * retries; instead each recheck is one attempt, until a pass ends without a transient failure.
   */
  private final Set<String> exhausted = ConcurrentHashMap.newKeySet();

  /** status.server without a command per pass: the version once per client, the latency from the heartbeat. */
  private final ServerInfo.Reader serverInfo;
  /** The Secret polling the framework was given, which {@link #stopPolling()} ends whatever the framework did. */
  private volatile SecretPolling secretPolling;

  MongoSchemaReconciler(OperatorSettings settings, SchemaConnections connections, SchemaEngine engine,
      SchemaStatuses statuses, SchemaEvents events, OperatorMetrics metrics, BlockedBuilds blocked,
      ReconcileWatch watch, SchemaNudge nudge, IndexBuildQueue builds) {
    this.builds = builds;
    this.watch = watch;
    this.nudge = nudge;
    this.settings = settings;
    this.connections = connections;
    this.engine = engine;
    // The engine's: one buildInfo per client tells both the version and how the server keeps index options.
    this.serverInfo = engine.servers();
    this.statuses = statuses;
    this.events = events;
    this.metrics = metrics;
    this.blocked = blocked;
    this.deletion = new SchemaDeletion(settings, connections, engine, events, metrics);
    this.staleOwners = new StaleOwners(settings.namespaces(), engine, events);
    this.usage = new IndexUsageReports(statuses.clock(), settings.resyncInterval());
  }

  @Override
  public List<EventSource<?, MongoSchema>> prepareEventSources(EventSourceContext<MongoSchema> context) {
    secretPolling = SecretPolling.eventSource(context, settings.secretPollInterval());
    return List.of(secretPolling, nudge.eventSource());
  }

  /**
   * Ends the Secret polling's timer thread. The framework stops its event sources only once its start
   * has completed (JOSDK 5.2's Operator.stop), so an operator closed while a start the API server
   * refuses is still under way, or one that never led, would otherwise keep the thread, polling
   * with a closed client every interval.
   */
  void stopPolling() {
    SecretPolling polling = secretPolling;
    if (polling != null) {
      polling.stop();
    }
  }

  @Override
  public UpdateControl<MongoSchema> reconcile(MongoSchema schema, Context<MongoSchema> context) {
    // Called for every event (triggerReconcilerOnAllEvents), deletion included: only schemas that
    // drop indexes on deletion carry a finalizer, so that a Retain schema never holds up a
    // namespace deletion, even with no operator running.
    if (context.isPrimaryResourceDeleted()) {
      forget(schema);
      if (!schema.hasFinalizer(FINALIZER)) {
        deletion.gone(schema, context.getSecondaryResources(Secret.class));
      }
      return UpdateControl.noUpdate();
    }
    if (schema.isMarkedForDeletion()) {
      return deleting(schema, context);
    }
    boolean wanted = schema.getSpec().getDeletionPolicy() == DeletionPolicy.Delete;
    if (wanted && !schema.hasFinalizer(FINALIZER)) {
      schema = PrimaryUpdateAndCacheUtils.addFinalizer(context, FINALIZER);
    } else if (!wanted && schema.hasFinalizer(FINALIZER)) {
      schema = PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
    }
    try (var watched = watch.enter(id(schema))) {
      return reconcileWatched(schema, context);
    }
  }

  private UpdateControl<MongoSchema> deleting(MongoSchema schema, Context<MongoSchema> context) {
    if (!schema.hasFinalizer(FINALIZER)) {
      return UpdateControl.noUpdate(); // another finalizer holds it; ours is done or was never there
    }
    try (var watched = watch.enter(id(schema) + " (deletion)")) {
      Optional<Duration> again = deletion.delete(schema, context.getSecondaryResources(Secret.class));
      if (again.isPresent()) {
        return UpdateControl.<MongoSchema>noUpdate().rescheduleAfter(again.get());
      }
      forget(schema);
      PrimaryUpdateAndCacheUtils.removeFinalizer(context, FINALIZER);
      return UpdateControl.noUpdate();
    }
  }

  private void forget(MongoSchema schema) {
    builds.forget(schema.getMetadata().getUid());
    blocked.forget(schema);
    usage.forget(schema.getMetadata().getUid());
    exhausted.remove(schema.getMetadata().getUid());
    metrics.schemaGone(id(schema));
  }

  private UpdateControl<MongoSchema> reconcileWatched(MongoSchema schema, Context<MongoSchema> context) {
    long start = System.nanoTime();
    try {
      validate(schema);
      var secrets = context.getSecondaryResources(Secret.class);
      MongoUri uri = connections.uriFor(schema, secrets);
      MongoClient client = connections.clientFor(schema, uri, secrets);
      boolean paused = schema.getSpec().getPolicy().isPaused();
      var db = client.getDatabase(schema.getSpec().getDatabase());
      String uid = schema.getMetadata().getUid();
      CommitQuorum.Decision quorum = CommitQuorum.decide(schema.getSpec().getPolicy().getCommitQuorum(),
          client.getClusterDescription().getType());
      // Builds go to the queue: this thread only plans, hands them off and reports.
      IndexBuildQueue.Pass handoff = builds.forSchema(uid, id(schema), schema.getMetadata().getGeneration(), client,
          schema.getSpec().getDatabase());
      java.util.function.Supplier<SyncResult> pass = () -> engine.sync(db, schema.getSpec(),
          new SchemaEngine.Pass(owner(schema), paused, paused ? SchemaEngine.DuplicateCheck.ALL : blocked.checkFor(schema),
              step -> watch.step(), handoff, quorum.value(), client));
      SyncResult result = pass.get();
      // A record held by a schema deleted while no operator ran: clean up after it, then claim.
      // The same handoff: passEnded must see the builds of both syncs as asked for.
      if (!paused && staleOwners.release(schema, context.getClient(), db, result)) {
        result = pass.get();
      }
      builds.passEnded(handoff); // its queued builds the spec no longer asks for never run
      List<Outcome> built = builds.takeCreated(uid);
      String after = schema.getSpec().getPolicy().getReportUnusedAfter();
      IndexUsageReports.Report unused = usage.report(schema.getMetadata().getUid(),
          after == null ? null : PolicyDurations.parse(after), () -> engine.indexStats(db, schema.getSpec()));
      exhausted.remove(schema.getMetadata().getUid());
      blocked.record(schema, result);
      record(schema, result.outcomes());
      record(schema, built);
      LOG.info("reconciled {} in {} ms: {} change(s), {} to report", id(schema), (System.nanoTime() - start) / 1_000_000,
          result.outcomes().size(), result.remainingReports().size());
      return synced(schema, result, unused, serverInfo.tryRead(client), paused, quorum.note(),
          SchemaStatuses.insecure(schema.getSpec().getConnection().getTls(), uri));
    } catch (RuntimeException e) {
      if (KubeErrors.isConflict(e)) {
        throw e; // a write of ours met a newer version: updateErrorStatus lets the framework retry
      }
      Failure failure = ErrorClassifier.classify(e, Op.of("reconcile", ""), Redactor.none());
      if (failure instanceof Failure.Transient) {
        throw failure;
      }
      exhausted.remove(schema.getMetadata().getUid());
      // A missing Secret is noticed by the poller; a bad spec or URI waits for an edit; a
      // refusal by the server is rechecked slowly, as a privilege may be granted meanwhile.
      boolean stalled = !(failure instanceof Failure.Waiting);
      Duration recheck = failure instanceof Failure.Invalid ? null : settings.permanentErrorRecheck();
      return failed(schema, statuses.failed(schema, failure.reason(), failure.getMessage(), stalled), recheck);
    }
  }

  private void validate(MongoSchema schema) {
    List<Violation> violations = new ArrayList<>(validator.validate(schema.getSpec()));
    if (schema.getSpec().getConnection() == null || schema.getSpec().getConnection().getSecretRef() == null) {
      violations.add(new Violation("spec.connection.secretRef", "is required: the Secret holding the connection string"));
    }
    if (!violations.isEmpty()) {
      throw new Failure.Invalid(Reason.InvalidSpec, violations.stream().map(Violation::toString)
          .collect(Collectors.joining("; ")));
    }
  }

  /** The schema's identity in the databases it manages: the same in every cluster, and in the CLI. */
  static Owner owner(MongoSchema schema) {
    var meta = schema.getMetadata();
    return new Owner(meta.getNamespace(), meta.getName(), meta.getUid());
  }

  private UpdateControl<MongoSchema> synced(MongoSchema schema, SyncResult result, IndexUsageReports.Report unused,
      ServerInfo server, boolean paused, String note, String insecure) {
    MongoSchemaStatus next = statuses.synced(schema, result, server, paused);
    SchemaStatuses.note(next, note);
    next.setUnusedIndexes(unused.unused().stream().limit(SchemaStatuses.MAX_LISTED).toList());
    next.setUnusedIndexesNote(unused.note());
    metrics.unused(id(schema), unused.unused().size());
    if (insecure != null && SchemaStatuses.noteInsecure(next, insecure)) {
      // Once, when the note first reaches the Ready condition: the resync must not repeat it.
      var before = schema.getStatus() == null ? null
          : Conditions.find(schema.getStatus().getConditions(), Conditions.READY);
      if (before == null || before.getMessage() == null || !before.getMessage().contains(insecure)) {
        events.warning(schema, Reason.InsecureSkipVerify.name(), insecure);
      }
    }
    UpdateControl<MongoSchema> control;
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      SchemaStatuses.freshPing(next, server);
      noteTransition(schema, next);
      schema.setStatus(next);
      control = UpdateControl.patchStatus(schema);
    } else {
      control = UpdateControl.noUpdate();
    }
    metrics.schemaStatus(id(schema), schema.getStatus());
    // The periodic resync finds drift, such as an index dropped by hand; a hidden index is
    // dropped on the first pass after its time, so that pass comes no later than that.
    return control.rescheduleAfter(nextPass(result, statuses.clock().instant()));
  }

  /** The resync interval, or sooner when a hidden index's wait ends before it. */
  private Duration nextPass(SyncResult result, Instant now) {
    Duration next = settings.resyncInterval();
    if (result.outcomes().stream().anyMatch(o -> o.result() == ActionType.Building) && BUILD_RECHECK.compareTo(next) < 0) {
      next = BUILD_RECHECK;
    }
    for (HiddenIndexStatus h : SyncStatuses.hiddenIndexes(result)) {
      Duration until = Duration.between(now, Instant.parse(h.getDropAfter())).plusSeconds(1);
      if (until.compareTo(next) < 0) {
        next = until.isNegative() ? Duration.ofSeconds(1) : until;
      }
    }
    return next;
  }

  @Override
  public ErrorStatusUpdateControl<MongoSchema> updateErrorStatus(MongoSchema schema, Context<MongoSchema> context,
      Exception e) {
    if (KubeErrors.isConflict(e)) {
      // Optimistic concurrency: the resource changed since our copy was read (another replica, a
      // user, a cache behind a long reconcile). Not a failure: no Event, no count, Ready stays;
      // the framework retries at once on the newer version when it has seen it, else with backoff.
      LOG.info("a write for {} met a newer version (409 Conflict); the framework retries on the latest", id(schema));
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    // The framework wraps what reconcile threw; its own writes fail with the client's exception.
    Failure failure = Failure.find(e);
    if (failure == null) {
      KubernetesClientException api = KubeErrors.find(e);
      failure = api != null ? new Failure.Transient(Reason.Failed, KubeErrors.describe(api))
          : ErrorClassifier.classify(e, Op.of("reconcile", ""), Redactor.none());
    }
    String message = KubeErrors.scrub(Redactor.scrubUris(failure.getMessage()));
    metrics.failure(failure.reason());
    MongoSchemaStatus next = statuses.failed(schema, failure.reason(), message, false);
    String uid = schema.getMetadata().getUid();
    boolean lastAttempt = context.getRetryInfo().map(r -> r.isLastAttempt()).orElse(true);
    boolean recheck = lastAttempt || exhausted.contains(uid);
    LOG.warn("reconcile of {} failed ({}, attempt {}{}): {}", id(schema), failure.reason(),
        context.getRetryInfo().map(r -> r.getAttemptCount()).orElse(1),
        recheck ? ", retries exhausted, next attempt in " + settings.unreachableRecheck() : "", message);
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      events.warning(schema, failure.reason().name(), message);
    }
    schema.setStatus(next);
    metrics.schemaStatus(id(schema), next);
    ErrorStatusUpdateControl<MongoSchema> control = ErrorStatusUpdateControl.patchStatus(schema);
    if (!recheck) {
      return control;
    }
    // Retries exhausted: keep checking on a slower beat, one attempt each, so recovery needs no
    // restart. No retry: JOSDK then takes the reschedule, and starts no new round of backoff.
    exhausted.add(uid);
    return control.withNoRetry().rescheduleAfter(settings.unreachableRecheck());
  }

  /**
   * One Event per kind of change applied (a summary, not one per index: a large schema would
   * otherwise flood the API server). Refusals are counted here; their Warning Event comes with the
   * Ready transition, once, not on every resync that meets the same duplicates again.
   */
  private void record(MongoSchema schema, List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      if (o.result() == ActionType.Building) {
        continue; // not an outcome yet: counted and told when the build ends
      }
      if (o.applied()) {
        metrics.applied(o.action().type().name());
      } else {
        metrics.refused(o.result().name());
      }
    }
    events.changes(schema, outcomes);
  }

  /** A Warning Event when Ready turns False or its reason changes. */
  private void noteTransition(MongoSchema schema, MongoSchemaStatus next) {
    var before = schema.getStatus() == null ? null : Conditions.find(schema.getStatus().getConditions(), Conditions.READY);
    var after = Conditions.find(next.getConditions(), Conditions.READY);
    if (after != null && "False".equals(after.getStatus())
        && (before == null || !"False".equals(before.getStatus()) || !after.getReason().equals(before.getReason()))) {
      Reason reason = Reason.valueOf(after.getReason());
      if (reason == Reason.IndexBuilding || reason == Reason.WaitsForDrop) {
        // Not a failure: the build's end, or the hidden index's drop, is what the Events tell.
        return;
      }
      metrics.failure(reason);
      if (reason != Reason.Paused) {
        events.warning(schema, reason.name(), after.getMessage());
      }
    }
  }

  private UpdateControl<MongoSchema> failed(MongoSchema schema, MongoSchemaStatus next, Duration recheck) {
    UpdateControl<MongoSchema> control;
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      noteTransition(schema, next);
      schema.setStatus(next);
      control = UpdateControl.patchStatus(schema);
    } else {
      control = UpdateControl.noUpdate();
    }
    metrics.schemaStatus(id(schema), schema.getStatus());
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  private static String id(MongoSchema schema) {
    return schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
  }
}
