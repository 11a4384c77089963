package io.mongosteward.operator;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reasons;
import io.mongosteward.mongo.ErrorClassifier;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.ServerInfo;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.SpecValidator;
import io.mongosteward.plan.Violation;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one database the way its MongoSchema says: validate, connect, observe-plan-apply,
 * status. Transient MongoDB errors are thrown to the framework's retry with backoff; permanent
 * ones set Ready=False with a reason and wait for a change (of the spec or the Secret).
 */
public final class MongoSchemaReconciler implements Reconciler<MongoSchema>, Cleaner<MongoSchema> {
  private static final Logger LOG = LoggerFactory.getLogger(MongoSchemaReconciler.class);

  private final OperatorSettings settings;
  private final SchemaConnections connections;
  private final SchemaEngine engine;
  private final SchemaStatuses statuses;
  private final SchemaEvents events;
  private final OperatorMetrics metrics;
  private final SpecValidator validator = new SpecValidator();
  private final SchemaDeletion deletion;

  MongoSchemaReconciler(OperatorSettings settings, SchemaConnections connections, SchemaEngine engine,
      SchemaStatuses statuses, SchemaEvents events, OperatorMetrics metrics) {
    this.settings = settings;
    this.connections = connections;
    this.engine = engine;
    this.statuses = statuses;
    this.events = events;
    this.metrics = metrics;
    this.deletion = new SchemaDeletion(settings, connections, engine, events, metrics);
  }

  @Override
  public List<EventSource<?, MongoSchema>> prepareEventSources(EventSourceContext<MongoSchema> context) {
    return List.of(SecretPolling.eventSource(context, settings.secretPollInterval()));
  }

