package io.mongosteward.operator;

import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unique builds that duplicates blocked, so that a resync does not build again, a full scan on
 * a big collection each time: until the schema's generation changes or the slow recheck is due,
 * the resync only recounts the duplicates with the bounded aggregation, and builds once they are
 * gone. Kept in memory; after a restart the stored status says which builds were blocked (those
 * it lists, at most {@link SchemaStatuses#MAX_LISTED}; any other costs one build).
 */
final class BlockedBuilds {
  private record Key(String uid, String collection, String fingerprint) {}

  private record Attempt(Instant at, Long generation) {}

  private final Clock clock;
  private final Duration recheck;
  private final Map<Key, Attempt> attempts = new ConcurrentHashMap<>();

  BlockedBuilds(Clock clock, Duration recheck) {
    this.clock = clock;
    this.recheck = recheck;
  }

  /** The builds of this schema to count duplicates for first, instead of building. */
  SchemaEngine.DuplicateCheck checkFor(MongoSchema schema) {
    Instant now = clock.instant();
    return action -> {
      Key key = keyOf(schema, action);
      Attempt last = key == null ? null : attempts.get(key);
      if (key != null && last == null && blockedInStatus(schema, action)) {
        // A restart (or another replica's status): the build was blocked before this process ran.
        // Counting first keeps the restart from building again, and from turning a current
        // status to IndexBuilding and back, two writes for nothing; the recheck runs from now.
        last = attempts.computeIfAbsent(key, k -> new Attempt(now, schema.getMetadata().getGeneration()));
      }
      return last != null && Objects.equals(last.generation(), schema.getMetadata().getGeneration())
          && now.isBefore(last.at().plus(recheck));
    };
  }

  /** Remembers the builds that duplicates just blocked, and forgets those that succeeded. */
  void record(MongoSchema schema, SyncResult result) {
    for (Outcome o : result.outcomes()) {
      Key key = keyOf(schema, o.action());
      if (key == null) continue;
      if (o.result() == ActionType.BlockedByDuplicates) {
        attempts.put(key, new Attempt(clock.instant(), schema.getMetadata().getGeneration()));
      } else if (o.applied()) {
        attempts.remove(key);
      }
    }
  }

  /** The stored status, of this generation, lists the action's index as blocked by duplicates. */
  private static boolean blockedInStatus(MongoSchema schema, Action action) {
    var status = schema.getStatus();
    if (status == null || !Objects.equals(status.getObservedGeneration(), schema.getMetadata().getGeneration())) {
      return false;
    }
    return status.getIndexes().stream().anyMatch(i -> i.getState() == IndexState.BlockedByDuplicates
        && action.collection().equals(i.getCollection()) && action.name().equals(i.getName()));
  }

  void forget(MongoSchema schema) {
    attempts.keySet().removeIf(k -> k.uid().equals(schema.getMetadata().getUid()));
  }

  private static Key keyOf(MongoSchema schema, Action action) {
    IndexDefinition index = action instanceof Action.CreateIndex c ? c.index()
        : action instanceof Action.RecreateIndex r ? r.index()
        : action instanceof Action.ModifyIndex m ? m.index() : null;
    return index == null ? null
        : new Key(schema.getMetadata().getUid(), action.collection(), IndexDefinitions.fingerprint(index));
  }
}
