package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesInOrder() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("s", "a\"b\\c\nd\u0001");
    doc.put("n", null);
    doc.put("i", 3);
    doc.put("d", 1.5);
    doc.put("nan", Double.NaN);
    doc.put("b", true);
    doc.put("t", Instant.parse("2025-01-01T00:00:00Z"));
    doc.put("l", Arrays.asList(1, "x", null));
    doc.put("m", Map.of("k", List.of()));
    assertThat(Json.write(doc)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":null,\"i\":3,\"d\":1.5,"
        + "\"nan\":null,\"b\":true,\"t\":\"2025-01-01T00:00:00Z\",\"l\":[1,\"x\",null],\"m\":{\"k\":[]}}");
  }
}
