package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mongosteward.api.v1alpha1.KeyType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaFileTest {
  static final String HEAD = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: t}\n";
  static final InputStream NO_INPUT = InputStream.nullInputStream();

  @TempDir Path tmp;

  static String doc(String name, String db) {
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: " + name + ", namespace: ns}\n"
        + "spec: {database: " + db + "}\n";
  }

  static String errorOf(String text) {
    try {
      SchemaFile.parseAll("s.yaml", text);
    } catch (InputException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + text);
  }

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
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], partialFilterExpression: {a: {$gt: 99999999999999999999999}}}]}]} | s.yaml:4: spec.collections[0].indexes[0].partialFilterExpression.a.$gt: 99999999999999999999999 is beyond a 64-bit integer
      spec: {database: bot, connection: {clientOptions: {timeoutMS: -1}}}                                      | s.yaml:4: spec.connection.clientOptions.timeoutMS: must be at least 1, not -1
      spec: {database: bot, collections: [{name: p, indexes: [{name: by_id, keys: [{field: _id}]}]}]}        | s.yaml:4: spec.collections[0].indexes[0].keys: an ascending index on _id alone is the _id_ index
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

  /**
   * YAML's infinities and not-a-number, and whole numbers too large for their field, are refused
   * like any other wrong number: with the file, the line and the field, never a parser's exception.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: .inf}]}]}]}                | s.yaml:4: spec.collections[0].indexes[0].keys[0].order: expected a whole number, not .inf
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: -.Inf}]}]}]}               | s.yaml:4: spec.collections[0].indexes[0].keys[0].order: expected a whole number, not -.Inf
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], expireAfterSeconds: .nan}]}]}    | s.yaml:4: spec.collections[0].indexes[0].expireAfterSeconds: expected a whole number, not .nan
      spec:\\n  database: bot\\n  connection: {clientOptions: {timeoutMS: .NaN}}                                             | s.yaml:6: spec.connection.clientOptions.timeoutMS: expected a whole number, not .NaN
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a, order: 99999999999}]}]}]}        | s.yaml:4: spec.collections[0].indexes[0].keys[0].order: expected a whole number from -2147483648 to 2147483647, not 99999999999
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], expireAfterSeconds: 99999999999999999999}]}]} | s.yaml:4: spec.collections[0].indexes[0].expireAfterSeconds: expected a whole number from -9223372036854775808 to 9223372036854775807, not 99999999999999999999
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], partialFilterExpression: {a: {$lt: .inf}}}]}]} | s.yaml:4: spec.collections[0].indexes[0].partialFilterExpression.a.$lt: expected a number, not .inf
      """)
  void infinitiesAndNumbersTooLargeForTheirFieldAreRefused(String yaml, String expected) {
    String message = parseError(yaml.replace("\\n", "\n"));
    assertThat(message).startsWith(expected);
  }

  @Test
  void aParserErrorNamesTheFieldInJsonToo() {
    try {
      SchemaFile.parse("s.yaml", HEAD + "spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: "
          + "[{field: a, order: .inf}]}]}]}\n");
      throw new AssertionError("accepted");
    } catch (InputException e) {
      assertThat(e.file()).isEqualTo("s.yaml");
      assertThat(e.field()).isEqualTo("spec.collections[0].indexes[0].keys[0].order");
    }
  }

  @Test
  void wrongKindIsRejected() {
    assertThatThrownBy(() -> SchemaFile.parse("s.yaml", "apiVersion: v1\nkind: ConfigMap\n"
        + "metadata: {name: t}\ndata: {a: b}\n"))
        .isInstanceOf(InputException.class).hasMessageContaining("kind: expected MongoSchema, not ConfigMap");
  }

  /** A MongoMigration is for migrate: plan and apply leave it out, and say so when nothing else is there. */
  @Test
  void aMongoMigrationIsLeftToMigrate() {
    assertThatThrownBy(() -> SchemaFile.parse("s.yaml", "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\n"
        + "metadata: {name: t}\nspec: {database: bot}\n"))
        .isInstanceOf(InputException.class)
        .hasMessage("s.yaml: holds no MongoSchema, only MongoMigration documents: run those with mongo-steward migrate "
            + "-f s.yaml");
    var docs = SchemaFile.parseAll("s.yaml", "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\n"
        + "metadata: {name: t}\nspec: {database: bot}\n---\napiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\n"
        + "metadata: {name: s}\nspec: {database: bot}\n");
    assertThat(docs).singleElement().satisfies(d -> assertThat(d.source()).isEqualTo("s.yaml (document 2)"));
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

  @Test
  void everyDocumentOfAFileIsRead() {
    List<SchemaFile.Document> docs = SchemaFile.parseAll("s.yaml", "---\n" + doc("a", "db1") + "---\n" + doc("b", "db2")
        + "---\n# nothing here\n---\n");
    assertThat(docs).extracting(SchemaFile.Document::id).containsExactly("ns/a", "ns/b");
    assertThat(docs).extracting(SchemaFile.Document::source).containsExactly("s.yaml (document 1)", "s.yaml (document 2)");
    assertThat(docs.get(1).schema().getSpec().getDatabase()).isEqualTo("db2");
  }

  @Test
  void aSingleDocumentKeepsPlainNamesAndTheNamespaceDefaultsToDefault() {
    List<SchemaFile.Document> docs = SchemaFile.parseAll("s.yaml", HEAD + "spec: {database: bot}\n---\n");
    assertThat(docs).singleElement().satisfies(d -> {
      assertThat(d.source()).isEqualTo("s.yaml");
      assertThat(d.id()).isEqualTo("default/t");
      assertThat(d.schema().getMetadata().getNamespace()).isEqualTo("default");
    });
  }

  @Test
  void errorsInALaterDocumentNameItAndItsLine() {
    String first = doc("a", "db1");
    assertThat(errorOf(first + "---\n" + doc("b", "db2").replace("spec: {database: db2}", "spec: {database: db2, colections: []}")))
        .startsWith("s.yaml:9 (document 2): spec.colections: unknown field 'colections'");
    assertThat(errorOf(first + "---\napiVersion: mongosteward.io/v1alpha1\nmetadata: {name: b}\nspec: {database: x}\n"))
        .isEqualTo("s.yaml:6 (document 2): kind: is required: write kind: MongoSchema");
    assertThat(errorOf(first + "---\nkind: MongoSchema\nmetadata: {name: b}\nspec: {database: x}\n"))
        .isEqualTo("s.yaml:6 (document 2): apiVersion: is required: write apiVersion: mongosteward.io/v1alpha1");
    assertThat(errorOf(first + "---\n" + doc("b", "x").replace("v1alpha1", "v1")))
        .isEqualTo("s.yaml:6 (document 2): apiVersion: expected mongosteward.io/v1alpha1, not mongosteward.io/v1");
    assertThat(errorOf(first + "---\n" + doc("b", "x").replace("kind: MongoSchema", "kind: Secret")))
        .startsWith("s.yaml:7 (document 2): kind: expected MongoSchema, not Secret");
    assertThat(errorOf(first + "---\n" + "- a\n- b\n"))
        .startsWith("s.yaml:6 (document 2): expected a MongoSchema (a mapping with apiVersion, kind, metadata and spec), not a list");
  }

  @Test
  void violationsNameTheirLine() {
    assertThat(errorOf(HEAD + "spec:\n  database: bot\n  collections:\n    - name: p\n      indexes:\n"
        + "        - {name: a, keys: []}\n")).startsWith("s.yaml:9: spec.collections[0].indexes[0].keys: must list at least one key");
  }

  @Test
  void metadataNameIsRequiredAndMustBeAKubernetesName() {
    assertThat(errorOf("apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nspec: {database: bot}\n"))
        .startsWith("s.yaml:1: metadata.name: is required");
    assertThat(errorOf("apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {namespace: x}\n"
        + "spec: {database: bot}\n")).startsWith("s.yaml:3: metadata.name: is required");
    assertThat(errorOf(doc("Bad_Name", "bot"))).startsWith("s.yaml:3: metadata.name: 'Bad_Name' is not a valid name");
    assertThat(errorOf(doc("ok", "bot").replace("namespace: ns", "namespace: a.b"))).startsWith(
        "s.yaml:3: metadata.namespace: 'a.b' is not a valid namespace");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      spec: {database: bot, database: other}                                                  | s.yaml:4: spec.database: duplicate key 'database' (first at line 4)
      spec:\\n  database: bot\\n  database: other                                              | s.yaml:6: spec.database: duplicate key 'database' (first at line 5)
      spec: {database: bot, collections: [{name: p, indexes: [{name: a, keys: [{field: a}], unique: true, unique: false}]}]} | spec.collections[0].indexes[0].unique: duplicate key 'unique'
      metadata: {name: u}\\nspec: {database: bot}                                            | s.yaml:4: metadata: duplicate key 'metadata' (first at line 3)
      """)
  void duplicateKeysAreRefusedWithTheirLine(String yaml, String expected) {
    assertThat(errorOf(HEAD + yaml.replace("\\n", "\n"))).contains(expected);
  }

  @Test
  void aliasesAndAnchorsAreRefused() {
    String anchored = HEAD + "spec:\n  database: bot\n  collections:\n    - &p {name: p}\n    - *p\n";
    assertThat(errorOf(anchored)).isEqualTo("s.yaml:7: spec.collections[0]: a YAML anchor (&p) is not supported: "
        + "write each value out in full (anchors and aliases let a small file expand into a huge one)");
    assertThat(errorOf(HEAD + "spec: {database: bot}\nstatus: *nothing\n"))
        .startsWith("s.yaml:5: status: a YAML alias (*nothing) is not supported");
  }

  @Test
  void brokenYamlNamesItsLineColumnAndDocument() {
    assertThat(errorOf(doc("a", "db1") + "---\nkind: MongoSchema\n  bad: [\n"))
        .isEqualTo("s.yaml:7 (document 2): not valid YAML at column 6: mapping values are not allowed here");
  }

  @Test
  void aFileWithNoDocumentIsAnError() {
    assertThat(errorOf("# only a comment\n---\n")).isEqualTo("s.yaml: is empty; expected a MongoSchema");
  }

  @Test
  void aDirectoryIsReadFileByFileInNameOrderNotRecursively() throws IOException {
    Files.writeString(tmp.resolve("b.yaml"), doc("b", "db2") + "---\n" + doc("c", "db3"));
    Files.writeString(tmp.resolve("a.yml"), doc("a", "db1"));
    Files.writeString(tmp.resolve("notes.txt"), "not yaml: [");
    Files.createDirectory(tmp.resolve("sub"));
    Files.writeString(tmp.resolve("sub").resolve("0.yaml"), doc("z", "db0"));
    List<SchemaFile.Document> docs = SchemaInput.load(tmp, NO_INPUT);
    assertThat(docs).extracting(SchemaFile.Document::id).containsExactly("ns/a", "ns/b", "ns/c");
    assertThat(docs.get(2).source()).isEqualTo(tmp.resolve("b.yaml") + " (document 2)");
  }

  /** A *.yaml that cannot be read is an error, not a file silently left out of the plan. */
  @Test
  void aBrokenLinkInADirectoryIsAnErrorNamingIt() throws IOException {
    Files.writeString(tmp.resolve("a.yaml"), doc("a", "db1"));
    Files.createSymbolicLink(tmp.resolve("b.yaml"), tmp.resolve("gone.yaml"));
    InputException e = catchThrowableOfType(InputException.class, () -> SchemaInput.load(tmp, NO_INPUT));
    assertThat(e).hasMessage(tmp.resolve("b.yaml") + ": a symbolic link to " + tmp.resolve("gone.yaml")
        + ", which does not exist: fix the link or remove it");
    assertThat(e.file()).isEqualTo(tmp.resolve("b.yaml").toString());
  }

  @Test
  void aLinkToAFileIsFollowed() throws IOException {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("real.txt"), doc("a", "db1"));
    Path dir = Files.createDirectory(tmp.resolve("schemas"));
    Files.createSymbolicLink(dir.resolve("a.yaml"), elsewhere.resolve("real.txt"));
    assertThat(SchemaInput.load(dir, NO_INPUT)).extracting(SchemaFile.Document::id).containsExactly("ns/a");
  }

  @Test
  void anEmptyDirectoryIsAnError() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThatThrownBy(() -> SchemaInput.load(empty, NO_INPUT)).isInstanceOf(InputException.class)
        .hasMessage(empty + ": no *.yaml or *.yml file in this directory");
  }

  @Test
  void aDashReadsStandardInput() {
    InputStream in = new ByteArrayInputStream((doc("a", "db1") + "---\n" + doc("b", "db2")).getBytes(StandardCharsets.UTF_8));
    assertThat(SchemaInput.load(Path.of("-"), in)).extracting(SchemaFile.Document::source)
        .containsExactly("stdin (document 1)", "stdin (document 2)");
  }

  static String schema(String name, String db, String rest) {
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: " + name + ", namespace: ns}\n"
        + "spec:\n  database: " + db + "\n" + rest;
  }

  /** One schema manages a collection: plan must not promise what apply would refuse with ManagedElsewhere. */
  @Test
  void twoSchemasDeclaringOneCollectionOfOneDatabaseAreAnError() throws IOException {
    Files.writeString(tmp.resolve("a.yaml"), schema("a", "app", "  collections: [{name: posts}]\n"));
    Files.writeString(tmp.resolve("b.yaml"), schema("x", "other", "  collections: [{name: posts}]\n") + "---\n"
        + schema("b", "app", "  collections:\n    - name: users\n    - name: posts\n"));
    InputException e = catchThrowableOfType(InputException.class, () -> SchemaInput.load(tmp, NO_INPUT));
    assertThat(e).hasMessage(tmp.resolve("b.yaml") + ":15 (document 2): spec.collections[1].name: collection "
        + "'posts' of database app is declared by ns/a too (" + tmp.resolve("a.yaml") + ":6); one MongoSchema "
        + "manages a collection or a counter (apply would refuse the second with ManagedElsewhere): declare it in "
        + "one of them");
    assertThat(e.file()).isEqualTo(tmp.resolve("b.yaml").toString());
    assertThat(e.field()).isEqualTo("spec.collections[1].name");
  }

  @Test
  void twoSchemasDeclaringOneCounterOfOneDatabaseAreAnError() {
    String text = schema("a", "app", "  counters: [{name: post_id}]\n") + "---\n"
        + schema("b", "app", "  counters: [{name: post_id, collection: ids}, {name: post_id}]\n");
    InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> SchemaInput.load(Path.of("-"), in)).isInstanceOf(InputException.class)
        .hasMessage("stdin:13 (document 2): spec.counters[1].name: counter 'post_id' (in counters) of database app is "
            + "declared by ns/a too (stdin:6 (document 1)); one MongoSchema manages a collection or a counter (apply "
            + "would refuse the second with ManagedElsewhere): declare it in one of them");
  }

  /** What apply does not refuse: another database, another counters collection, a counter beside a collection. */
  @Test
  void schemasSharingOnlyNamesAreAccepted() {
    String text = schema("a", "app", "  collections: [{name: posts}]\n  counters: [{name: post_id}]\n") + "---\n"
        + schema("b", "other", "  collections: [{name: posts}]\n  counters: [{name: post_id}]\n") + "---\n"
        + schema("c", "app", "  collections: [{name: counters}]\n  counters: [{name: post_id, collection: ids}]\n");
    InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    assertThat(SchemaInput.load(Path.of("-"), in)).hasSize(3);
  }

  @Test
  void theSameSchemaTwiceIsAnError() throws IOException {
    Files.writeString(tmp.resolve("a.yaml"), doc("a", "db1"));
    Files.writeString(tmp.resolve("b.yaml"), doc("x", "db2") + "---\n" + doc("a", "db3"));
    assertThatThrownBy(() -> SchemaInput.load(tmp, NO_INPUT)).isInstanceOf(InputException.class)
        .hasMessage(tmp.resolve("b.yaml") + " (document 2): ns/a is declared twice (first in " + tmp.resolve("a.yaml")
            + "); give each MongoSchema its own metadata.name");
  }
}
