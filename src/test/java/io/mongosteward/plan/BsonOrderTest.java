package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class BsonOrderTest {
  @Test
  void typesSortInMongoDbsOrder() {
    ObjectId id = new ObjectId();
    List<Object> expected = List.of(new MinKey(), Double.NaN, Double.NEGATIVE_INFINITY, -5L, 1, 2.5,
        Double.POSITIVE_INFINITY, "", "B", "a", "é", new Document("a", 1), List.of(1), new Binary(new byte[] {1}),
        id, false, true, new Date(0), new BsonTimestamp(1, 1), new MaxKey());
    List<Object> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new java.util.Random(7));
    shuffled.add(3, null);
    shuffled.sort(BsonOrder.INSTANCE);
    List<Object> withNull = new ArrayList<>(expected);
    withNull.add(1, null);
    assertThat(shuffled).containsExactlyElementsOf(withNull);
  }

  @Test
  void numbersAreOneKeyWhateverTheirType() {
    assertThat(BsonOrder.same(1, 1L)).isTrue();
    assertThat(BsonOrder.same(1, 1.0)).isTrue();
    assertThat(BsonOrder.same(Decimal128.parse("1.00"), 1)).isTrue();
    assertThat(BsonOrder.same(1, "1")).isFalse();
    assertThat(BsonOrder.INSTANCE.compare(Long.MAX_VALUE, (double) Long.MAX_VALUE)).isLessThan(0);
    assertThat(BsonOrder.same(null, null)).isTrue();
  }

  @Test
  void documentsCompareFieldByFieldAndStringsByCodePoint() {
    assertThat(BsonOrder.INSTANCE.compare(new Document("a", 1), new Document("a", 1).append("b", 0))).isLessThan(0);
    assertThat(BsonOrder.INSTANCE.compare(new Document("a", 2), new Document("b", 1))).isLessThan(0);
    assertThat(BsonOrder.INSTANCE.compare(new Document("a", "x"), new Document("a", 5))).isGreaterThan(0);
    assertThat(BsonOrder.same(new Document("k0", 1L), new Document("k0", 1.0))).isTrue();
    // U+FF5E (one UTF-16 unit) sorts before U+1F600 (a surrogate pair) by code point, as by UTF-8 bytes.
    assertThat(BsonOrder.INSTANCE.compare("\uff5e", "\ud83d\ude00")).isLessThan(0);
  }
}
