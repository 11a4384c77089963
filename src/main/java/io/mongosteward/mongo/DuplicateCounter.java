package io.mongosteward.mongo;

import com.mongodb.client.MongoCollection;
import io.mongosteward.plan.IndexDefinition;
import org.bson.Document;

/**
 * Counts the duplicate key groups that keep a unique index from being built. {@link DuplicateFinder}
 * is the one implementation in production; tests pass a fake to make the count itself fail.
 */
@FunctionalInterface
public interface DuplicateCounter {
  /**
   * @throws io.mongosteward.failure.Failure or a driver exception, which the caller classifies
   */
  DuplicateFinder.Duplicates find(MongoCollection<Document> collection, IndexDefinition index);
}
