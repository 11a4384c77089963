package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.IndexKey;
import io.mongosteward.api.v1alpha1.SeedFrom;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Specs that mongod refuses must be refused before anything is planned, naming the exact field.
 * Each row breaks one rule; the valid neighbours show where each rule stops.
 */
class SpecValidatorTest {

  /** A spec with one collection "posts" holding these indexes (flow YAML, comma-separated). */
  static String posts(String indexes) {
    return "database: app\ncollections: [{name: posts, indexes: [" + indexes + "]}]\n";
  }

  static String manyIndexes(int n) {
    return posts(IntStream.range(0, n).mapToObj(i -> "{name: i" + i + ", keys: [{field: f" + i + "}]}")
        .collect(Collectors.joining(", ")));
  }

  static String counter(String counter) {
    return "database: app\ncounters: [" + counter + "]\n";
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // 1. https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/
        row("two text indexes in one collection",
            posts("{name: t1, keys: [{field: title, type: text}]}, {name: t2, keys: [{field: a}, {field: body, type: text}]}"),
            "spec.collections[0].indexes[1].keys[1].type", "only one text index; 't1' is one already"),
        // 2. https://www.mongodb.com/docs/manual/core/indexes/index-types/index-hashed/
        row("unique hashed index", posts("{name: h, keys: [{field: a, type: hashed}], unique: true}"),
            "spec.collections[0].indexes[0].unique", "a hashed index cannot be unique"),
        // 3.
        row("two hashed fields in one index",
            posts("{name: h, keys: [{field: a, type: hashed}, {field: b}, {field: c, type: hashed}]}"),
            "spec.collections[0].indexes[0].keys[2].type", "only one hashed field"),
        // 4. https://www.mongodb.com/docs/manual/core/index-ttl/
        row("TTL on _id", posts("{name: x, keys: [{field: _id}], expireAfterSeconds: 60}"),
            "spec.collections[0].indexes[0].expireAfterSeconds", "_id does not support a TTL"),
        row("TTL above 2147483647", posts("{name: x, keys: [{field: ts}], expireAfterSeconds: 2147483648}"),
            "spec.collections[0].indexes[0].expireAfterSeconds", "at most 2147483647"),
        // 5. https://www.mongodb.com/docs/manual/reference/collation/
        row("text index with a collation", posts("{name: t, keys: [{field: title, type: text}], collation: {locale: en}}"),
            "spec.collections[0].indexes[0].collation", "only simple binary comparison"),
        row("2d index with a collation", posts("{name: g, keys: [{field: loc, type: 2d}], collation: {locale: fr, strength: 1}}"),
            "spec.collections[0].indexes[0].collation", "only simple binary comparison"),
        // 6. code 85 IndexOptionsConflict
        row("same keys and options under two names",
            posts("{name: a, keys: [{field: x}, {field: y, order: -1}], unique: true}, "
                + "{name: b, keys: [{field: x, order: 1}, {field: y, order: -1}], unique: true}"),
            "spec.collections[0].indexes[1]", "same keys and options as 'a'"),
        row("same keys and collation, differing only in TTL and hidden",
            posts("{name: a, keys: [{field: ts}], collation: {locale: en}}, "
                + "{name: b, keys: [{field: ts}], collation: {locale: en}, expireAfterSeconds: 60, hidden: true}"),
            "spec.collections[0].indexes[1]", "same keys and options as 'a'"),
        row("same keys, no collation and the simple collation",
            posts("{name: a, keys: [{field: x}]}, {name: b, keys: [{field: x}], collation: {locale: simple}}"),
            "spec.collections[0].indexes[1]", "same keys and options as 'a'"),
        // 7. https://www.mongodb.com/docs/manual/reference/limits/#Number-of-Indexes-per-Collection
        row("64 declared indexes", manyIndexes(64),
            "spec.collections[0].indexes", "at most 63"),
        // 8. https://www.mongodb.com/docs/manual/reference/limits/#Restriction-on-Collection-Names
        row("$ inside a collection name", "database: app\ncollections: [{name: 'posts$old'}]\n",
            "spec.collections[0].name", "must not contain $"),
        row("$ inside a counters collection", counter("{name: c, collection: 'ids$'}"),
            "spec.counters[0].collection", "must not contain $"),
        row("$ inside seedFrom.collection", counter("{name: c, seedFrom: {collection: 'po$ts', field: id}}"),
            "spec.counters[0].seedFrom.collection", "must not contain $"),
        // 9.
        row("database admin", "database: admin\n", "spec.database", "reserved"),
        row("database Config", "database: Config\n", "spec.database", "reserved"),
        row("database LOCAL", "database: LOCAL\n", "spec.database", "reserved"),
        // 10.
        row("tab in an index name", posts("{name: \"by\\tdate\", keys: [{field: d}]}"),
            "spec.collections[0].indexes[0].name", "control character"),
        row("newline in a collection name", "database: app\ncollections: [{name: \"posts\\nx\"}]\n",
            "spec.collections[0].name", "control character"),
        row("DEL in a counter name", counter("{name: \"post\\x7fid\"}"),
            "spec.counters[0].name", "control character"),
        row("NUL in a counter name", counter("{name: \"post\\0id\"}"),
            "spec.counters[0].name", "control character"),
        // 12. https://www.mongodb.com/docs/manual/reference/limits/#Restrictions-on-Field-Names
        row("seedFrom.field $where", counter("{name: c, seedFrom: {collection: posts, field: $where}}"),
            "spec.counters[0].seedFrom.field", "must not start with $"),
        row("key field $a", posts("{name: x, keys: [{field: $a}]}"),
            "spec.collections[0].indexes[0].keys[0].field", "must not start with $"),
        row("key field a.$b", posts("{name: x, keys: [{field: a.$b}]}"),
            "spec.collections[0].indexes[0].keys[0].field", "must not start with $"),
        row("key field a..b", posts("{name: x, keys: [{field: a..b}]}"),
            "spec.collections[0].indexes[0].keys[0].field", "empty part"),
        row("key field .a", posts("{name: x, keys: [{field: .a}]}"),
            "spec.collections[0].indexes[0].keys[0].field", "empty part"),
        row("key field a.", posts("{name: x, keys: [{field: a.}]}"),
            "spec.collections[0].indexes[0].keys[0].field", "empty part"),
        row("seedFrom.field a..b", counter("{name: c, seedFrom: {collection: posts, field: a..b}}"),
            "spec.counters[0].seedFrom.field", "empty part"),
        // 13. mongo-steward's own records: a unique index there would break every schema of the database.
        row("the metadata collection declared", "database: app\ncollections: [{name: mongosteward}]\n",
            "spec.collections[0].name", "'mongosteward' is mongo-steward's own metadata collection"),
        row("counters in the metadata collection", counter("{name: c, collection: mongosteward}"),
            "spec.counters[0].collection", "'mongosteward' is mongo-steward's own metadata collection"),
        // 14. BSON has no integer beyond 64 bits: the driver cannot encode it (CodecConfigurationException).
        row("a number beyond 64 bits in a partialFilterExpression",
            posts("{name: p, keys: [{field: a}], partialFilterExpression: {a: {$gt: 99999999999999999999999}}}"),
            "spec.collections[0].indexes[0].partialFilterExpression.a.$gt",
            "99999999999999999999999 is beyond a 64-bit integer"),
        row("a number beyond 64 bits in a list of a partialFilterExpression",
            posts("{name: p, keys: [{field: a}], partialFilterExpression: {$or: [{a: 1}, {b: {$in: [1, -9223372036854775809]}}]}}"),
            "spec.collections[0].indexes[0].partialFilterExpression.$or[1].b.$in[1]",
            "-9223372036854775809 is beyond a 64-bit integer"),
        // 15. The driver's own rules for client options (the CRD's minimums).
        row("timeoutMS -1", "database: app\nconnection: {clientOptions: {timeoutMS: -1}}\n",
            "spec.connection.clientOptions.timeoutMS", "must be at least 1, not -1"),
        row("indexBuildTimeoutMS 0", "database: app\nconnection: {clientOptions: {indexBuildTimeoutMS: 0}}\n",
            "spec.connection.clientOptions.indexBuildTimeoutMS", "must be at least 1, not 0"),
        row("maxPoolSize 0", "database: app\nconnection: {clientOptions: {maxPoolSize: 0}}\n",
            "spec.connection.clientOptions.maxPoolSize", "must be at least 1, not 0"),
        row("negative minPoolSize", "database: app\nconnection: {clientOptions: {minPoolSize: -1}}\n",
            "spec.connection.clientOptions.minPoolSize", "must be at least 0, not -1"),
        row("negative connectTimeoutMS", "database: app\nconnection: {clientOptions: {connectTimeoutMS: -5}}\n",
            "spec.connection.clientOptions.connectTimeoutMS", "must be at least 0, not -5"),
        row("negative socketTimeoutMS", "database: app\nconnection: {clientOptions: {socketTimeoutMS: -5}}\n",
            "spec.connection.clientOptions.socketTimeoutMS", "must be at least 0, not -5"),
        row("negative serverSelectionTimeoutMS",
            "database: app\nconnection: {clientOptions: {serverSelectionTimeoutMS: -5}}\n",
            "spec.connection.clientOptions.serverSelectionTimeoutMS", "must be at least 0, not -5"),
        row("negative waitQueueTimeoutMS", "database: app\nconnection: {clientOptions: {waitQueueTimeoutMS: -5}}\n",
            "spec.connection.clientOptions.waitQueueTimeoutMS", "must be at least 0, not -5"),
        row("minPoolSize above maxPoolSize",
            "database: app\nconnection: {clientOptions: {minPoolSize: 50, maxPoolSize: 20}}\n",
            "spec.connection.clientOptions.minPoolSize", "must not exceed maxPoolSize (20), not 50"),
        // 16. {_id: 1} is the _id_ index, which every collection has: another name for it never converges.
        row("an ascending index on _id alone", posts("{name: by_id, keys: [{field: _id}]}"),
            "spec.collections[0].indexes[0].keys", "the _id_ index"),
        row("an ascending index on _id alone, order given, unique", posts("{name: by_id, keys: [{field: _id, order: 1}], unique: true}"),
            "spec.collections[0].indexes[0].keys", "the _id_ index"));
  }

  static Arguments row(String rule, String spec, String path, String message) {
    return Arguments.of(rule, spec, path, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusedNamingTheField(String rule, String spec, String path, String message) {
    List<Violation> violations = new SpecValidator().validate(Specs.unvalidated(spec));
    assertThat(violations).as(rule).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo(path);
      assertThat(v.message()).contains(message);
    });
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("same keys with different collations",
            posts("{name: a, keys: [{field: x}]}, {name: b, keys: [{field: x}], collation: {locale: en, strength: 2}}, "
                + "{name: c, keys: [{field: x}], collation: {locale: fr}}")),
        Arguments.of("same keys, one unique (unique is part of the index signature since 5.0)",
            posts("{name: a, keys: [{field: x}]}, {name: b, keys: [{field: x}], unique: true}")),
        Arguments.of("same fields in another order",
            posts("{name: a, keys: [{field: x}, {field: y}]}, {name: b, keys: [{field: y}, {field: x}]}")),
        Arguments.of("same field, other direction",
            posts("{name: a, keys: [{field: x}]}, {name: b, keys: [{field: x, order: -1}]}")),
        Arguments.of("one text and one hashed index",
            posts("{name: t, keys: [{field: title, type: text}, {field: body, type: text}]}, "
                + "{name: h, keys: [{field: a, type: hashed}]}")),
        Arguments.of("a compound hashed index with one hashed field",
            posts("{name: h, keys: [{field: a, type: hashed}, {field: b, order: -1}]}")),
        Arguments.of("text index with the simple collation",
            posts("{name: t, keys: [{field: title, type: text}], collation: {locale: simple}}")),
        Arguments.of("2dsphere index with a collation",
            posts("{name: g, keys: [{field: loc, type: 2dsphere}, {field: name}], collation: {locale: en}}")),
        Arguments.of("order 1 and -1", posts("{name: a, keys: [{field: x, order: 1}, {field: y, order: -1}]}")),
        Arguments.of("expireAfterSeconds 0", posts("{name: a, keys: [{field: ts}], expireAfterSeconds: 0}")),
        Arguments.of("expireAfterSeconds 2147483647", posts("{name: a, keys: [{field: ts}], expireAfterSeconds: 2147483647}")),
        Arguments.of("TTL on an embedded field of _id", posts("{name: a, keys: [{field: _id.ts}], expireAfterSeconds: 5}")),
        Arguments.of("63 declared indexes", manyIndexes(63)),
        Arguments.of("dots and underscores in collection names",
            "database: app\ncollections: [{name: _audit.log}]\ncounters: [{name: c, collection: ids.v2, "
                + "seedFrom: {collection: a.b, field: n}}]\n"),
        Arguments.of("databases that only start like reserved ones", "database: administration\n"),
        Arguments.of("64-bit integers and doubles in a partialFilterExpression",
            posts("{name: p, keys: [{field: a}], partialFilterExpression: {a: {$gt: 9223372036854775807, "
                + "$lt: 1.0e30}, b: -9223372036854775808}}")),
        Arguments.of("client options at their minimums",
            "database: app\nconnection: {clientOptions: {maxPoolSize: 1, minPoolSize: 0, connectTimeoutMS: 0, "
                + "socketTimeoutMS: 0, serverSelectionTimeoutMS: 0, waitQueueTimeoutMS: 0, timeoutMS: 1, "
                + "indexBuildTimeoutMS: 1}}\n"),
        Arguments.of("minPoolSize equal to maxPoolSize",
            "database: app\nconnection: {clientOptions: {minPoolSize: 5, maxPoolSize: 5}}\n"),
        Arguments.of("_id descending, or with another key",
            posts("{name: a, keys: [{field: _id, order: -1}]}, {name: b, keys: [{field: _id}, {field: ts}]}, "
                + "{name: c, keys: [{field: _id, type: hashed}]}")),
        Arguments.of("names that only look like the metadata collection",
            "database: app\ncollections: [{name: Mongosteward}, {name: mongosteward.old}]\n"
                + "counters: [{name: c, collection: mongosteward_ids}]\n"),
        Arguments.of("field with $ after the start of a part", posts("{name: x, keys: [{field: a$b.c$}]}")),
        Arguments.of("embedded seedFrom field", counter("{name: c, seedFrom: {collection: posts, field: meta.id}}")),
        Arguments.of("non-ASCII names", "database: app\ncollections: [{name: posts, indexes: [{name: 'ñame é', "
            + "keys: [{field: 'título'}]}]}]\ncounters: [{name: 'compteur-é'}]\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validNeighboursPass(String neighbour, String spec) {
    assertThat(new SpecValidator().validate(Specs.unvalidated(spec))).as(neighbour).isEmpty();
  }

  /** The CRD refuses field paths with a @Pattern; the validator must draw the same line. */
  @ParameterizedTest
  @ValueSource(strings = {"a", "a.b", "a$b", "_id", "a.b.c", " a", "a. b", "a .b", "$a", "a.$b", "a..b", ".a", "a.",
      ".", "..", " ", " . ", "a.\u0000b", "$", "a.$", "\u000Ba", "\ta"})
  void theCrdFieldPatternAndTheValidatorAgree(String field) throws Exception {
    Pattern crd = Pattern.compile(IndexKey.class.getDeclaredField("field")
        .getAnnotation(io.fabric8.generator.annotation.Pattern.class).value());
    Pattern seed = Pattern.compile(SeedFrom.class.getDeclaredField("field")
        .getAnnotation(io.fabric8.generator.annotation.Pattern.class).value());
    boolean validatorAccepts = new SpecValidator().validate(
        // Descending: an ascending index on _id alone is refused for another reason (the _id_ index).
        Specs.unvalidated(posts("{name: x, keys: [{field: " + quoted(field) + ", order: -1}]}"))).isEmpty();
    // matches(), not find(): Java's $ also matches before a final newline, RE2's does not.
    assertThat(crd.matcher(field).matches()).as("CRD pattern on %s", quoted(field)).isEqualTo(validatorAccepts);
    assertThat(seed.pattern()).isEqualTo(crd.pattern());
  }

  /** The operator's specs come from JSON, whose numbers may be read as BigDecimal. */
  @Test
  void aDecimalBeyondADoubleIsRefusedAndOneWithinIsNot() {
    var spec = Specs.unvalidated(posts("{name: p, keys: [{field: a}]}"));
    var index = spec.getCollections().get(0).getIndexes().get(0);
    index.setPartialFilterExpression(new java.util.LinkedHashMap<>(java.util.Map.of("a",
        java.util.Map.of("$gt", new java.math.BigDecimal("1e400")))));
    assertThat(new SpecValidator().validate(spec)).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo("spec.collections[0].indexes[0].partialFilterExpression.a.$gt");
      assertThat(v.message()).contains("1E+400 is beyond");
    });
    index.setPartialFilterExpression(new java.util.LinkedHashMap<>(java.util.Map.of("a",
        java.util.Map.of("$gt", new java.math.BigDecimal("1.5")))));
    assertThat(new SpecValidator().validate(spec)).isEmpty();
  }

  @Test
  void theReservedNameIsTheMetadataStoresCollection() {
    assertThat(SpecValidator.METADATA_COLLECTION).isEqualTo(io.mongosteward.mongo.MetadataStore.COLLECTION);
  }

  @Test
  void aRepeatedNameIsReportedOnceEvenWithTheSameKeys() {
    List<Violation> violations = new SpecValidator().validate(Specs.unvalidated(
        posts("{name: a, keys: [{field: x}]}, {name: a, keys: [{field: x}]}")));
    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.path()).isEqualTo("spec.collections[0].indexes[1].name");
      assertThat(v.message()).contains("duplicate index name 'a'");
    });
  }

  @Test
  void everyViolationOfOneIndexIsListed() {
    List<Violation> violations = new SpecValidator().validate(Specs.unvalidated(
        posts("{name: h, keys: [{field: $a, type: hashed}, {field: b, type: hashed}], unique: true}")));
    assertThat(violations).extracting(Violation::path).containsExactlyInAnyOrder(
        "spec.collections[0].indexes[0].keys[0].field", "spec.collections[0].indexes[0].keys[1].type",
        "spec.collections[0].indexes[0].unique");
  }

  /** As a YAML double-quoted string, control characters escaped. */
  private static String quoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.chars().forEach(ch -> sb.append(ch < 0x20 ? String.format("\\x%02x", ch) : String.valueOf((char) ch)));
    return sb.append('"').toString();
  }

  @Test
  void policyDurationsAreWholeNumbersWithAUnitAndNamedWhenWrong() {
    var spec = Specs.unvalidated(posts("{name: p, keys: [{field: a}]}"));
    spec.getPolicy().setHiddenFor("1h30m");
    spec.getPolicy().setReportUnusedAfter("0d");
    assertThat(new SpecValidator().validate(spec)).extracting(v -> v.path() + ": " + v.message()).containsExactly(
        "spec.policy.hiddenFor: must be a duration such as 30m, 24h or 7d, not '1h30m'",
        "spec.policy.reportUnusedAfter: must be a duration such as 30m, 24h or 7d, not '0d'");
    spec.getPolicy().setHiddenFor("90s");
    spec.getPolicy().setReportUnusedAfter("7d");
    assertThat(new SpecValidator().validate(spec)).isEmpty();
    assertThat(PolicyDurations.hiddenFor(spec.getPolicy())).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(PolicyDurations.parse("7d")).isEqualTo(java.time.Duration.ofDays(7));
    spec.getPolicy().setHiddenFor(null);
    assertThat(PolicyDurations.hiddenFor(spec.getPolicy())).isEqualTo(java.time.Duration.ofHours(24));
  }
}
