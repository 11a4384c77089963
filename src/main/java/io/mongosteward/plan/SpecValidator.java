package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.IndexKey;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.KeyType;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a spec must follow beyond its types. The CRD carries the same rules as OpenAPI and
 * CEL for kubectl; this is the one place the CLI and the operator check them.
 */
public final class SpecValidator {
  // Database names: 1 to 63 characters, none of /\. "$*<>:|?, space or NUL.
  private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$*<>:|?\\x00]{1,63}");
  // The same patterns as the CRD's, so that the CLI and kubectl draw the same line.
  private static final Pattern COLLECTION = Pattern.compile(CollectionSpec.NAME);
  private static final Pattern FIELD_PATH = Pattern.compile(IndexKey.FIELD_PATH);
  // https://www.mongodb.com/docs/manual/reference/local-database/, .../reference/config-database/
  private static final Set<String> RESERVED_DATABASES = Set.of("admin", "config", "local");
  /** mongo-steward's own metadata collection in each managed database (MetadataStore.COLLECTION). */
  public static final String METADATA_COLLECTION = "mongosteward";
  // MongoDB keeps expireAfterSeconds in a 32-bit integer.
  // https://www.mongodb.com/docs/manual/core/index-ttl/#create-a-ttl-index
  private static final long MAX_TTL = 2147483647L;
  // 64 per collection, _id_ included.
  // https://www.mongodb.com/docs/manual/reference/limits/#Number-of-Indexes-per-Collection
  private static final int MAX_DECLARED_INDEXES = 63;

  public List<Violation> validate(MongoSchemaSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "is required"));
      return out;
    }
    if (blank(spec.getDatabase())) {
      out.add(new Violation("spec.database", "is required: the name of the database to manage"));
    } else {
      validateDatabase(spec.getDatabase(), out);
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
      } else if (collectionNameProblem(coll.getName()) != null) {
        out.add(new Violation(path + ".name", collectionNameProblem(coll.getName())));
      } else if (coll.getName().startsWith("system.")) {
        out.add(new Violation(path + ".name", "'" + coll.getName() + "' is not a valid collection name: "
            + "names starting with system. are reserved by MongoDB"));
      } else if (coll.getName().equals(METADATA_COLLECTION)) {
        out.add(new Violation(path + ".name", metadataCollection()));
      } else if (!collections.add(coll.getName())) {
        out.add(new Violation(path + ".name", "collection '" + coll.getName() + "' is listed twice; merge its indexes into one entry"));
      }
      validateIndexes(coll, path, out);
    }
    validateCounters(spec, out);
    if (spec.getConnection() != null && spec.getConnection().getClientOptions() != null) {
      validateClientOptions(spec.getConnection().getClientOptions(), out);
    }
    if (spec.getPolicy() != null) {
      validateDuration("spec.policy.hiddenFor", spec.getPolicy().getHiddenFor(), out);
      validateDuration("spec.policy.reportUnusedAfter", spec.getPolicy().getReportUnusedAfter(), out);
      String quorum = spec.getPolicy().getCommitQuorum();
      if (quorum != null && !quorum.matches(io.mongosteward.api.v1alpha1.PolicySpec.COMMIT_QUORUM)) {
        out.add(new Violation("spec.policy.commitQuorum", "must be votingMembers, majority, or a number of members "
            + "from 0 to 50 (as a string), not '" + quorum + "'"));
      }
    }
    return out;
  }

  /** The CRD's CEL rule for the policy's durations, again for the CLI, which reads files the API server never saw. */
  private static void validateDuration(String path, String value, List<Violation> out) {
    if (value != null && !PolicyDurations.valid(value)) {
      out.add(new Violation(path, "must be a duration such as 30m, 24h or 7d, not '" + value + "'"));
    }
  }

  /** A database name mongod takes and that is not one of its own. */
  static void validateDatabase(String database, List<Violation> out) {
    if (!DATABASE.matcher(database).matches()) {
      out.add(new Violation("spec.database", "'" + database
          + "' is not a valid database name (1-63 characters, none of /\\. \"$*<>:|?)"));
    } else if (RESERVED_DATABASES.contains(database.toLowerCase(Locale.ROOT))) {
      // Any letter case: database names may not differ only by case, and these three always exist.
      // https://www.mongodb.com/docs/manual/reference/limits/#Use-of-Case-in-Database-Names
      out.add(new Violation("spec.database", "'" + database + "' is reserved by MongoDB (admin, config and "
          + "local, in any letter case); name the application's own database"));
    }
  }

  /** A field path mongod takes: no empty part, no part starting with $. */
  static boolean isFieldPath(String field) {
    return field != null && FIELD_PATH.matcher(field).matches();
  }

  /** The CRD's minimums, for the CLI (whose files the API server never sees): the driver would fail at run time. */
  static void validateClientOptions(ClientOptions o, List<Violation> out) {
    String path = "spec.connection.clientOptions.";
    atLeast(path + "maxPoolSize", o.getMaxPoolSize(), 1, out);
    atLeast(path + "minPoolSize", o.getMinPoolSize(), 0, out);
    atLeast(path + "connectTimeoutMS", o.getConnectTimeoutMS(), 0, out);
    atLeast(path + "socketTimeoutMS", o.getSocketTimeoutMS(), 0, out);
    atLeast(path + "serverSelectionTimeoutMS", o.getServerSelectionTimeoutMS(), 0, out);
    atLeast(path + "waitQueueTimeoutMS", o.getWaitQueueTimeoutMS(), 0, out);
    atLeast(path + "timeoutMS", o.getTimeoutMS(), 1, out);
    atLeast(path + "indexBuildTimeoutMS", o.getIndexBuildTimeoutMS(), 1, out);
    if (o.getMinPoolSize() != null && o.getMaxPoolSize() != null && o.getMinPoolSize() > o.getMaxPoolSize()
        && o.getMaxPoolSize() >= 1) {
      out.add(new Violation(path + "minPoolSize", "must not exceed maxPoolSize (" + o.getMaxPoolSize() + "), not "
          + o.getMinPoolSize()));
    }
  }

  private static void atLeast(String path, Number value, long min, List<Violation> out) {
    if (value != null && value.longValue() < min) {
      out.add(new Violation(path, "must be at least " + min + ", not " + value));
    }
  }

  /**
   * Numbers BSON cannot hold, anywhere in a partialFilterExpression: an integer beyond 64 bits (the
   * driver has no codec for BigInteger) or a decimal beyond a double. YAML and JSON readers give
   * an Integer, a Long or a Double for everything else.
   */
  private static void validateFilter(Object value, String path, List<Violation> out) {
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> validateFilter(v, path + "." + k, out));
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        validateFilter(list.get(i), path + "[" + i + "]", out);
      }
    } else if (value instanceof BigInteger n && n.bitLength() > 63
        || value instanceof BigDecimal d && !Double.isFinite(d.doubleValue())) {
      out.add(new Violation(path, value + " is beyond a 64-bit integer (from " + Long.MIN_VALUE + " to "
          + Long.MAX_VALUE + "), the largest whole number MongoDB stores; write a smaller number, or one with an "
          + "exponent such as 1.0e23 to compare with a double"));
    }
  }

  private void validateIndexes(CollectionSpec coll, String collPath, List<Violation> out) {
    if (coll.getIndexes().size() > MAX_DECLARED_INDEXES) {
      out.add(new Violation(collPath + ".indexes", "declares " + coll.getIndexes().size() + " indexes; MongoDB allows 64 "
          + "per collection including _id_, so at most " + MAX_DECLARED_INDEXES + " can be declared"));
    }
    Set<String> names = new HashSet<>();
    String textIndex = null;
    // Index signature -> name of the first index with it; see signature().
    Map<List<Object>, String> signatures = new HashMap<>();
    for (int i = 0; i < coll.getIndexes().size(); i++) {
      IndexSpec index = coll.getIndexes().get(i);
      String path = collPath + ".indexes[" + i + "]";
      if (index == null) {
        out.add(new Violation(path, "must not be empty"));
        continue;
      }
      boolean nameRepeated = false;
      if (blank(index.getName())) {
        out.add(new Violation(path + ".name", "is required: every index is identified by its name"));
      } else if (hasControlCharacter(index.getName())) {
        out.add(new Violation(path + ".name", "'" + printable(index.getName()) + "' holds a control character; "
            + "index names go into log lines, so use printable characters only"));
      } else if (index.getName().equals(Planner.ID_INDEX)) {
        out.add(new Violation(path + ".name", "_id_ is MongoDB's own index and cannot be declared"));
      } else if (!names.add(index.getName())) {
        nameRepeated = true;
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
      boolean hashed = false;
      boolean textOr2d = false;
      boolean textCounted = false;
      for (int k = 0; k < keys.size(); k++) {
        IndexKey key = keys.get(k);
        String keyPath = path + ".keys[" + k + "]";
        if (key == null || blank(key.getField())) {
          out.add(new Violation(keyPath + ".field", "is required"));
          continue;
        }
        String fieldProblem = fieldPathProblem(key.getField());
        if (fieldProblem != null) {
          out.add(new Violation(keyPath + ".field", fieldProblem));
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
        textOr2d |= key.getType() == KeyType.text || key.getType() == KeyType.geo2d;
        if (key.getType() == KeyType.hashed) {
          // https://www.mongodb.com/docs/manual/core/indexes/index-types/index-hashed/
          if (hashed) {
            out.add(new Violation(keyPath + ".type", "an index can hold only one hashed field; make the other keys "
                + "ascending or descending"));
          }
          hashed = true;
        }
        if (key.getType() == KeyType.text && !textCounted) {
          textCounted = true;
          // https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/
          if (textIndex != null) {
            out.add(new Violation(keyPath + ".type", "a collection can have only one text index; '" + textIndex
                + "' is one already: put every text field into that one index"));
          } else {
            textIndex = index.getName();
          }
        }
      }
      if (hashed && Boolean.TRUE.equals(index.getUnique())) {
        out.add(new Violation(path + ".unique", "a hashed index cannot be unique; enforce uniqueness with a separate "
            + "ascending index on the field"));
      }
      if (index.getExpireAfterSeconds() != null) {
        if (keys.size() != 1) {
          out.add(new Violation(path + ".expireAfterSeconds",
              "TTL needs a single-field index; this index has " + keys.size() + " keys"));
        } else if (special) {
          out.add(new Violation(path + ".expireAfterSeconds", "TTL needs an ascending or descending key, not a special type"));
        } else if ("_id".equals(keys.get(0) == null ? null : keys.get(0).getField())) {
          // https://www.mongodb.com/docs/manual/core/index-ttl/#restrictions
          out.add(new Violation(path + ".expireAfterSeconds", "_id does not support a TTL; put expireAfterSeconds on an "
              + "index of a date field"));
        }
        if (index.getExpireAfterSeconds() < 0) {
          out.add(new Violation(path + ".expireAfterSeconds", "must be 0 or more seconds"));
        } else if (index.getExpireAfterSeconds() > MAX_TTL) {
          out.add(new Violation(path + ".expireAfterSeconds", "must be at most 2147483647 seconds (MongoDB keeps it in a "
              + "32-bit integer), not " + index.getExpireAfterSeconds()));
        }
      }
      if (index.getPartialFilterExpression() != null) {
        validateFilter(index.getPartialFilterExpression(), path + ".partialFilterExpression", out);
      }
      if (index.getExpireAfterSeconds() == null && keys.size() == 1 && isIdAscending(keys.get(0))
          && !Planner.ID_INDEX.equals(index.getName())) {
        // A TTL there, or the name _id_, is reported already.
        out.add(new Violation(path + ".keys", "an ascending index on _id alone is the _id_ index, which every "
            + "collection has (unique, and kept by MongoDB): remove this index, or give it order: -1 or another key"));
      }
      if (Boolean.TRUE.equals(index.getSparse()) && index.getPartialFilterExpression() != null) {
        out.add(new Violation(path + ".sparse", "cannot be combined with partialFilterExpression; use the filter alone"));
      }
      if (index.getCollation() != null && blank(index.getCollation().getLocale())) {
        out.add(new Violation(path + ".collation.locale", "is required when collation is given"));
      } else if (index.getCollation() != null && textOr2d && !isSimple(index)) {
        // https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/#collation-option
        // https://www.mongodb.com/docs/manual/core/indexes/index-types/geospatial/restrictions/#collation-option
        out.add(new Violation(path + ".collation", "text and 2d indexes support only simple binary comparison; remove "
            + "the collation"));
      }
      // A repeated name is reported already; a repeated field makes no key pattern to compare.
      if (!nameRepeated && fields.size() == keys.size() && keys.stream().allMatch(k -> k != null && !blank(k.getField()))) {
        String same = signatures.putIfAbsent(signature(index), blank(index.getName()) ? path : index.getName());
        if (same != null) {
          out.add(new Violation(path, "has the same keys and options as '" + same + "' under another name; MongoDB "
              + "refuses that (code 85, IndexOptionsConflict): drop one of them, or give them different collations"));
        }
      }
    }
  }

  /**
   * What makes two indexes of a collection the same index for mongod: the key pattern, collation,
   * partialFilterExpression, unique and sparse (the "index signature" since MongoDB 5.0, SERVER-47657).
   * hidden and expireAfterSeconds are not part of it: two indexes differing only there are the
   * same index too (https://www.mongodb.com/docs/manual/core/index-ttl/#restrictions). The simple
   * collation is no collation. Collations are compared as written: {locale: en} and {locale: en,
   * strength: 3} are the same to mongod but not here, so this may miss a conflict, never invent one.
   *
   * <p>Only here, not in the CRD: as a CEL rule, comparing every pair of indexes key by key costs
   * (collections x indexes^2 x keys), beyond the API server's budget.
   */
  private static List<Object> signature(IndexSpec index) {
    IndexDefinition d = IndexDefinitions.fromSpec(index);
    return java.util.Arrays.asList(d.keys(), d.unique(), d.sparse(), d.partialFilter(),
        isSimple(index) ? null : d.collation());
  }

  private static boolean isIdAscending(IndexKey key) {
    return key != null && "_id".equals(key.getField()) && key.getType() == null
        && (key.getOrder() == null || key.getOrder() == 1);
  }

  private static boolean isSimple(IndexSpec index) {
    return index.getCollation() == null || "simple".equals(index.getCollation().getLocale());
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
      } else if (hasControlCharacter(counter.getName())) {
        out.add(new Violation(path + ".name", "'" + printable(counter.getName()) + "' holds a control character; "
            + "counter names go into log lines, so use printable characters only"));
      } else if (!names.add(counter.getCollection() + "/" + counter.getName())) {
        out.add(new Violation(path + ".name", "duplicate counter '" + counter.getName() + "'"));
      }
      if (blank(counter.getCollection())) {
        out.add(new Violation(path + ".collection", "must not be empty"));
      } else if (collectionNameProblem(counter.getCollection()) != null) {
        out.add(new Violation(path + ".collection", collectionNameProblem(counter.getCollection())));
      } else if (counter.getCollection().equals(METADATA_COLLECTION)) {
        out.add(new Violation(path + ".collection", metadataCollection()));
      }
      if (counter.getSeedFrom() != null) {
        String seedCollection = counter.getSeedFrom().getCollection();
        if (blank(seedCollection)) {
          out.add(new Violation(path + ".seedFrom.collection", "is required"));
        } else if (collectionNameProblem(seedCollection) != null) {
          out.add(new Violation(path + ".seedFrom.collection", collectionNameProblem(seedCollection)));
        }
        if (blank(counter.getSeedFrom().getField())) {
          out.add(new Violation(path + ".seedFrom.field", "is required"));
        } else if (fieldPathProblem(counter.getSeedFrom().getField()) != null) {
          out.add(new Violation(path + ".seedFrom.field", fieldPathProblem(counter.getSeedFrom().getField())));
        }
      }
    }
  }

  /** Its records say which schema manages what; an index or a counter there would break every schema of the database. */
  static String metadataCollection() {
    return "'" + METADATA_COLLECTION + "' is mongo-steward's own metadata collection (which schema manages which "
        + "collection and counter), not one a schema can manage; use another name";
  }

  /**
   * Why MongoDB refuses this collection name, or null. No $ and no NUL:
   * https://www.mongodb.com/docs/manual/reference/limits/#Restriction-on-Collection-Names; no other
   * control character either, since names go into log lines. Same line as {@link CollectionSpec#NAME}.
   */
  static String collectionNameProblem(String name) {
    String problem = null;
    if (name.indexOf('$') >= 0) {
      problem = "must not contain $";
    } else if (hasControlCharacter(name)) {
      problem = "must not hold a control character";
    } else if (name.length() > 255) {
      problem = "must be at most 255 characters";
    }
    if (problem == null && !COLLECTION.matcher(name).matches()) {
      problem = "is not accepted";
    }
    return problem == null ? null : "'" + printable(name) + "' is not a valid collection name: it " + problem;
  }

  /**
   * Why this is not a field path MongoDB accepts in an index key or an aggregation ($where fails
   * the seed read with 16410), or null. Same line as {@link IndexKey#FIELD_PATH}.
   * https://www.mongodb.com/docs/manual/reference/limits/#Restrictions-on-Field-Names
   */
  static String fieldPathProblem(String field) {
    if (FIELD_PATH.matcher(field).matches()) {
      return null;
    }
    String shown = "'" + printable(field) + "' ";
    if (field.indexOf('\0') >= 0) {
      return shown + "must not contain NUL";
    }
    String[] parts = field.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        return shown + "has an empty part: a dotted path such as a.b has no leading, trailing or doubled dots";
      }
    }
    for (String part : parts) {
      if (part.startsWith("$")) {
        return shown + "must not start with $, nor may any dotted part ('" + part + "'): $ names an operator";
      }
    }
    if (" \t\n\f\r".indexOf(field.charAt(0)) >= 0) {
      return shown + "must not start with a space";
    }
    return shown + "is not a valid field path";
  }

  private static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F);
  }

  /** The name as it can be shown on one line: control characters written as Java escapes. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().forEach(ch -> sb.append(ch < 0x20 || ch == 0x7F ? String.format("\\u%04x", ch) : String.valueOf((char) ch)));
    return sb.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
