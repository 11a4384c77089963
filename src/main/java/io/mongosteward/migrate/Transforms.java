package io.mongosteward.migrate;

import io.mongosteward.api.v1alpha1.Transform;
import java.util.List;
import java.util.Locale;

/** A backfill's transforms, applied left to right. */
public final class Transforms {
  private Transforms() {}

  /**
   * The value a backfill writes for {@code source}. The transforms work on strings; any other value
   * (a number, a document) passes through unchanged, so an empty list copies the value as it is.
   */
  public static Object apply(List<Transform> transforms, Object source) {
    Object v = source;
    for (Transform t : transforms) {
      if (!(v instanceof String s)) return v;
      v = apply(t, s);
    }
    return v;
  }

  public static String apply(Transform t, String s) {
    return switch (t) {
      case NormalizeUrl -> NormalizeUrl.apply(s);
      case Lowercase -> s.toLowerCase(Locale.ROOT);
      case Trim -> s.strip();
    };
  }
}
