package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bson.BsonUndefined;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The keys mongod's index holds for a document, from its documentation (no stand-in generates
 * multikey keys as mongod does): https://www.mongodb.com/docs/manual/core/index-unique/ ("Unique
 * Constraint Across Separate Documents") and
 * https://www.mongodb.com/docs/manual/core/indexes/index-types/index-multikey/.
 */
class IndexKeysTest {
  private static final List<String> LOC_QTY = List.of("a.loc", "a.qty");

  private static Document d(String json) {
    return Document.parse(json);
  }

  private static List<Object> key(Object... values) {
    return Arrays.asList(values);
  }

  /** The documentation's example: the fields of one element pair, not every loc with every qty. */
  @Test
  void aCompoundKeyThroughOneArrayPairsTheFieldsOfEachElement() {
    Document one = d("{_id: 1, a: [{loc: 'A', qty: 5}, {qty: 10}]}");
    Document two = d("{_id: 2, a: [{loc: 'A'}, {qty: 5}]}");
    Document three = d("{_id: 3, a: [{loc: 'A', qty: 10}]}");

    assertThat(IndexKeys.of(one, LOC_QTY)).containsExactlyInAnyOrder(key("A", 5), key(null, 10));
    assertThat(IndexKeys.of(two, LOC_QTY)).containsExactlyInAnyOrder(key("A", null), key(null, 5));
    assertThat(IndexKeys.of(three, LOC_QTY)).containsExactly(key("A", 10));
    // "the unique index permits the insertion of" 2 and 3 beside 1: none shares a key.
    assertThat(IndexKeys.share(IndexKeys.of(one, LOC_QTY), IndexKeys.of(two, LOC_QTY))).isFalse();
    assertThat(IndexKeys.share(IndexKeys.of(one, LOC_QTY), IndexKeys.of(three, LOC_QTY))).isFalse();
    assertThat(IndexKeys.share(IndexKeys.of(two, LOC_QTY), IndexKeys.of(three, LOC_QTY))).isFalse();
    assertThat(IndexKeys.share(IndexKeys.of(one, LOC_QTY), IndexKeys.of(d("{a: {loc: 'A', qty: 5}}"), LOC_QTY)))
        .as("an embedded document with the pair of one of 1's elements").isTrue();
  }

  @Test
  void aPathThroughAnArrayOfDocumentsGivesOneValuePerElementAndNullWhereTheFieldIsMissing() {
    List<String> ab = List.of("a.b");
    assertThat(IndexKeys.of(d("{a: [{b: 1}, {b: 2}, {c: 3}]}"), ab)).containsExactlyInAnyOrder(key(1), key(2), key((Object) null));
    assertThat(IndexKeys.share(IndexKeys.of(d("{a: [{c: 1}]}"), ab), IndexKeys.of(d("{}"), ab)))
        .as("an element without b and a document without a are both null").isTrue();
    assertThat(IndexKeys.of(d("{a: [{b: {c: 1}}, {b: {c: 2}}]}"), List.of("a.b.c")))
        .containsExactlyInAnyOrder(key(1), key(2));
    assertThat(IndexKeys.of(d("{a: [{x: [1, 2]}, {x: 3}]}"), List.of("a.x")))
        .as("arrays within one path").containsExactlyInAnyOrder(key(1), key(2), key(3));
  }

  @Test
  void anArrayAtTheEndGivesEachElementAndAnEmptyArrayAKeyOfItsOwn() {
    List<String> t = List.of("t");
    assertThat(IndexKeys.of(d("{t: ['a', 'c']}"), t)).containsExactlyInAnyOrder(key("a"), key("c"));
    assertThat(IndexKeys.of(d("{t: []}"), t)).containsExactly(key(IndexKeys.UNDEFINED));
    assertThat(IndexKeys.share(IndexKeys.of(d("{t: []}"), t), IndexKeys.of(d("{t: []}"), t))).isTrue();
    assertThat(IndexKeys.share(IndexKeys.of(d("{t: []}"), t), IndexKeys.of(d("{t: null}"), t))).isFalse();
    assertThat(IndexKeys.share(IndexKeys.of(d("{t: []}"), t), IndexKeys.of(d("{}"), t))).isFalse();
    assertThat(IndexKeys.of(d("{t: [1, 2], u: 5}"), List.of("t", "u"))).containsExactlyInAnyOrder(key(1, 5), key(2, 5));
    assertThat(IndexKeys.share(IndexKeys.of(d("{t: 1, u: 1}"), List.of("t", "u")),
        IndexKeys.of(d("{t: 1.0, u: 1}"), List.of("t", "u")))).as("numbers compare by value").isTrue();
  }

