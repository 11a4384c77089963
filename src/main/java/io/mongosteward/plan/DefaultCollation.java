package io.mongosteward.plan;

import java.util.Map;
import org.bson.Document;

/**
 * A collection's default collation, canonical, or null for simple, from what the server lists.
 * https://www.mongodb.com/docs/manual/reference/method/db.createCollection/#std-label-createCollection-collation
 */
public final class DefaultCollation {
  private DefaultCollation() {}

  /** From the _id index's listIndexes entry: mongod builds it with the collection's default. */
  public static Map<String, Object> fromIdIndex(Document idIndex) {
    return canonical(idIndex.get("collation"));
  }

  /** From the collection's listCollections entry ({@code options.collation}); null input is no collection. */
  public static Map<String, Object> fromListCollections(Document info) {
    if (info == null || !(info.get("options") instanceof Document options)) {
      return null;
    }
    return canonical(options.get("collation"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> canonical(Object collation) {
    if (!(collation instanceof Map<?, ?> m) || IndexDefinition.isSimple((Map<String, Object>) m)) {
      return null;
    }
    return (Map<String, Object>) Canonical.of(m);
  }
}
