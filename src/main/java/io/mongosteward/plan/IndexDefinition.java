package io.mongosteward.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An index as the planner compares it: ordered keys and the options that change what the index
 * does. Built from a spec or from a listIndexes entry by {@link IndexDefinitions}; server
 * bookkeeping ({@code v}, {@code ns}, text index versions) is not part of it.
 *
 * @param partialFilter canonical (see {@link Canonical}); null when absent
 * @param collation canonical; null when absent. From a spec it holds only the fields the user
 *     set; from the server, every field. Only the fields set in the spec are compared.
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
    Map<String, Object> createOptions) {

  public IndexDefinition {
    keys = List.copyOf(keys);
  }

  /** Differences between this (desired) and an observed index, ignoring names. */
  public List<Difference> differencesFrom(IndexDefinition observed) {
    List<Difference> diffs = new ArrayList<>();
    if (!sameKeys(observed)) {
      diffs.add(new Difference("keys", keys.toString(), observed.keys.toString(), false));
    }
    if (unique != observed.unique) {
      diffs.add(new Difference("unique", unique, observed.unique, false));
    }
    if (sparse != observed.sparse) {
      diffs.add(new Difference("sparse", sparse, observed.sparse, false));
    }
    if (!Objects.equals(partialFilter, observed.partialFilter)) {
      diffs.add(new Difference("partialFilterExpression", partialFilter, observed.partialFilter, false));
    }
    if (!collationMatches(observed.collation)) {
      diffs.add(new Difference("collation", collation, observed.collation, false));
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

  private boolean collationMatches(Map<String, Object> observed) {
    if (collation == null || observed == null) {
      return collation == null && (observed == null || isSimple(observed));
    }
    return collation.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), observed.get(e.getKey())));
  }

  private static boolean isSimple(Map<String, Object> collation) {
    return "simple".equals(collation.get("locale"));
  }

  /** One differing property; {@code modifiable} when collMod can change it in place. */
  public record Difference(String property, Object desired, Object observed, boolean modifiable) {
    @Override
    public String toString() {
      return property + " " + observed + " -> " + desired;
    }
  }
}
