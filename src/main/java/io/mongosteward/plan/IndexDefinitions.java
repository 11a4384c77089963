package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.Collation;
import io.mongosteward.api.v1alpha1.IndexKey;
import io.mongosteward.api.v1alpha1.IndexSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** Builds {@link IndexDefinition}s from a spec or a listIndexes entry, and createIndexes documents. */
public final class IndexDefinitions {
  private IndexDefinitions() {}

  public static IndexDefinition fromSpec(IndexSpec spec) {
    List<KeyPart> keys = new ArrayList<>();
    for (IndexKey k : spec.getKeys()) {
      String kind = k.getType() != null ? k.getType().mongoValue()
          : (k.getOrder() != null && k.getOrder() < 0 ? "-1" : "1");
      keys.add(new KeyPart(k.getField(), kind));
    }
    Map<String, Object> options = new LinkedHashMap<>();
    if (isTrue(spec.getUnique())) options.put("unique", true);
    if (isTrue(spec.getSparse())) options.put("sparse", true);
    if (spec.getPartialFilterExpression() != null) options.put("partialFilterExpression", spec.getPartialFilterExpression());
    Map<String, Object> collation = collationMap(spec.getCollation());
    if (collation != null) options.put("collation", collation);
    if (isTrue(spec.getHidden())) options.put("hidden", true);
    if (spec.getExpireAfterSeconds() != null) options.put("expireAfterSeconds", spec.getExpireAfterSeconds());
    return new IndexDefinition(spec.getName(), keys, isTrue(spec.getUnique()), isTrue(spec.getSparse()),
        isTrue(spec.getHidden()), spec.getExpireAfterSeconds(), canonicalMap(spec.getPartialFilterExpression()),
        canonicalMap(collation), typeOptions(keys, new Document()), options);
  }

  /** From one listIndexes entry, as any MongoDB 4.2 to 8.0 (or a stand-in) returns it. */
  public static IndexDefinition fromListIndexes(Document entry) {
    Document key = entry.get("key", Document.class);
    List<KeyPart> keys = new ArrayList<>();
    for (Map.Entry<String, Object> e : key.entrySet()) {
      if (e.getKey().equals("_fts")) {
        // A text index stores its text fields as weights, in place of the _fts/_ftsx pair.
        Document weights = entry.get("weights", Document.class);
        if (weights != null) {
          weights.keySet().forEach(f -> keys.add(new KeyPart(f, "text")));
        }
      } else if (!e.getKey().equals("_ftsx")) {
        keys.add(new KeyPart(e.getKey(), kindOf(e.getValue())));
      }
    }
    Long ttl = entry.get("expireAfterSeconds") instanceof Number n ? n.longValue() : null;
    Document partial = entry.get("partialFilterExpression", Document.class);
    Document collation = entry.get("collation", Document.class);
    Map<String, Object> options = new LinkedHashMap<>(entry);
    options.keySet().removeAll(List.of("v", "key", "name", "ns"));
    return new IndexDefinition(entry.getString("name"), keys, isTrue(entry.get("unique")), isTrue(entry.get("sparse")),
        isTrue(entry.get("hidden")), ttl, canonicalMap(partial), canonicalMap(collation), typeOptions(keys, entry),
        options);
  }

  /**
   * The options that change what a text or 2d index does, with mongod's defaults filled in, so
   * that a spec (which cannot set them) matches an index built from it and not one built with
   * other weights or another language. Version fields ({@code textIndexVersion},
   * {@code 2dsphereIndexVersion}) are bookkeeping and left out.
   * https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/specify-text-index-language/
   * https://www.mongodb.com/docs/manual/core/indexes/index-types/geospatial/2d/
   */
  private static Map<String, Object> typeOptions(List<KeyPart> keys, Document entry) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (keys.stream().anyMatch(k -> k.kind().equals("text"))) {
      Map<String, Object> defaultWeights = new LinkedHashMap<>();
      keys.stream().filter(k -> k.kind().equals("text")).forEach(k -> defaultWeights.put(k.field(), 1));
      Object weights = entry.get("weights");
      out.put("weights", Canonical.of(weights instanceof Map<?, ?> ? weights : defaultWeights));
      out.put("default_language", entry.get("default_language") instanceof String l ? l : "english");
      out.put("language_override", entry.get("language_override") instanceof String l ? l : "language");
    }
    if (keys.stream().anyMatch(k -> k.kind().equals("2d"))) {
      out.put("bits", Canonical.of(entry.get("bits") instanceof Number n ? n : 26));
      out.put("min", Canonical.of(entry.get("min") instanceof Number n ? n : -180));
      out.put("max", Canonical.of(entry.get("max") instanceof Number n ? n : 180));
    }
    return out;
  }

  /** A stable text of a declaration, to tell whether a record made about it still holds. */
  public static String fingerprint(IndexDefinition index) {
    return toCreateDocument(index).toJson();
  }

  /** The document createIndexes takes for this index. */
  public static Document toCreateDocument(IndexDefinition index) {
    Document key = new Document();
    index.keys().forEach(k -> key.append(k.field(), k.mongoValue()));
    Document doc = new Document("key", key).append("name", index.name());
    index.createOptions().forEach((k, v) -> doc.append(k, toBson(v)));
    return doc;
  }

  private static Object toBson(Object value) {
    if (value instanceof Map<?, ?> map) {
      Document d = new Document();
      map.forEach((k, v) -> d.append(String.valueOf(k), toBson(v)));
      return d;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(IndexDefinitions::toBson).toList();
    }
    return value;
  }

  private static String kindOf(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue() < 0 ? "-1" : "1";
    }
    return String.valueOf(value);
  }

  private static boolean isTrue(Object value) {
    if (value instanceof Boolean b) return b;
    // Old servers and some drivers stored options as numbers (unique: 1).
    if (value instanceof Number n) return n.doubleValue() != 0;
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> canonicalMap(Map<String, ?> map) {
    return map == null ? null : (Map<String, Object>) Canonical.of(map);
  }

  private static Map<String, Object> collationMap(Collation c) {
    if (c == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("locale", c.getLocale());
    if (c.getStrength() != null) m.put("strength", c.getStrength());
    if (c.getCaseLevel() != null) m.put("caseLevel", c.getCaseLevel());
    if (c.getCaseFirst() != null) m.put("caseFirst", c.getCaseFirst());
    if (c.getNumericOrdering() != null) m.put("numericOrdering", c.getNumericOrdering());
    if (c.getAlternate() != null) m.put("alternate", c.getAlternate());
    if (c.getMaxVariable() != null) m.put("maxVariable", c.getMaxVariable());
    if (c.getNormalization() != null) m.put("normalization", c.getNormalization());
    if (c.getBackwards() != null) m.put("backwards", c.getBackwards());
    return m;
  }
}
