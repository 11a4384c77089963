package io.mongosteward.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys an index on some field paths holds for one document, as mongod makes them
 * (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-multikey/ and
 * https://www.mongodb.com/docs/manual/core/index-unique/): a missing field is null; each element of
 * an array at the end of a path is a key of its own, and an empty array there is the key
 * {@link #UNDEFINED}, as is undefined itself (mongod's key encoding gives undefined a type of its
 * own, apart from null, and stores {@code []} as undefined: SERVER-5481); a path through an array of
 * documents gives one value per element,
 * null for an element without the field; and the fields of a compound key that run through the same
 * array are taken from the same element, not paired across elements (the documentation's
 * {@code {a: [{loc: "A", qty: 5}, {qty: 10}]}} holds the keys {@code ("A", 5)} and {@code (null, 10)}).
 *
 * <p>Where this model is not sure of mongod's answer it says so with null instead of a guess: an
 * empty array or a value other than a document in the middle of a path, a numeric path component
 * through an array, an array within an array in the middle of a path, parallel arrays (which mongod
 * refuses to index at all), paths that overlap or none, and key values holding undefined or
 * JavaScript code inside them (which {@link BsonOrder} does not tell apart from null, or compares
 * only by their text).
 */
public final class IndexKeys {
  /** The key of undefined and of an empty array at the end of a path: equal only to itself. */
  public static final Object UNDEFINED = new Object() {
    @Override
    public String toString() {
      return "undefined";
    }
  };

  private IndexKeys() {}

  /** Every key the document holds, each a list with one value per path; null where the model is unsure. */
  public static Set<List<Object>> of(Map<String, ?> document, List<String> paths) {
    if (paths.isEmpty()) return null;
    for (int i = 0; i < paths.size(); i++) {
      for (int j = i + 1; j < paths.size(); j++) {
        if (FieldPath.overlap(paths.get(i), paths.get(j))) return null; // "a" and "a.b": not modelled
      }
    }
    Object[] nodes = new Object[paths.size()];
    int[] at = new int[paths.size()];
    String[][] parts = new String[paths.size()][];
    List<Set<Integer>> arraysAt = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      parts[i] = paths.get(i).split("\\.", -1);
      nodes[i] = document;
      Set<Integer> depths = new java.util.HashSet<>();
      arrayDepths(document, parts[i], 0, depths);
      arraysAt.add(depths);
    }
    // Two fields may not both meet an array past the part of their paths they share (mongod: "cannot
    // index parallel arrays"); an array in the shared part is one array, expanded once for both.
    for (int i = 0; i < parts.length; i++) {
      for (int j = i + 1; j < parts.length; j++) {
        int common = 0;
        while (common < Math.min(parts[i].length, parts[j].length) && parts[i][common].equals(parts[j][common])) common++;
        final int c = common;
        if (arraysAt.get(i).stream().anyMatch(d -> d > c) && arraysAt.get(j).stream().anyMatch(d -> d > c)) return null;
      }
    }
    return expand(nodes, at, parts);
  }

  /** The depths (path components read) at which the path meets an array, through every element. */
  private static void arrayDepths(Object node, String[] parts, int depth, Set<Integer> out) {
    if (node instanceof List<?> list) {
      out.add(depth);
      if (depth < parts.length) list.forEach(e -> arrayDepths(e, parts, depth, out));
    } else if (depth < parts.length && node instanceof Map<?, ?> m && m.containsKey(parts[depth])) {
      arrayDepths(m.get(parts[depth]), parts, depth + 1, out);
    }
  }

  /** Whether two documents hold a key in common; false when either is beyond the model. */
  public static boolean share(Set<List<Object>> a, Set<List<Object>> b) {
    if (a == null || b == null) return false;
    // Sorted, so that two documents with large array keys cost n log n, not n times m.
    Set<List<Object>> smaller = new java.util.TreeSet<>(IndexKeys::compareKeys);
    smaller.addAll(a.size() <= b.size() ? a : b);
    for (List<Object> key : a.size() <= b.size() ? b : a) {
      if (smaller.contains(key)) return true;
    }
    return false;
  }

  private static int compareKeys(List<Object> x, List<Object> y) {
    for (int i = 0; i < x.size(); i++) {
      Object p = x.get(i);
      Object q = y.get(i);
      int c = p == UNDEFINED || q == UNDEFINED ? Boolean.compare(q == UNDEFINED, p == UNDEFINED)
          : BsonOrder.INSTANCE.compare(p, q);
      if (c != 0) return c;
    }
    return 0;
  }

  /** Walks each path from its node; expands the first array met in the middle of a path, per element. */
  private static Set<List<Object>> expand(Object[] nodes, int[] at, String[][] parts) {
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = walk(nodes[i], parts[i], at, i);
    }
    for (int i = 0; i < nodes.length; i++) {
      if (!(nodes[i] instanceof List<?> array) || at[i] == parts[i].length) continue;
      // The fields that reached this same array take their values from the same element.
      List<Integer> sharing = new ArrayList<>();
      for (int j = 0; j < nodes.length; j++) {
        if (nodes[j] == array && at[j] < parts[j].length) {
          if (parts[j][at[j]].chars().allMatch(Character::isDigit)) return null; // positional: not modelled
          sharing.add(j);
        }
      }
      if (array.isEmpty()) return null; // an empty array in the middle of a path: not modelled
      Set<List<Object>> out = new LinkedHashSet<>();
      for (Object element : array) {
        if (!(element instanceof Map<?, ?>)) return null;
        Object[] next = nodes.clone();
        int[] nextAt = at.clone();
        for (int j : sharing) next[j] = element;
        Set<List<Object>> keys = expand(next, nextAt, parts);
        if (keys == null) return null;
        out.addAll(keys);
      }
      return out;
    }
    // Every path has ended: at most one may end on an array, each element a key.
    List<List<Object>> values = new ArrayList<>();
    int arrays = 0;
    for (Object node : nodes) {
      if (node instanceof List<?> list) {
        if (++arrays > 1) return null; // parallel arrays: mongod refuses to index the document
        List<Object> elements = new ArrayList<>();
        for (Object e : list) {
          if (beyondModel(e)) return null;
          elements.add(e instanceof org.bson.BsonUndefined ? UNDEFINED : e);
        }
        values.add(list.isEmpty() ? List.of(UNDEFINED) : elements);
      } else {
        if (beyondModel(node)) return null;
        values.add(java.util.Collections.singletonList(node instanceof org.bson.BsonUndefined ? UNDEFINED : node));
      }
    }
    Set<List<Object>> out = new LinkedHashSet<>();
    product(values, 0, new Object[values.size()], out);
    return out;
  }

  /**
   * A key value this model does not compare as mongod does: JavaScript code (compared here by its
   * text alone, without its scope or its type), or undefined inside a document or an array (taken
   * here as null). Undefined as the whole value is fine: it becomes {@link #UNDEFINED}.
   */
  public static boolean beyondModel(Object value) {
    return value instanceof org.bson.types.Code || nestedUndefinedOrCode(value);
  }

  private static boolean nestedUndefinedOrCode(Object value) {
    Iterable<?> inside = value instanceof Map<?, ?> m ? m.values() : value instanceof List<?> l ? l : List.of();
    for (Object v : inside) {
      if (v instanceof org.bson.BsonUndefined || v instanceof org.bson.types.Code || nestedUndefinedOrCode(v)) return true;
    }
    return false;
  }

  /** Follows the path from node until it ends, is missing (null), or meets an array with path left. */
  private static Object walk(Object node, String[] parts, int[] at, int i) {
    while (at[i] < parts.length) {
      if (node instanceof List<?>) {
        return node;
      }
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(parts[at[i]])) {
        at[i] = parts.length;
        return null;
      }
      node = m.get(parts[at[i]]);
      at[i]++;
    }
    return node;
  }

  private static void product(List<List<Object>> values, int i, Object[] key, Set<List<Object>> out) {
    if (i == values.size()) {
      out.add(Arrays.asList(key.clone()));
      return;
    }
    for (Object v : values.get(i)) {
      key[i] = v;
      product(values, i + 1, key, out);
    }
  }
}