  @Override
  public UpdateControl<MongoSchema> reconcile(MongoSchema schema, Context<MongoSchema> context) {
    String id = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    long start = System.nanoTime();

    List<Violation> violations = validator.validate(schema.getSpec());
    if (schema.getSpec().getConnection() == null || schema.getSpec().getConnection().getSecretRef() == null) {
      violations = new java.util.ArrayList<>(violations);
      violations.add(new Violation("spec.connection.secretRef", "is required: the Secret holding the connection string"));
    }
    if (!violations.isEmpty()) {
      String message = violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
      return permanent(schema, Reasons.INVALID_SPEC, message, null);
    }

    MongoUri uri;
    try {
      uri = connections.uriFor(schema, context.getSecondaryResource(Secret.class));
    } catch (SecretUriReader.SecretProblem p) {
      // Not stalled: the poller notices the Secret when it appears.
      return waiting(schema, p.reason(), p.getMessage() + "; create it, or fix spec.connection.secretRef");
    } catch (MongoUri.InvalidMongoUriException e) {
      return permanent(schema, Reasons.INVALID_URI, "the Secret's value is not a MongoDB connection string: "
          + e.getMessage(), null);
    }

    MongoClient client;
    try {
      client = connections.clientFor(schema, uri);
    } catch (MongoException e) {
      if (ErrorClassifier.isAuthentication(e)) {
        return permanent(schema, Reasons.AUTHENTICATION_FAILED, "MongoDB refused the credentials in the Secret: "
            + ErrorClassifier.describe(e, uri.redactor()), settings.permanentErrorRecheck());
      }
      throw new TransientMongoError(ErrorClassifier.describe(e, uri.redactor()), e);
    }

    boolean paused = schema.getSpec().getPolicy().isPaused();
    SyncResult result;
    ServerInfo server;
    try {
      result = engine.sync(client.getDatabase(schema.getSpec().getDatabase()), schema.getSpec(), paused);
      server = ServerInfo.read(client);
    } catch (MongoException e) {
      if (ErrorClassifier.isAuthentication(e)) {
        return permanent(schema, Reasons.AUTHENTICATION_FAILED, ErrorClassifier.describe(e, uri.redactor()),
            settings.permanentErrorRecheck());
      }
      throw new TransientMongoError(ErrorClassifier.describe(e, uri.redactor()), e);
    }

    record(schema, result);
    MongoSchemaStatus next = statuses.synced(schema, result, server, paused);
    LOG.info("reconciled {} in {} ms: {} change(s), {} to report", id, (System.nanoTime() - start) / 1_000_000,
        result.outcomes().size(), result.remainingReports().size());
    UpdateControl<MongoSchema> control;
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      SchemaStatuses.freshPing(next, server);
      noteTransition(schema, next);
      schema.setStatus(next);
      control = UpdateControl.patchStatus(schema);
    } else {
      control = UpdateControl.noUpdate();
    }
    // The periodic resync finds drift, such as an index dropped by hand.
    return control.rescheduleAfter(settings.resyncInterval());
  }

  @Override
  public ErrorStatusUpdateControl<MongoSchema> updateErrorStatus(MongoSchema schema, Context<MongoSchema> context,
      Exception e) {
    // The framework wraps what reconcile threw.
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof TransientMongoError)) {
      cause = cause.getCause();
    }
    boolean transientError = cause instanceof TransientMongoError;
    String message = transientError ? cause.getMessage() : Redactor.scrubUris(String.valueOf(cause.getMessage()));
    String reason = transientError ? Reasons.MONGO_UNREACHABLE : Reasons.FAILED;
    metrics.failure(reason);
    MongoSchemaStatus next = statuses.failed(schema, reason, message, false);
    boolean lastAttempt = context.getRetryInfo().map(r -> r.isLastAttempt()).orElse(true);
    LOG.warn("reconcile of {}/{} failed ({}, attempt {}{}): {}", schema.getMetadata().getNamespace(),
        schema.getMetadata().getName(), reason, context.getRetryInfo().map(r -> r.getAttemptCount()).orElse(1),
        lastAttempt ? ", retries exhausted" : "", message);
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      events.warning(schema, reason, message);
    }
    schema.setStatus(next);
    ErrorStatusUpdateControl<MongoSchema> control = ErrorStatusUpdateControl.patchStatus(schema);
    // Retries exhausted: keep checking on a slower beat, so recovery needs no restart.
    return lastAttempt ? control.rescheduleAfter(settings.unreachableRecheck()) : control;
  }

  @Override
  public DeleteControl cleanup(MongoSchema schema, Context<MongoSchema> context) {
    return deletion.delete(schema, context.getSecondaryResource(Secret.class));
  }

  /**
   * A Normal Event per change applied. Refusals are counted here; their Warning Event comes with
   * the Ready transition, once, not on every resync that meets the same duplicates again.
   */
  private void record(MongoSchema schema, SyncResult result) {
    for (Outcome o : result.outcomes()) {
      var a = o.action();
      if (o.applied()) {
        metrics.applied(a.type().name());
        events.normal(schema, a.type().name(), a.collection() + "." + a.name() + ": " + o.message() + " in "
            + o.took().toMillis() + " ms");
      } else {
        metrics.refused(o.result().name());
      }
    }
  }

  /** A Warning Event when Ready turns False or its reason changes. */
  private void noteTransition(MongoSchema schema, MongoSchemaStatus next) {
    var before = schema.getStatus() == null ? null
        : io.mongosteward.api.v1alpha1.Conditions.find(schema.getStatus().getConditions(), "Ready");
    var after = io.mongosteward.api.v1alpha1.Conditions.find(next.getConditions(), "Ready");
    if (after != null && "False".equals(after.getStatus())
        && (before == null || !"False".equals(before.getStatus()) || !after.getReason().equals(before.getReason()))) {
      metrics.failure(after.getReason());
      if (!Reasons.PAUSED.equals(after.getReason())) {
        events.warning(schema, after.getReason(), after.getMessage());
      }
    }
  }

  /** Waits for a person: no retry until the spec or the Secret changes (or a slow recheck). */
  private UpdateControl<MongoSchema> permanent(MongoSchema schema, String reason, String message, Duration recheck) {
    MongoSchemaStatus next = statuses.failed(schema, reason, message, true);
    return failedControl(schema, next, recheck);
  }

  private UpdateControl<MongoSchema> waiting(MongoSchema schema, String reason, String message) {
    MongoSchemaStatus next = statuses.failed(schema, reason, message, false);
    return failedControl(schema, next, settings.permanentErrorRecheck());
  }

  private UpdateControl<MongoSchema> failedControl(MongoSchema schema, MongoSchemaStatus next, Duration recheck) {
    UpdateControl<MongoSchema> control;
    if (SchemaStatuses.changed(schema.getStatus(), next)) {
      noteTransition(schema, next);
      schema.setStatus(next);
      control = UpdateControl.patchStatus(schema);
    } else {
      control = UpdateControl.noUpdate();
    }
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  /** A MongoDB error worth retrying, with a message already free of credentials. */
  static final class TransientMongoError extends RuntimeException {
    TransientMongoError(String message, Throwable cause) {
      super(message, cause);
    }
  }

}
