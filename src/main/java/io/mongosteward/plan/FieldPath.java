package io.mongosteward.plan;

import java.util.List;
import java.util.Map;

/** Reads a dotted field path from a document as the driver decodes it, telling missing from null. */
public final class FieldPath {
  /** What a path holds. */
  public sealed interface Value permits Missing, Present, ThroughArray {}

  /** The path leads nowhere. */
  public record Missing() implements Value {}

  /** The path's value; may be null (the field is there and null). */
  public record Present(Object value) implements Value {}

  /** An array on the way: the path names several values. */
  public record ThroughArray() implements Value {}

  public static final Missing MISSING = new Missing();
  public static final ThroughArray THROUGH_ARRAY = new ThroughArray();

  private FieldPath() {}

  public static Value get(Map<String, ?> document, String path) {
    Object current = document;
    String[] parts = path.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (current instanceof List<?>) return THROUGH_ARRAY;
      if (!(current instanceof Map<?, ?> m) || !m.containsKey(parts[i])) return MISSING;
      current = m.get(parts[i]);
    }
    return new Present(current);
  }

  /** The value, with a missing field (or one behind an array) as null: what a unique index sees as null. */
  public static Object orNull(Map<String, ?> document, String path) {
    return get(document, path) instanceof Present p ? p.value() : null;
  }

  /** True when one path is the other or contains it ("a" and "a.b"): they cannot be projected together. */
  public static boolean overlap(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
  }
}
