package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongosteward.api.v1alpha1.KeyType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaFileTest {
  static final String HEAD = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: t}\n";

  static String parseError(String yaml) {
    try {
      SchemaFile.parse("s.yaml", HEAD + yaml);
    } catch (InputException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void theExampleParses() {
    var schema = SchemaFile.read(Path.of("examples/bot-app.yaml"));
    assertThat(schema.getSpec().getDatabase()).isEqualTo("bot");
    assertThat(schema.getSpec().getCollections()).extracting(c -> c.getName()).containsExactly("posts", "tasks", "events");
    var keys = schema.getSpec().getCollections().get(0).getIndexes().get(2).getKeys();
    assertThat(keys).extracting(k -> k.getField() + ":" + k.getOrder()).containsExactly("channel:1", "created_at:-1");
  }

  @Test
  void specialTypesUseMongoNames() {
    var schema = SchemaFile.parse("s.yaml", HEAD + """
        spec:
          database: geo
          collections: [{name: p, indexes: [{name: l, keys: [{field: loc, type: 2dsphere}]}]}]
        """);
    assertThat(schema.getSpec().getCollections().get(0).getIndexes().get(0).getKeys().get(0).getType())
        .isEqualTo(KeyType.geo2dsphere);
  }

  // Each case: the YAML under spec, then what the message must contain (file, field path, problem).
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      spec: {database: bot, colections: []}                                                                   | s.yaml:4: spec.colections: unknown field 'colections'; known fields: collections, connection
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], uniqe: true}]}]}   | spec.collections[0].indexes[0].uniqe: unknown field 'uniqe'
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], unique: maybe}]}]} | spec.collections[0].indexes[0].unique: expected true or false
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: up}]}]}]}    | spec.collections[0].indexes[0].keys[0].order: expected a number
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, type: btree}]}]}]}  | spec.collections[0].indexes[0].keys[0].type: expected one of text, hashed, 2dsphere, 2d
      spec: {database: bot, collections: [{name: p, indexes: [{keys: [{field: a}]}]}]}                       | spec.collections[0].indexes[0].name: is required
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: {a: 1, b: -1}}]}]}             | spec.collections[0].indexes[0].keys: must be a list
      spec: {database: bot, collections: [{name: p, indexes: [{name: t, keys: [{field: a}, {field: b}], expireAfterSeconds: 60}]}]} | spec.collections[0].indexes[0].expireAfterSeconds: TTL needs a single-field index
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: []}]}]}                        | spec.collections[0].indexes[0].keys: must list at least one key
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}]}, {name: a, keys: [{field: b}]}]}]} | spec.collections[0].indexes[1].name: duplicate index name 'a'
      spec: {collections: []}                                                                                  | spec.database: is required
      spec: {database: 'bad/name'}                                                                             | spec.database: 'bad/name' is not a valid database name
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: 2}]}]}]}    | spec.collections[0].indexes[0].keys[0].order: must be 1 (ascending) or -1
      spec: {database: bot, collections: [{name: p, indexes: [{name: _id_, keys: [{field: _id}]}]}]}         | spec.collections[0].indexes[0].name: _id_ is MongoDB's own index
      spec: {database: bot, counters: [{name: c, seedFrom: {collection: posts}}]}                             | spec.counters[0].seedFrom.field: is required
      spec: {database: bot, policy: {unmanagedIndexes: Delete}}                                                | spec.policy.unmanagedIndexes: expected one of Report, Drop
      spec: {database: bot, collections: [{name: p}, {name: p}]}                                               | spec.collections[1].name: collection 'p' is listed twice
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: 1, type: text}]}]}]} | spec.collections[0].indexes[0].keys[0]: give either order or type
      spec: {database: 42}                                                                                     | spec.database: expected a string
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], expireAfterSeconds: -5}]}]} | expireAfterSeconds: must be 0 or more
      """)
  void invalidSpecsNameTheFileFieldAndProblem(String yaml, String expected) {
    String message = parseError(yaml);
    assertThat(message).startsWith("s.yaml").contains(expected);
  }

  // Jackson would truncate 1.7 to 1: a fraction in an integer field is refused, naming the field.
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: 1.7}]}]}]}                    | s.yaml:4: spec.collections[0].indexes[0].keys[0].order: expected a whole number, not 1.7
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: -1.5}]}]}]}                   | spec.collections[0].indexes[0].keys[0].order: expected a whole number, not -1.5
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], expireAfterSeconds: 1.5}]}]}       | spec.collections[0].indexes[0].expireAfterSeconds: expected a whole number, not 1.5
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], collation: {locale: en, strength: 2.5}}]}]} | spec.collections[0].indexes[0].collation.strength: expected a whole number, not 2.5
      spec: {database: bot, connection: {clientOptions: {maxPoolSize: 10.25}}}                                                 | spec.connection.clientOptions.maxPoolSize: expected a whole number, not 10.25
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: 1.0}]}]}]}                    | spec.collections[0].indexes[0].keys[0].order: expected a whole number, not 1.0
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], expireAfterSeconds: 6.0e-1}]}]}    | spec.collections[0].indexes[0].expireAfterSeconds: expected a whole number, not 6.0e-1
      """)
  void fractionsInIntegerFieldsAreRefused(String yaml, String expected) {
    assertThat(parseError(yaml)).startsWith("s.yaml").contains(expected);
  }

  @Test
  void wrongKindIsRejected() {
    assertThatThrownBy(() -> SchemaFile.parse("s.yaml", "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\n"
        + "metadata: {name: t}\nspec: {database: bot}\n"))
        .isInstanceOf(InputException.class).hasMessageContaining("kind: expected MongoSchema");
  }

  @Test
  void missingFileIsNamed() {
    assertThatThrownBy(() -> SchemaFile.read(Path.of("no/such.yaml")))
        .isInstanceOf(InputException.class).hasMessage("no/such.yaml: no such file");
  }

  @Test
  void everyViolationIsListedAtOnce() {
    String message = parseError("spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: []}, "
        + "{name: a, keys: [{field: x}, {field: y}], expireAfterSeconds: 5}]}]}");
    assertThat(message.lines()).hasSize(3);
  }
}
