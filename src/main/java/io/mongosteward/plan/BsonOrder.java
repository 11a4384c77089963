package io.mongosteward.plan;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.bson.types.Symbol;

/**
 * The order MongoDB compares values in (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/),
 * over the Java values the driver decodes: MinKey, null, numbers, strings, documents, arrays,
 * binary data, ObjectId, booleans, dates, timestamps, regular expressions, MaxKey. Numbers compare
 * by value whatever their type (1 == 1L == 1.0), as a unique index and {@code $group} see them;
 * strings by their UTF-8 bytes (MongoDB's simple collation). Zero means equal as a key.
 */
public final class BsonOrder implements Comparator<Object> {
  public static final BsonOrder INSTANCE = new BsonOrder();

  private BsonOrder() {}

  /** True when MongoDB takes the two values as the same key. */
  public static boolean same(Object a, Object b) {
    return INSTANCE.compare(a, b) == 0;
  }

  @Override
  public int compare(Object a, Object b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) return Integer.compare(ra, rb);
    return switch (ra) {
      case 3 -> compareNumbers(a, b);
      case 4 -> compareStrings(text(a), text(b));
      case 5 -> compareDocuments((Map<?, ?>) a, (Map<?, ?>) b);
      case 6 -> compareLists((List<?>) a, (List<?>) b);
      case 7 -> compareBinary((Binary) a, (Binary) b);
      case 8 -> ((ObjectId) a).compareTo((ObjectId) b);
      case 9 -> Boolean.compare((Boolean) a, (Boolean) b);
      case 10 -> Long.compare(((Date) a).getTime(), ((Date) b).getTime());
      case 11 -> ((BsonTimestamp) a).compareTo((BsonTimestamp) b);
      case 1, 2, 13 -> 0;
      default -> String.valueOf(a).compareTo(String.valueOf(b));
    };
  }

  /** The rank of a value's type in MongoDB's comparison order. */
  static int rank(Object v) {
    if (v instanceof MinKey) return 1;
    if (v == null || v instanceof BsonUndefined || v instanceof org.bson.BsonNull) return 2;
    if (v instanceof Number) return 3;
    if (v instanceof String || v instanceof Symbol) return 4;
    if (v instanceof Map) return 5;
    if (v instanceof List) return 6;
    if (v instanceof Binary) return 7;
    if (v instanceof ObjectId) return 8;
    if (v instanceof Boolean) return 9;
    if (v instanceof Date) return 10;
    if (v instanceof BsonTimestamp) return 11;
    if (v instanceof Pattern || v instanceof org.bson.BsonRegularExpression) return 12;
    if (v instanceof MaxKey) return 13;
    return 12; // JavaScript code and other rarities: after the dates, compared by their text
  }

  private static String text(Object v) {
    return v instanceof Symbol s ? s.getSymbol() : (String) v;
  }

  /** By code point, which is the order of the UTF-8 bytes. */
  static int compareStrings(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) return Integer.compare(ca, cb);
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** NaN first, then -Infinity, the finite values by value, +Infinity. */
  private static int compareNumbers(Object a, Object b) {
    int ka = numberClass(a);
    int kb = numberClass(b);
    if (ka != kb || ka != 2) return Integer.compare(ka, kb);
    return decimal(a).compareTo(decimal(b));
  }

  /** 0 NaN, 1 -Infinity, 2 finite, 3 +Infinity. */
  private static int numberClass(Object n) {
    if (n instanceof Double || n instanceof Float) {
      double d = ((Number) n).doubleValue();
      if (Double.isNaN(d)) return 0;
      if (Double.isInfinite(d)) return d < 0 ? 1 : 3;
    } else if (n instanceof Decimal128 d) {
      if (d.isNaN()) return 0;
      if (d.isInfinite()) return d.isNegative() ? 1 : 3;
    }
    return 2;
  }

  private static BigDecimal decimal(Object n) {
    if (n instanceof Decimal128 d) {
      try {
        return d.bigDecimalValue();
      } catch (ArithmeticException negativeZero) {
        return BigDecimal.ZERO; // -0 (with any exponent) is 0 to MongoDB; bigDecimalValue() refuses it
      }
    }
    if (n instanceof Double || n instanceof Float) return new BigDecimal(((Number) n).doubleValue());
    if (n instanceof BigDecimal d) return d;
    return new BigDecimal(n.toString());
  }

  /** Field by field: the value's type, then the field's name, then the value; a prefix first. */
  private int compareDocuments(Map<?, ?> a, Map<?, ?> b) {
    Iterator<? extends Map.Entry<?, ?>> ia = a.entrySet().iterator();
    Iterator<? extends Map.Entry<?, ?>> ib = b.entrySet().iterator();
    while (ia.hasNext() && ib.hasNext()) {
      Map.Entry<?, ?> ea = ia.next();
      Map.Entry<?, ?> eb = ib.next();
      int c = Integer.compare(rank(ea.getValue()), rank(eb.getValue()));
      if (c == 0) c = compareStrings(String.valueOf(ea.getKey()), String.valueOf(eb.getKey()));
      if (c == 0) c = compare(ea.getValue(), eb.getValue());
      if (c != 0) return c;
    }
    return Boolean.compare(ia.hasNext(), ib.hasNext());
  }

  private int compareLists(List<?> a, List<?> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }

  /** By length, then subtype, then the bytes (unsigned). */
  private static int compareBinary(Binary a, Binary b) {
    int c = Integer.compare(a.length(), b.length());
    if (c == 0) c = Byte.compare(a.getType(), b.getType());
    if (c == 0) c = java.util.Arrays.compareUnsigned(a.getData(), b.getData());
    return c;
  }
}
