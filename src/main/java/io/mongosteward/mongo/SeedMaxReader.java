package io.mongosteward.mongo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * The largest number in a field, array elements included, from documents read in descending
 * order of that field, in bounded reads.
 *
 * <p>Why reading stops at the first plain number: MongoDB sorts an array descending by its
 * largest element, and sorts numbers below strings, objects, arrays, ObjectIds and dates
 * (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/). So the documents
 * that come before the first document holding one plain number are those with non-numeric or
 * array values; every document after it sorts lower, and holds no larger number. Numbers inside
 * the arrays read on the way count; other values are reported, never silently skipped.
 */
final class SeedMaxReader {
  static final int BATCH = 64;
  /** Documents read at most before giving up on finding the max. */
  static final int MAX_DOCUMENTS = 1000;

  /**
   * @param max the largest number found, rounded up; null when none
   * @param ignoredTypes BSON types found that are not numbers
   * @param undetermined why the max is unknown, or null
   */
  record SeedMax(Long max, List<String> ignoredTypes, String undetermined) {}

  SeedMax read(Iterator<Document> descending, String field) {
    Long max = null;
    Set<String> ignored = new TreeSet<>();
    String[] path = field.split("\\.");
    int read = 0;
    while (descending.hasNext()) {
      read++;
      Values values = new Values(ignored);
      Shape shape = walk(descending.next(), path, 0, values);
      if (values.tooLarge != null) {
        // A 64-bit counter cannot be kept above it: a seed below it would hand its id out again.
        return new SeedMax(null, List.copyOf(ignored), "it holds " + values.tooLarge + ", beyond a 64-bit integer, "
            + "so a counter cannot be kept above it");
      }
      if (values.max != null) max = max == null ? values.max : Math.max(max, values.max);
      // A plain number: nothing after it sorts higher. Nothing at all: missing, null and empty
      // arrays sort last, so only more of them follow.
      if (shape != Shape.OTHER) {
        return new SeedMax(max, List.copyOf(ignored), null);
      }
    }
    if (read >= MAX_DOCUMENTS) {
      return new SeedMax(max, List.copyOf(ignored), "the first " + MAX_DOCUMENTS + " documents in descending order "
          + "hold arrays or values that are not numbers, so a bounded read cannot tell the max");
    }
    return new SeedMax(max, List.copyOf(ignored), null);
  }

  /** What a document holds at the path, for the decision to read on. */
  private enum Shape { NUMBER, NOTHING, OTHER }

  /** The numbers found in one document, and the types that are not numbers. */
  private static final class Values {
    final Set<String> ignored;
    Long max;
    /** A number above the 64-bit range (or +Infinity), as found. */
    Object tooLarge;

    Values(Set<String> ignored) {
      this.ignored = ignored;
    }

    void add(Object value) {
      BigDecimal n = decimal(value);
      if (n == null) {
        ignored.add(value instanceof List<?> ? "array" : isNaN(value) ? "NaN"
            : value.getClass().getSimpleName().toLowerCase(Locale.ROOT));
      } else if (n.compareTo(LONG_MAX) > 0) {
        tooLarge = value;
      } else if (n.compareTo(LONG_MIN) >= 0) {
        long whole = n.setScale(0, RoundingMode.CEILING).longValue();
        max = max == null ? whole : Math.max(max, whole);
      } // far below any id: it raises nothing
    }
  }

  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);

  /** The exact value of a number, +Infinity as a value above every long; null for NaN and what is not a number. */
  private static BigDecimal decimal(Object value) {
    if (value instanceof Integer || value instanceof Long) return BigDecimal.valueOf(((Number) value).longValue());
    if (value instanceof Double d) {
      if (d.isNaN()) return null;
      if (d.isInfinite()) return d > 0 ? LONG_MAX.add(BigDecimal.ONE) : LONG_MIN.subtract(BigDecimal.ONE);
      return new BigDecimal(d);
    }
    if (value instanceof Decimal128 d) {
      if (d.isNaN()) return null;
      if (d.isInfinite()) return d.isNegative() ? LONG_MIN.subtract(BigDecimal.ONE) : LONG_MAX.add(BigDecimal.ONE);
      return d.bigDecimalValue();
    }
    if (value instanceof BigDecimal d) return d;
    return null;
  }

  private static boolean isNaN(Object value) {
    return (value instanceof Double d && d.isNaN()) || (value instanceof Decimal128 e && e.isNaN());
  }

  /** Collects every value at {@code path} from {@code i}, across arrays as MongoDB does. */
  private static Shape walk(Object current, String[] path, int i, Values out) {
    if (current == null) {
      return Shape.NOTHING;
    }
    if (current instanceof List<?> list) {
      if (list.isEmpty()) return Shape.NOTHING;
      // Elements that are arrays themselves are values at a leaf, but not traversed within a path.
      list.forEach(e -> {
        if (i == path.length && e instanceof List<?>) out.add(e);
        else if (!(e instanceof List<?>)) walk(e, path, i, out);
      });
      return Shape.OTHER;
    }
    if (i == path.length) {
      out.add(current);
      return current instanceof Number || current instanceof Decimal128 ? Shape.NUMBER : Shape.OTHER;
    }
    return current instanceof Document d ? walk(d.get(path[i]), path, i + 1, out) : Shape.NOTHING;
  }

  /**
   * A counter's {@code seq} as a long: whole ids stay whole, a fraction rounds up; null when it is
   * not a number within the 64-bit range.
   */
  static Long toLong(Object value) {
    BigDecimal n = decimal(value);
    if (n == null || n.compareTo(LONG_MAX) > 0 || n.compareTo(LONG_MIN) < 0) return null;
    return n.setScale(0, RoundingMode.CEILING).longValue();
  }
}
