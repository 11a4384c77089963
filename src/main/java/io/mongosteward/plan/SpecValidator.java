package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.IndexKey;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a spec must follow beyond its types. The CRD carries the same rules as OpenAPI and
 * CEL for kubectl; this is the one place the CLI and the operator check them.
 */
public final class SpecValidator {
  // MongoDB: no '$' start, no NUL, not empty; database names also exclude /\. "*<>:|? and space.
  private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$*<>:|?\\x00]{1,63}");
  private static final Pattern COLLECTION = Pattern.compile("[^$\\x00][^\\x00]{0,254}");

  public List<Violation> validate(MongoSchemaSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "is required"));
      return out;
    }
    if (blank(spec.getDatabase())) {
      out.add(new Violation("spec.database", "is required: the name of the database to manage"));
    } else if (!DATABASE.matcher(spec.getDatabase()).matches()) {
      out.add(new Violation("spec.database", "'" + spec.getDatabase()
          + "' is not a valid database name (1-63 characters, none of /\\. \"$*<>:|?)"));
    }
    if (spec.getConnection() != null && spec.getConnection().getSecretRef() != null
        && blank(spec.getConnection().getSecretRef().getName())) {
      out.add(new Violation("spec.connection.secretRef.name", "is required: the Secret holding the connection string"));
    }
    Set<String> collections = new HashSet<>();
    for (int c = 0; c < spec.getCollections().size(); c++) {
      CollectionSpec coll = spec.getCollections().get(c);
      String path = "spec.collections[" + c + "]";
      if (coll == null) {
        out.add(new Violation(path, "must not be empty"));
        continue;
      }
      if (blank(coll.getName())) {
        out.add(new Violation(path + ".name", "is required"));
      } else if (!COLLECTION.matcher(coll.getName()).matches() || coll.getName().startsWith("system.")) {
        out.add(new Violation(path + ".name", "'" + coll.getName() + "' is not a valid collection name"));
      } else if (!collections.add(coll.getName())) {
        out.add(new Violation(path + ".name", "collection '" + coll.getName() + "' is listed twice; merge its indexes into one entry"));
      }
      validateIndexes(coll, path, out);
    }
    validateCounters(spec, out);
    return out;
  }

  private void validateIndexes(CollectionSpec coll, String collPath, List<Violation> out) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < coll.getIndexes().size(); i++) {
      IndexSpec index = coll.getIndexes().get(i);
      String path = collPath + ".indexes[" + i + "]";
      if (index == null) {
        out.add(new Violation(path, "must not be empty"));
        continue;
      }
      if (blank(index.getName())) {
        out.add(new Violation(path + ".name", "is required: every index is identified by its name"));
      } else if (index.getName().equals(Planner.ID_INDEX)) {
        out.add(new Violation(path + ".name", "_id_ is MongoDB's own index and cannot be declared"));
      } else if (!names.add(index.getName())) {
        out.add(new Violation(path + ".name", "duplicate index name '" + index.getName() + "' in collection '"
            + coll.getName() + "'; index names must be unique within a collection"));
      }
      List<IndexKey> keys = index.getKeys();
      if (keys == null || keys.isEmpty()) {
        out.add(new Violation(path + ".keys", "must list at least one key, e.g. [{field: post_id, order: 1}]"));
        continue;
      }
      Set<String> fields = new HashSet<>();
      boolean special = false;
      for (int k = 0; k < keys.size(); k++) {
        IndexKey key = keys.get(k);
        String keyPath = path + ".keys[" + k + "]";
        if (key == null || blank(key.getField())) {
          out.add(new Violation(keyPath + ".field", "is required"));
          continue;
        }
        if (!fields.add(key.getField())) {
          out.add(new Violation(keyPath + ".field", "field '" + key.getField() + "' appears twice in the same index"));
        }
        if (key.getOrder() != null && key.getType() != null) {
          out.add(new Violation(keyPath, "give either order or type, not both"));
        }
        if (key.getOrder() != null && key.getOrder() != 1 && key.getOrder() != -1) {
          out.add(new Violation(keyPath + ".order", "must be 1 (ascending) or -1 (descending), not " + key.getOrder()));
        }
        special |= key.getType() != null;
      }
      if (index.getExpireAfterSeconds() != null) {
        if (keys.size() != 1) {
          out.add(new Violation(path + ".expireAfterSeconds",
              "TTL needs a single-field index; this index has " + keys.size() + " keys"));
        } else if (special) {
          out.add(new Violation(path + ".expireAfterSeconds", "TTL needs an ascending or descending key, not a special type"));
        }
        if (index.getExpireAfterSeconds() < 0) {
          out.add(new Violation(path + ".expireAfterSeconds", "must be 0 or more seconds"));
        }
      }
      if (Boolean.TRUE.equals(index.getSparse()) && index.getPartialFilterExpression() != null) {
        out.add(new Violation(path + ".sparse", "cannot be combined with partialFilterExpression; use the filter alone"));
      }
      if (index.getCollation() != null && blank(index.getCollation().getLocale())) {
        out.add(new Violation(path + ".collation.locale", "is required when collation is given"));
      }
    }
  }

  private void validateCounters(MongoSchemaSpec spec, List<Violation> out) {
    Set<String> names = new HashSet<>();
    for (int c = 0; c < spec.getCounters().size(); c++) {
      CounterSpec counter = spec.getCounters().get(c);
      String path = "spec.counters[" + c + "]";
      if (counter == null) {
        out.add(new Violation(path, "must not be empty"));
        continue;
      }
      if (blank(counter.getName())) {
        out.add(new Violation(path + ".name", "is required: it is the _id of the counter document"));
      } else if (!names.add(counter.getCollection() + "/" + counter.getName())) {
        out.add(new Violation(path + ".name", "duplicate counter '" + counter.getName() + "'"));
      }
      if (blank(counter.getCollection())) {
        out.add(new Violation(path + ".collection", "must not be empty"));
      }
      if (counter.getSeedFrom() != null) {
        if (blank(counter.getSeedFrom().getCollection())) {
          out.add(new Violation(path + ".seedFrom.collection", "is required"));
        }
        if (blank(counter.getSeedFrom().getField())) {
          out.add(new Violation(path + ".seedFrom.field", "is required"));
        }
      }
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
