package io.mongosteward.operator;

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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unique builds that duplicates blocked, so that a resync does not build again, a full scan on
 * a big collection each time: until the schema's generation changes or the slow recheck is due,
 * the resync only recounts the duplicates with the bounded aggregation, and builds once they are
 * gone. Kept in memory: a restart costs one build per blocked index.
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
      return last != null && java.util.Objects.equals(last.generation(), schema.getMetadata().getGeneration())
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
