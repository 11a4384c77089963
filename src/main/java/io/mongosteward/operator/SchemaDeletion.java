package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.mongosteward.api.v1alpha1.DeletionPolicy;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.ErrorClassifier;
import io.mongosteward.mongo.MetadataStore;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Op;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.plan.ActionType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a deleted MongoSchema leaves behind. With deletionPolicy Delete (and a finalizer, so that
 * the resource waits) it drops its declared indexes and releases the collections and counters it
 * managed (its records in the metadata collection); a paused schema drops nothing. Attempts are
 * bounded: when MongoDB or the Secret is gone, or the server refuses a drop, the finalizer goes
 * anyway, with a Warning Event that says what was left, so a namespace deletion never hangs.
 * With Retain there is no finalizer: once the resource is gone, its records are released, once,
 * as best it can. Either way, indexes it hid on their way to a drop are unhidden first.
 */
final class SchemaDeletion {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaDeletion.class);

  private final OperatorSettings settings;
  private final SchemaConnections connections;
  private final SchemaEngine engine;
  private final SchemaEvents events;
  private final OperatorMetrics metrics;
  /** Attempts per resource uid; lost on restart, which only restarts the count. */
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  SchemaDeletion(OperatorSettings settings, SchemaConnections connections, SchemaEngine engine, SchemaEvents events,
      OperatorMetrics metrics) {
    this.settings = settings;
    this.connections = connections;
    this.engine = engine;
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * One attempt at the cleanup of a schema that is being deleted.
   *
   * @return empty when its finalizer may go, else when to try again
   */
  Optional<Duration> delete(MongoSchema schema, java.util.Collection<Secret> secret) {
    String id = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    boolean dropIndexes = schema.getSpec().getDeletionPolicy() == DeletionPolicy.Delete
        && !schema.getSpec().getPolicy().isPaused();
    String uid = schema.getMetadata().getUid();
    int attempt = attempts.merge(uid, 1, Integer::sum);
    try {
      MongoUri uri = connections.uriFor(schema, secret);
      MongoClient client = connections.clientFor(schema, uri, secret);
      List<Outcome> done = engine.delete(client.getDatabase(schema.getSpec().getDatabase()), schema.getSpec(),
          MongoSchemaReconciler.owner(schema), dropIndexes);
      List<Outcome> refused = done.stream().filter(o -> !o.applied()).toList();
      if (!refused.isEmpty()) {
        throw new Failure.Permanent(Reason.DeletionIncomplete, -1, refused.size() + " step(s) refused; first: "
            + refused.get(0).action().subject() + ": " + refused.get(0).message());
      }
      long dropped = done.stream().filter(o -> o.applied() && o.result() == ActionType.DropIndex).count();
      for (long i = 0; i < dropped; i++) metrics.applied(ActionType.DropIndex.name());
      LOG.info("deleted {}: dropped {} declared index(es), unhid {} hidden for a drop, released {} record(s)", id,
          dropped, done.stream().filter(o -> o.applied() && o.result() == ActionType.UnhideIndex).count(),
          done.stream().filter(o -> o.applied() && o.result() == ActionType.Release).count());
      attempts.remove(uid);
      connections.release(schema);
      return Optional.empty();
    } catch (RuntimeException e) {
      Failure failure = ErrorClassifier.classify(e, Op.of("delete", ""), Redactor.none());
      if (attempt >= settings.deleteAttempts()) {
        events.warning(schema, Reason.DeletionIncomplete.name(), "finalizer released after " + attempt
            + " attempts without " + (dropIndexes ? "dropping the indexes or " : "") + "releasing its collections in "
            + schema.getSpec().getDatabase() + "." + MetadataStore.COLLECTION + ": " + failure.getMessage());
        attempts.remove(uid);
        connections.release(schema);
        return Optional.empty();
      }
      LOG.warn("deleting {}: attempt {}/{} failed: {}", id, attempt, settings.deleteAttempts(), failure.getMessage());
      return Optional.of(settings.deleteRetryDelay().multipliedBy(attempt));
    }
  }

  /**
   * A schema without a finalizer (Retain) is gone: release its records, one attempt, and its client.
   * What fails is logged: the records then wait for the next schema's message, which says how to
   * release them by hand.
   */
  void gone(MongoSchema schema, java.util.Collection<Secret> secret) {
    String id = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    try {
      MongoUri uri = connections.uriFor(schema, secret);
      MongoClient client = connections.clientFor(schema, uri, secret);
      List<Outcome> done = engine.delete(client.getDatabase(schema.getSpec().getDatabase()), schema.getSpec(),
          MongoSchemaReconciler.owner(schema), false);
      LOG.info("{} is gone: unhid {} index(es) hidden for a drop, released {} record(s)", id,
          done.stream().filter(o -> o.applied() && o.result() == ActionType.UnhideIndex).count(),
          done.stream().filter(o -> o.applied() && o.result() == ActionType.Release).count());
    } catch (RuntimeException e) {
      LOG.warn("{} is gone, but its records in {}.{} were not released: {}", id, schema.getSpec().getDatabase(),
          MetadataStore.COLLECTION, ErrorClassifier.classify(e, Op.of("release", ""), Redactor.none()).getMessage());
    } finally {
      connections.release(schema);
    }
  }
}
