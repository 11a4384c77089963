package io.mongosteward.plan;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.types.Decimal128;

/**
 * Canonical form of filter and collation values, so that what the API server or a YAML file
 * returns compares equal to what MongoDB returns: numbers by value (1 == 1.0 == NumberLong(1)),
 * maps by content whatever their key order (the API server does not keep it).
 */
final class Canonical {
  private Canonical() {}

  static Object of(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(of(v)));
      return out;
    }
    if (value instanceof Decimal128 d) {
      return d.bigDecimalValue().stripTrailingZeros();
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString()).stripTrailingZeros();
    }
    return value;
  }
}
