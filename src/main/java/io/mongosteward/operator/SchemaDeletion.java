package io.mongosteward.operator;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.mongosteward.api.v1alpha1.DeletionPolicy;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reasons;
import io.mongosteward.mongo.ErrorClassifier;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.SchemaEngine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a deleted MongoSchema leaves behind. Retain (and a paused schema) leaves MongoDB alone;
 * Delete drops the declared indexes, with bounded attempts: when MongoDB or the Secret is gone
 * the finalizer is released anyway, with a Warning Event, so a namespace deletion never hangs.
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

  DeleteControl delete(MongoSchema schema, Optional<Secret> secret) {
    String id = schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    if (schema.getSpec().getDeletionPolicy() != DeletionPolicy.Delete || schema.getSpec().getPolicy().isPaused()) {
      return released(schema);
    }
    String uid = schema.getMetadata().getUid();
    int attempt = attempts.merge(uid, 1, Integer::sum);
    try {
      MongoUri uri = connections.uriFor(schema, secret);
      MongoClient client = connections.clientFor(schema, uri);
      List<Outcome> dropped = engine.dropDeclared(client.getDatabase(schema.getSpec().getDatabase()), schema.getSpec());
      dropped.stream().filter(Outcome::applied).forEach(o -> metrics.applied("DropIndex"));
      LOG.info("deleted {}: dropped {} declared index(es)", id, dropped.size());
      attempts.remove(uid);
      return released(schema);
    } catch (RuntimeException e) {
      String why = e instanceof MongoException me ? ErrorClassifier.describe(me, Redactor.none())
          : Redactor.scrubUris(String.valueOf(e.getMessage()));
      if (attempt >= settings.deleteAttempts()) {
        events.warning(schema, Reasons.DELETION_INCOMPLETE, "finalizer released after " + attempt
            + " attempts without dropping the indexes: " + why);
        attempts.remove(uid);
        return released(schema);
      }
      LOG.warn("deleting {}: attempt {}/{} failed: {}", id, attempt, settings.deleteAttempts(), why);
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(settings.deleteRetryDelay().multipliedBy(attempt).toMillis());
    }
  }

  private DeleteControl released(MongoSchema schema) {
    connections.release(schema);
    return DeleteControl.defaultDelete();
  }
}
