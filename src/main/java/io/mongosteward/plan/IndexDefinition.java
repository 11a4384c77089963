package io.mongosteward.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An index as the planner compares it: ordered keys and the options that change what the index
 * does. Built from a spec or from a listIndexes entry by {@link IndexDefinitions}; server
 * bookkeeping ({@code v}, {@code ns}, {@code textIndexVersion}, {@code 2dsphereIndexVersion})
 * is not part of it.
 *
 * @param partialFilter canonical (see {@link Canonical}); null when absent
 * @param collation canonical. From a spec: only the fields the user set, and null when unset,
 *     which means the collection's default, as mongod applies it. From a server: every field,
 *     and null for the simple collation, which mongod stores as no collation at all.
 * @param typeOptions canonical options of special key types, defaults filled in: for text,
 *     {@code weights}, {@code default_language}, {@code language_override}; for 2d,
 *     {@code bits}, {@code min}, {@code max}. Empty for other indexes.
 * @param createOptions the options as they go into createIndexes (original types and order)
 */
public record IndexDefinition(
    String name,
    List<KeyPart> keys,
    boolean unique,
    boolean sparse,
    boolean hidden,
    Long expireAfterSeconds,
    Map<String, Object> partialFilter,
    Map<String, Object> collation,
    Map<String, Object> typeOptions,
    Map<String, Object> createOptions) {

  public IndexDefinition {
    keys = List.copyOf(keys);
    typeOptions = typeOptions == null ? Map.of() : typeOptions;
  }

  /** Differences between this (desired) and an observed index, ignoring names, on a collection without a default collation. */
  public List<Difference> differencesFrom(IndexDefinition observed) {
    return differencesFrom(observed, null);
  }

  /**
   * Differences between this (desired) and an observed index, ignoring names.
   *
   * @param collectionDefault the collection's default collation (canonical), null for simple
   */
  public List<Difference> differencesFrom(IndexDefinition observed, Map<String, Object> collectionDefault) {
    List<Difference> diffs = new ArrayList<>();
    if (!sameKeys(observed)) {
      diffs.add(new Difference("keys", keys.toString(), observed.keys.toString(), false));
    }
    if (!Objects.equals(partialFilter, observed.partialFilter)) {
      diffs.add(new Difference("partialFilterExpression", partialFilter, observed.partialFilter, false));
    }
    // Text and 2dsphere indexes are always sparse, and with a partial filter sparse means nothing:
    // https://www.mongodb.com/docs/manual/core/index-sparse/#behavior
    if (sparse != observed.sparse && !alwaysSparse() && !observed.alwaysSparse() && partialFilter == null) {
      diffs.add(new Difference("sparse", sparse, observed.sparse, false));
    }
    if (!collationMatches(observed.collation, collectionDefault)) {
      diffs.add(new Difference("collation", collation == null ? collectionDefault : collation, observed.collation, false));
    }
    if (!Objects.equals(typeOptions, observed.typeOptions)) {
      typeOptions.forEach((k, v) -> {
        if (!Objects.equals(v, observed.typeOptions.get(k))) {
          diffs.add(new Difference(k, v, observed.typeOptions.get(k), false));
        }
      });
    }
    if (unique != observed.unique) {
      // MongoDB 6.0 and later make an index unique in place (collMod prepareUnique, then unique);
      // nothing makes a unique index non-unique in place before 7.1, so that is a rebuild.
      // https://www.mongodb.com/docs/manual/reference/command/collMod/#convert-an-existing-index-to-a-unique-index
      diffs.add(new Difference("unique", unique, observed.unique, unique));
    }
    if (hidden != observed.hidden) {
      diffs.add(new Difference("hidden", hidden, observed.hidden, true));
    }
    if (!Objects.equals(expireAfterSeconds, observed.expireAfterSeconds)) {
      // collMod can set or change a TTL, but cannot remove one.
      diffs.add(new Difference("expireAfterSeconds", expireAfterSeconds, observed.expireAfterSeconds,
          expireAfterSeconds != null));
    }
    return diffs;
  }

  private boolean alwaysSparse() {
    return keys.stream().anyMatch(k -> k.kind().equals("text") || k.kind().equals("2dsphere"));
  }

  /** Whether the index holds a text key: one per collection, always sparse, always the simple collation. */
  public boolean isText() {
    return keys.stream().anyMatch(k -> k.kind().equals("text"));
  }

  /**
   * Text and 2d indexes support only the simple collation; on a collection with another default
   * they must be created with {locale: "simple"}, or mongod refuses them with code 67.
   * https://www.mongodb.com/docs/manual/reference/collation/#restrictions
   */
  public boolean simpleCollationOnly() {
    return keys.stream().anyMatch(k -> k.kind().equals("text") || k.kind().equals("2d"));
  }

  private boolean sameKeys(IndexDefinition other) {
    if (keys.equals(other.keys)) {
      return true;
    }
    // Text fields have no order among themselves: MongoDB stores them as a weights document.
    return keys.size() == other.keys.size()
        && keys.stream().anyMatch(k -> k.kind().equals("text"))
        && normalizedTextOrder(keys).equals(normalizedTextOrder(other.keys));
  }

  private static List<KeyPart> normalizedTextOrder(List<KeyPart> keys) {
    List<KeyPart> out = new ArrayList<>();
    List<KeyPart> text = new ArrayList<>();
    for (KeyPart k : keys) {
      if (k.kind().equals("text")) {
        text.add(k);
      } else {
        if (!text.isEmpty()) {
          text.sort((a, b) -> a.field().compareTo(b.field()));
          out.addAll(text);
          text.clear();
        }
        out.add(k);
      }
    }
    text.sort((a, b) -> a.field().compareTo(b.field()));
    out.addAll(text);
    return out;
  }

  /**
   * mongod's rules (https://www.mongodb.com/docs/manual/reference/collation/#collation-and-index-use):
   * an index declared without a collation gets the collection's default; {locale: "simple"} is
   * stored as no collation; a declared collation is compared on the fields it sets, since the
   * server fills in the rest from the locale.
   */
  private boolean collationMatches(Map<String, Object> observed, Map<String, Object> collectionDefault) {
    Map<String, Object> wanted = collation != null ? collation : collectionDefault;
    if (simpleCollationOnly()) {
      wanted = collation;
    }
    if (isSimple(wanted)) {
      return isSimple(observed);
    }
    return !isSimple(observed) && wanted.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), observed.get(e.getKey())));
  }

  static boolean isSimple(Map<String, Object> collation) {
    return collation == null || "simple".equals(collation.get("locale"));
  }

  /** One differing property; {@code modifiable} when collMod can change it in place. */
  public record Difference(String property, Object desired, Object observed, boolean modifiable) {
    @Override
    public String toString() {
      return property + " " + observed + " -> " + desired;
    }
  }
}