  @Test
  void largeArrayKeysShareWhereOneElementDoes() {
    List<String> t = List.of("t");
    Document a = new Document("t", java.util.stream.IntStream.range(0, 20_000).boxed().toList());
    Document b = new Document("t", java.util.stream.LongStream.range(20_000, 40_000).boxed().toList());
    assertThat(IndexKeys.share(IndexKeys.of(a, t), IndexKeys.of(b, t))).isFalse();
    Document c = new Document("t", java.util.stream.Stream.concat(java.util.stream.Stream.of((Object) 19_999.0),
        java.util.stream.LongStream.range(20_000, 40_000).boxed()).toList());
    assertThat(IndexKeys.share(IndexKeys.of(a, t), IndexKeys.of(c, t))).as("19999 and 19999.0 are one key").isTrue();
  }

  /**
   * mongod's key encoding gives undefined a type of its own, apart from null, and stores an empty
   * array as undefined (SERVER-5481; key_string.cpp in mongodb/mongo).
   */
  @Test
  void missingAndNullAreNullWhileUndefinedAndAnEmptyArrayAreUndefined() {
    List<String> k = List.of("k");
    Set<List<Object>> missing = IndexKeys.of(d("{}"), k);
    Set<List<Object>> undefined = IndexKeys.of(new Document("k", new BsonUndefined()), k);
    assertThat(missing).containsExactly(key((Object) null));
    assertThat(IndexKeys.share(missing, IndexKeys.of(d("{k: null}"), k))).isTrue();
    assertThat(IndexKeys.share(missing, undefined)).isFalse();
    assertThat(IndexKeys.share(IndexKeys.of(d("{k: null}"), k), undefined)).isFalse();
    assertThat(IndexKeys.share(undefined, IndexKeys.of(d("{k: []}"), k))).isTrue();
    Set<List<Object>> undefinedAnd7 = IndexKeys.of(new Document("k", Arrays.asList(new BsonUndefined(), 7)), k);
    assertThat(IndexKeys.share(undefinedAnd7, missing)).isFalse();
    assertThat(IndexKeys.share(undefinedAnd7, IndexKeys.of(d("{k: 7}"), k))).isTrue();
    assertThat(IndexKeys.share(missing, IndexKeys.of(d("{k: 0}"), k))).isFalse();
  }

  @Test
  void negativeZeroIsZero() {
    List<String> k = List.of("k");
    assertThat(IndexKeys.share(IndexKeys.of(new Document("k", org.bson.types.Decimal128.parse("-0")), k),
        IndexKeys.of(d("{k: 0}"), k))).isTrue();
    assertThat(IndexKeys.share(IndexKeys.of(new Document("k", org.bson.types.Decimal128.parse("-0E+5")), k),
        IndexKeys.of(d("{k: 1}"), k))).isFalse();
  }

  /** Null where mongod's answer is not modelled: the caller keeps such documents rather than guess. */
  @Test
  void whatTheModelDoesNotKnowIsNullAndSharesNothing() {
    assertThat(IndexKeys.of(d("{a: []}"), List.of("a.b"))).as("an empty array in the middle").isNull();
    assertThat(IndexKeys.of(d("{a: [5, {b: 1}]}"), List.of("a.b"))).as("a scalar in the middle").isNull();
    assertThat(IndexKeys.of(d("{a: [{b: 1}]}"), List.of("a.0.b"))).as("a positional path").isNull();
    assertThat(IndexKeys.of(d("{a: [1], b: [2]}"), List.of("a", "b"))).as("parallel arrays").isNull();
    assertThat(IndexKeys.of(d("{a: [{x: [1], y: [2]}]}"), List.of("a.x", "a.y"))).as("parallel in an element").isNull();
    assertThat(IndexKeys.share(null, IndexKeys.of(d("{}"), List.of("k")))).isFalse();
    assertThat(IndexKeys.of(d("{a: [{b: 1}]}"), List.of("a", "a.b"))).as("overlapping paths").isNull();
    assertThat(IndexKeys.of(d("{a: 1}"), List.of())).as("no path").isNull();
    assertThat(IndexKeys.of(new Document("k", new org.bson.types.CodeWithScope("f()", new Document("a", 1))),
        List.of("k"))).as("code, compared here by its text alone").isNull();
    assertThat(IndexKeys.of(new Document("k", new Document("x", new BsonUndefined())), List.of("k")))
        .as("undefined inside a value").isNull();
    assertThat(IndexKeys.of(new Document("k", List.of(List.of(new BsonUndefined()))), List.of("k")))
        .as("undefined inside an array element").isNull();
    assertThat(IndexKeys.of(d("{a: [{x: [1], y: 2}]}"), List.of("a.x", "a.y")))
        .as("one array past the shared part is no parallel array").containsExactly(key(1, 2));
  }
}
