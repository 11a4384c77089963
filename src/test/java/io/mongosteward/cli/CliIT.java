package io.mongosteward.cli;

import io.mongosteward.testsupport.CliRun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CLI as a user runs it: files, flags, environment, exit codes and output. */
class CliIT {
  static final String EXAMPLE = "examples/bot-app.yaml";
  static MongoClient admin;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() {
    admin = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri());
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  /** No kubeconfig and no MONGODB_URI unless given: the machine of a newcomer. */
  CliRun run(Map<String, String> extraEnv, String... args) {
    return runWithInput("", extraEnv, args);
  }

  CliRun runWithInput(String stdin, Map<String, String> extraEnv, String... args) {
    return CliRun.withInput(tmp, stdin, extraEnv, args);
  }

  static String schema(String name, String db, String collections) {
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: " + name + ", namespace: cli}\n"
        + "spec:\n  database: " + db + "\n  collections: " + collections + "\n";
  }

  CliRun run(String... args) {
    return run(Map.of(), args);
  }

  Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static String uniqueDbSpec(String db) throws IOException {
    return Files.readString(Path.of(EXAMPLE)).replace("database: bot", "database: " + db);
  }

  @Test
  void planOnTheExampleWithoutAUriUsesTheEmbeddedServerAndReportsTheActions() {
    CliRun r = run("plan", "-f", EXAMPLE);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("embedded MongoDB-compatible server").contains("names Secret bot-mongo");
    assertThat(r.out()).contains("CreateIndex", "posts.post_id_unique", "posts.channel_created", "events.ts_ttl",
        "SeedCounter", "counters.post_id", "Claim", "record bots/bot-app as the manager", "12 changes, 0 to report.");
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void applyThenPlanExitsZero(MongoBackend backend) throws IOException {
    String db = "cli_apply_" + backend.name().toLowerCase();
    Path file = write("s.yaml", uniqueDbSpec(db).replace("expireAfterSeconds: 604800",
        backend.acceptsAdvancedIndexOptions() ? "expireAfterSeconds: 604800" : ""));
    Map<String, String> env = Map.of("MONGODB_URI", backend.uri());
    CliRun apply = run(env, "apply", "-f", file.toString());
    assertThat(apply.code()).as(apply.out() + apply.err()).isZero();
    assertThat(apply.out()).containsPattern("CreateIndex +posts.post_id_unique +\\d+ ms +created")
        .contains("12 applied, 0 need attention.");
    assertThat(apply.err()).contains("... createIndexes posts: post_id_unique, message_link_norm_1, channel_created",
        "... SeedCounter counters.post_id");
    CliRun plan = run(env, "plan", "-f", file.toString());
    assertThat(plan.code()).as(plan.out()).isZero();
    assertThat(plan.out()).contains("matches the spec: nothing to do");
    CliRun again = run(env, "apply", "-f", file.toString());
    assertThat(again.code()).isZero();
  }

  @Test
  void planJsonHasTheDocumentedShape() throws IOException {
    CliRun r = run("plan", "-f", EXAMPLE, "--output", "json");
    assertThat(r.code()).isEqualTo(2);
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.fieldNames()).toIterable().containsExactly("actions", "target");
    assertThat(root.get("target").get("source").asText()).isEqualTo("embedded");
    assertThat(root.get("target").get("uri").asText()).startsWith("mongodb://");
    JsonNode claim = root.get("actions").get(0);
    assertThat(claim.get("type").asText()).isEqualTo("Claim");
    assertThat(claim.get("collection").asText()).isEqualTo("posts");
    assertThat(claim.has("index")).isFalse();
    JsonNode first = root.get("actions").get(1);
    assertThat(first.get("type").asText()).isEqualTo("CreateIndex");
    assertThat(first.get("collection").asText()).isEqualTo("posts");
    assertThat(first.get("index").asText()).isEqualTo("post_id_unique");
    assertThat(first.get("detail").asText()).contains("post_id");
    List<String> types = new ArrayList<>();
    root.get("actions").forEach(a -> types.add(a.get("type").asText()));
    assertThat(types).containsExactly("Claim", "CreateIndex", "CreateIndex", "CreateIndex", "Claim", "CreateIndex",
        "Claim", "CreateIndex", "Claim", "SeedCounter", "Claim", "SeedCounter");
  }

  /** The JSON says which server was used and where its URI came from (its secrets masked: MongoUriTest). */
  @Test
  void jsonNamesTheTargetAndWhereItCameFrom() throws IOException {
    String uri = MongoBackend.MONGO_JAVA_SERVER.uri() + "/?appName=cli";
    Path file = write("s.yaml", uniqueDbSpec("cli_target"));
    CliRun plan = run(Map.of("MONGODB_URI", uri), "plan", "-f", file.toString(), "-o", "json");
    assertThat(plan.code()).as(plan.out() + plan.err()).isEqualTo(2);
    JsonNode target = new ObjectMapper().readTree(plan.out()).get("target");
    assertThat(target.get("source").asText()).isEqualTo("MONGODB_URI");
    assertThat(target.get("uri").asText()).isEqualTo(uri);

    Path uriFile = write("uri", uri + "\n");
    CliRun apply = run(Map.of(), "apply", "-f", file.toString(), "--mongo-uri-file", uriFile.toString(), "--dry-run",
        "-o", "json");
    assertThat(apply.code()).as(apply.err()).isEqualTo(2);
    JsonNode applied = new ObjectMapper().readTree(apply.out()).get("target");
    assertThat(applied.get("source").asText()).isEqualTo("--mongo-uri-file");
    assertThat(applied.get("uri").asText()).isEqualTo(uri);
  }

  /** plan and apply --dry-run keep the embedded fallback, and say so on stderr and in the JSON. */
  @Test
  void dryRunWithoutAUriUsesTheEmbeddedServer() throws IOException {
    CliRun dry = run("apply", "-f", EXAMPLE, "--dry-run", "-o", "json");
    assertThat(dry.code()).as(dry.err()).isEqualTo(2);
    assertThat(dry.err()).contains("embedded MongoDB-compatible server");
    assertThat(new ObjectMapper().readTree(dry.out()).get("target").get("source").asText()).isEqualTo("embedded");
  }

  /** A dry run shows, in JSON too, what apply would do: the changes plan lists, none applied. */
  @Test
  void dryRunJsonListsThePlannedChanges() throws IOException {
    Path file = write("s.yaml", uniqueDbSpec("cli_dry_json"));
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    CliRun dry = run(env, "apply", "-f", file.toString(), "--dry-run", "-o", "json");
    assertThat(dry.code()).isEqualTo(2);
    JsonNode root = new ObjectMapper().readTree(dry.out());
    assertThat(root.get("dryRun").asBoolean()).isTrue();
    JsonNode plan = new ObjectMapper().readTree(run(env, "plan", "-f", file.toString(), "-o", "json").out());
    assertThat(root.get("actions")).hasSize(12).hasSameSizeAs(plan.get("actions"));
    for (int i = 0; i < 12; i++) {
      JsonNode a = root.get("actions").get(i);
      JsonNode p = plan.get("actions").get(i);
      assertThat(a.get("applied").asBoolean()).isFalse();
      for (String field : List.of("type", "collection", "detail")) {
        assertThat(a.get(field)).as(field).isEqualTo(p.get(field));
      }
      for (String name : List.of("index", "counter")) {
        assertThat(a.get(name)).as(name).isEqualTo(p.get(name));
      }
    }
    assertThat(admin.getDatabase("cli_dry_json").listCollectionNames().into(new ArrayList<>())).isEmpty();
  }

  @Test
  void applyWithItemsNeedingAttentionExitsTwoAndDryRunChangesNothing() throws IOException {
    MongoDatabase db = admin.getDatabase("cli_attention");
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 1), new Document("post_id", 1)));
    Path file = write("s.yaml", uniqueDbSpec("cli_attention"));
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());

    CliRun dry = run(env, "apply", "-f", file.toString(), "--dry-run");
    assertThat(dry.code()).isEqualTo(2);
    assertThat(dry.out()).contains("Dry run: nothing was changed.");
    assertThat(db.getCollection("posts").listIndexes().into(new ArrayList<>())).hasSize(1);

    CliRun apply = run(env, "apply", "-f", file.toString(), "-o", "json");
    assertThat(apply.code()).isEqualTo(2);
    JsonNode root = new ObjectMapper().readTree(apply.out());
    assertThat(root.get("converged").asBoolean()).isFalse();
    JsonNode unique = null;
    for (JsonNode a : root.get("actions")) {
      if ("post_id_unique".equals(a.path("index").asText())) unique = a;
    }
    assertThat(unique.get("result").asText()).isEqualTo("BlockedByDuplicates");
  }

  /**
   * plan and apply --dry-run count the duplicates before any build: they show BlockedByDuplicates
   * where a unique index cannot be built, and never send createIndexes (the in-process server
   * records what it receives, from the CLI's own client too).
   */
  @Test
  void planAndDryRunRevealDuplicatesBeforeAnyBuildAndSendNoCreateIndexes() throws IOException {
    String name = "cli_dups_first";
    MongoDatabase db = admin.getDatabase(name);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 1), new Document("post_id", 1),
        new Document("post_id", 2)));
    Path file = write("s.yaml", uniqueDbSpec(name));
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    var server = MongoBackend.MONGO_JAVA_SERVER.serverCommands();
    int setUp = server.in(name).size();

    CliRun plan = run(env, "plan", "-f", file.toString());
    assertThat(plan.code()).as(plan.out() + plan.err()).isEqualTo(2);
    assertThat(plan.out()).containsPattern("BlockedByDuplicates +posts.post_id_unique +1 duplicate key group, "
        + "e.g. \\{post_id=1\\} x2").doesNotContainPattern("CreateIndex +posts.post_id_unique")
        .containsPattern("CreateIndex +posts.message_link_norm_1");

    CliRun dry = run(env, "apply", "-f", file.toString(), "--dry-run", "-o", "json");
    assertThat(dry.code()).isEqualTo(2);
    JsonNode root = new ObjectMapper().readTree(dry.out());
    List<String> changes = new ArrayList<>();
    root.get("actions").forEach(a -> changes.add(a.get("type").asText() + " " + a.path("index").asText()));
    assertThat(changes).contains("CreateIndex message_link_norm_1").doesNotContain("CreateIndex post_id_unique");
    List<JsonNode> blocked = new ArrayList<>();
    root.get("reports").forEach(r -> {
      if ("post_id_unique".equals(r.path("index").asText())) blocked.add(r);
    });
    assertThat(blocked).singleElement().satisfies(r -> {
      assertThat(r.get("type").asText()).isEqualTo("BlockedByDuplicates");
      assertThat(r.get("detail").asText()).startsWith("1 duplicate key group");
    });

    List<CommandRecorder.Command> sent = server.in(name).subList(setUp, server.in(name).size());
    assertThat(sent).as("each run counted").filteredOn(c -> c.name().equals("aggregate")
        && "posts".equals(c.collection())).hasSizeGreaterThanOrEqualTo(2);
    assertThat(sent).as("no build, no write").noneMatch(c -> CommandRecorder.WRITES.contains(c.name()));
    assertThat(db.getCollection("posts").listIndexes().into(new ArrayList<>())).hasSize(1);
  }

  /** One schema manages a collection: another file declaring it is told which, and changes nothing. */
  @Test
  void aSecondSchemaDeclaringAManagedCollectionExitsTwoAndNamesItsOwner() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    Path first = write("a.yaml", schema("a", "cli_owned", "[{name: users, indexes: [{name: email_1, keys: [{field: email}]}]}]"));
    Path second = write("b.yaml", schema("b", "cli_owned", "[{name: users, indexes: [{name: name_1, keys: [{field: name}]}]}]"));
    CliRun owner = run(env, "apply", "-f", first.toString());
    assertThat(owner.code()).as(owner.out() + owner.err()).isZero();

    CliRun plan = run(env, "plan", "-f", second.toString());
    assertThat(plan.code()).as(plan.out() + plan.err()).isEqualTo(2);
    assertThat(plan.out()).containsPattern("ManagedElsewhere +users +managed by MongoSchema cli/a;")
        .doesNotContain("CreateIndex");
    CliRun apply = run(env, "apply", "-f", second.toString());
    assertThat(apply.code()).as(apply.out() + apply.err()).isEqualTo(2);
    assertThat(apply.out()).contains("managed by MongoSchema cli/a").contains("0 applied, 1 need attention.");
    assertThat(admin.getDatabase("cli_owned").getCollection("users").listIndexes().into(new ArrayList<>()))
        .extracting(d -> d.getString("name")).containsExactlyInAnyOrder("_id_", "email_1");
  }

  /** A CI gate built on plan must fail while a constraint is missing, even when there is nothing to create. */
  @Test
  void planExitsTwoWhenThereIsSomethingToReportAndZeroForNotes() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    admin.getDatabase("cli_plan_conflict").getCollection("users").createIndex(new Document("mail", 1),
        new com.mongodb.client.model.IndexOptions().name("email_1"));
    Path conflict = write("c.yaml", SchemaFileTest.HEAD + """
        spec:
          database: cli_plan_conflict
          collections: [{name: users, indexes: [{name: email_1, keys: [{field: email}], unique: true}]}]
        """);
    assertThat(run(env, "apply", "-f", conflict.toString()).code()).isEqualTo(2);
    CliRun plan = run(env, "plan", "-f", conflict.toString());
    assertThat(plan.code()).as(plan.out() + plan.err()).isEqualTo(2);
    assertThat(plan.out()).contains("Conflict", "users.email_1", "0 changes, 1 to report.");

    admin.getDatabase("cli_plan_note").getCollection("users").createIndex(new Document("email", 1),
        new com.mongodb.client.model.IndexOptions().name("legacy_email").unique(true));
    Path note = write("n.yaml", SchemaFileTest.HEAD + """
        spec:
          database: cli_plan_note
          collections: [{name: users, indexes: [{name: email_unique, keys: [{field: email}], unique: true}]}]
        """);
    // The first apply records which schema manages the collection; then nothing is left to do.
    assertThat(run(env, "apply", "-f", note.toString()).code()).isZero();
    CliRun kept = run(env, "plan", "-f", note.toString());
    assertThat(kept.code()).as(kept.out() + kept.err()).isZero();
    assertThat(kept.out()).contains("NameMismatch", "0 changes, 0 to report.");
  }

  @Test
  void everyDocumentOfAFileIsPlannedAndAppliedWithItsOwnHeader() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    Path file = write("two.yaml", schema("a", "cli_multi_a", "[{name: p, indexes: [{name: x_1, keys: [{field: x}]}]}]")
        + "---\n" + schema("b", "cli_multi_b", "[{name: q, indexes: [{name: y_1, keys: [{field: y}]}]}]") + "---\n");
    CliRun plan = run(env, "plan", "-f", file.toString());
    assertThat(plan.code()).as(plan.err()).isEqualTo(2);
    assertThat(plan.out()).contains("== cli/a: database cli_multi_a, from " + file + " (document 1)", "p.x_1",
        "== cli/b: database cli_multi_b, from " + file + " (document 2)", "q.y_1");
    assertThat(plan.out().indexOf("q.y_1")).isGreaterThan(plan.out().indexOf("== cli/b"));

    CliRun json = run(env, "plan", "-f", file.toString(), "-o", "json");
    JsonNode list = new ObjectMapper().readTree(json.out());
    assertThat(list.get("kind").asText()).isEqualTo("List");
    assertThat(list.get("items")).extracting(i -> i.get("schema").asText()).containsExactly("cli/a", "cli/b");
    assertThat(list.get("items").get(1).get("actions").get(1).get("index").asText()).isEqualTo("y_1");

    CliRun apply = run(env, "apply", "-f", file.toString());
    assertThat(apply.code()).as(apply.out() + apply.err()).isZero();
    assertThat(admin.getDatabase("cli_multi_b").getCollection("q").listIndexes().into(new ArrayList<>())).hasSize(2);
    assertThat(run(env, "plan", "-f", file.toString()).code()).isZero();
  }

  @Test
  void theExitCodeIsTheWorstOfTheDocumentsAndErrorsAreListedPerSchema() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    admin.getDatabase("cli_worst_b").getCollection("q").createIndex(new Document("z", 1),
        new com.mongodb.client.model.IndexOptions().name("y_1"));
    Path file = write("w.yaml", schema("a", "cli_worst_a", "[]") + "---\n"
        + schema("b", "cli_worst_b", "[{name: q, indexes: [{name: y_1, keys: [{field: y}], unique: true}]}]"));
    CliRun plan = run(env, "plan", "-f", file.toString());
    assertThat(plan.code()).as(plan.out()).isEqualTo(2);
    assertThat(plan.out()).contains("matches the spec", "Conflict");

    CliRun down = run(Map.of("MONGODB_URI", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100"), "plan", "-f",
        file.toString(), "--attempts", "1", "-o", "json");
    assertThat(down.code()).isEqualTo(1);
    JsonNode items = new ObjectMapper().readTree(down.out()).get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(1).get("schema").asText()).isEqualTo("cli/b");
    assertThat(items.get(1).get("error").asText()).contains("cannot reach MongoDB");
  }

  @Test
  void aDirectoryAndStandardInputAreRead() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    Path dir = Files.createDirectory(tmp.resolve("schemas"));
    Files.writeString(dir.resolve("2.yaml"), schema("two", "cli_dir_2", "[]"));
    Files.writeString(dir.resolve("1.yml"), schema("one", "cli_dir_1", "[]"));
    CliRun fromDir = run(env, "plan", "-f", dir.toString());
    assertThat(fromDir.code()).as(fromDir.err()).isZero();
    assertThat(fromDir.out().indexOf("== cli/one")).isLessThan(fromDir.out().indexOf("== cli/two")).isNotNegative();

    CliRun fromStdin = runWithInput(schema("in", "cli_stdin", "[{name: p, indexes: [{name: x_1, keys: [{field: x}]}]}]"),
        env, "plan", "-f", "-");
    assertThat(fromStdin.code()).as(fromStdin.err()).isEqualTo(2);
    assertThat(fromStdin.out()).contains("p.x_1");
  }

  @Test
  void invalidFileExitsOneNamesFileFieldAndProblemAndChangesNothing() throws IOException {
    MongoDatabase db = admin.getDatabase("cli_invalid");
    db.getCollection("posts").insertOne(new Document("post_id", 1));
    Path file = write("bad.yaml", uniqueDbSpec("cli_invalid").replace("keys: [{field: message_link_norm}]",
        "keys: {message_link_norm: 1}"));
    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "apply", "-f", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: " + file).contains("spec.collections[0].indexes[1].keys: must be a list");
    assertThat(db.getCollection("posts").listIndexes().into(new ArrayList<>())).hasSize(1);
    assertThat(admin.getDatabase("cli_invalid").getCollection("counters").countDocuments()).isZero();
  }

  /**
   * Specs that mongod would refuse, each broken in one place from the example: apply exits 1, names
   * the field, and leaves a database that has data and an index exactly as it was.
   */
  @Test
  void specsMongodWouldRefuseExitOneNameTheFieldAndChangeNothing() throws IOException {
    MongoDatabase db = admin.getDatabase("cli_refused");
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 1).append("message_link_norm", "a"),
        new Document("post_id", 2).append("message_link_norm", "b")));
    db.getCollection("posts").createIndex(new Document("post_id", 1), new IndexOptions().name("post_id_1"));
    db.getCollection("counters").insertOne(new Document("_id", "post_id").append("seq", 2L));
    Map<String, Object> before = snapshot(db);
    assertThat(before.toString()).contains("post_id_1", "posts", "counters");

    String example = uniqueDbSpec("cli_refused");
    Map<String, String[]> cases = new LinkedHashMap<>();
    cases.put("two text indexes", new String[] {example
        .replace("keys: [{field: message_link_norm}]", "keys: [{field: message_link_norm, type: text}]")
        .replace("keys: [{field: channel, order: 1}, {field: created_at, order: -1}]", "keys: [{field: channel, type: text}]"),
        "spec.collections[0].indexes[2].keys[0].type: a collection can have only one text index"});
    cases.put("unique hashed index", new String[] {example
        .replace("keys: [{field: post_id, order: 1}]", "keys: [{field: post_id, type: hashed}]"),
        "spec.collections[0].indexes[0].unique: a hashed index cannot be unique"});
    cases.put("$ in a collection name", new String[] {example.replace("- name: tasks", "- name: tasks$old"),
        "spec.collections[1].name: 'tasks$old' is not a valid collection name: it must not contain $"});
    cases.put("seedFrom.field $where", new String[] {example
        .replace("seedFrom: {collection: posts, field: post_id}", "seedFrom: {collection: posts, field: $where}"),
        "spec.counters[0].seedFrom.field: '$where' must not start with $"});
    cases.put("TTL on _id", new String[] {example.replace("keys: [{field: ts}]", "keys: [{field: _id}]"),
        "spec.collections[2].indexes[0].expireAfterSeconds: _id does not support a TTL"});
    cases.put("same keys and options under two names", new String[] {example
        .replace("keys: [{field: channel, order: 1}, {field: created_at, order: -1}]", "keys: [{field: message_link_norm}]"),
        "spec.collections[0].indexes[2]: has the same keys and options as 'message_link_norm_1'"});
    cases.put("order 1.7", new String[] {example.replace("{field: post_id, order: 1}", "{field: post_id, order: 1.7}"),
        "spec.collections[0].indexes[0].keys[0].order: expected a whole number, not 1.7"});
    cases.put("the admin database", new String[] {example.replace("database: cli_refused", "database: Admin"),
        "spec.database: 'Admin' is reserved by MongoDB"});

    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    for (var c : cases.entrySet()) {
      Path file = write("bad.yaml", c.getValue()[0]);
      CliRun r = run(env, "apply", "-f", file.toString());
      assertThat(r.code()).as("%s: %s%s", c.getKey(), r.out(), r.err()).isEqualTo(1);
      assertThat(r.err()).as(c.getKey()).startsWith("error: " + file).contains(c.getValue()[1]);
      assertThat(r.out()).as(c.getKey()).doesNotContain("CreateIndex", "SeedCounter");
      assertThat(snapshot(db)).as("%s changed the database", c.getKey()).isEqualTo(before);
    }
    assertThat(admin.listDatabaseNames().into(new ArrayList<>())).doesNotContain("Admin");
  }

  /** Collections, the indexes of each and every document, in a comparable form. */
  private static Map<String, Object> snapshot(MongoDatabase db) {
    Map<String, Object> state = new java.util.TreeMap<>();
    for (String name : db.listCollectionNames()) {
      state.put(name + " indexes", db.getCollection(name).listIndexes().into(new ArrayList<>()).toString());
      state.put(name + " documents", db.getCollection(name).find().into(new ArrayList<>()).toString());
    }
    return state;
  }

  @Test
  void malformedUriExitsOneWithoutThePassword() {
    CliRun r = run(Map.of("MONGODB_URI", "mongodb://app:Sup3rSecret@db:badport/x"), "plan", "-f", EXAMPLE);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("MONGODB_URI: not a valid MongoDB connection string").doesNotContain("Sup3rSecret");
    CliRun flag = run("plan", "-f", EXAMPLE, "--mongo-uri", "postgres://app:Sup3rSecret@db");
    assertThat(flag.code()).isEqualTo(1);
    assertThat(flag.err()).contains("--mongo-uri: not a valid").doesNotContain("Sup3rSecret");
  }

  @Test
  void unreachableServerExitsOneWithARedactedUri() {
    CliRun r = run("plan", "-f", EXAMPLE, "--attempts", "1",
        "--mongo-uri", "mongodb://app:Sup3rSecret@127.0.0.1:1/?serverSelectionTimeoutMS=200");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach MongoDB at mongodb://app:***@127.0.0.1:1").doesNotContain("Sup3rSecret");
  }

  @Test
  void uriFileIsReadAndAMissingOneIsNamed() throws IOException {
    Path uriFile = write("uri", MongoBackend.MONGO_JAVA_SERVER.uri() + "\n");
    Path file = write("s.yaml", uniqueDbSpec("cli_urifile"));
    assertThat(run("plan", "-f", file.toString(), "--mongo-uri-file", uriFile.toString()).code()).isEqualTo(2);
    CliRun missing = run("plan", "-f", file.toString(), "--mongo-uri-file", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("--mongo-uri-file: cannot read");
  }

  @Test
  void missingFileAndUnknownFlagExitOne() {
    CliRun absent = run("plan", "-f", "nope.yaml");
    assertThat(absent.code()).isEqualTo(1);
    assertThat(absent.err()).contains("nope.yaml: no such file");
    assertThat(run("apply", "-f", "nope.yaml").code()).isEqualTo(1);
    CliRun unknown = run("plan", "-f", EXAMPLE, "--dry-rn");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("Unknown option: '--dry-rn'", "Run 'mongo-steward plan --help' for usage.");
    CliRun missing = run("apply");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("Missing required option: '--file=FILE'");
  }

  @Test
  void theSecretAFileNamesIsReadThroughTheKubeconfigOnlyWhenNoUriIsGiven() throws IOException {
    Path kubeconfig = io.mongosteward.testsupport.KubeApi.kubeConfigFile(tmp);
    String ns;
    try (var kube = io.mongosteward.testsupport.KubeApi.client()) {
      ns = io.mongosteward.testsupport.KubeApi.newNamespace(kube, "cli");
      kube.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
          .withNewMetadata().withName("bot-mongo").endMetadata()
          .withStringData(Map.of("uri", MongoBackend.MONGO_JAVA_SERVER.uri())).build()).create();
    }
    Path file = write("s.yaml", uniqueDbSpec("cli_secret").replace("namespace: bots", "namespace: " + ns));
    CliRun viaSecret = run(Map.of("KUBECONFIG", kubeconfig.toString()), "apply", "-f", file.toString());
    assertThat(viaSecret.code()).as(viaSecret.err()).isZero();
    assertThat(viaSecret.err()).doesNotContain("embedded");
    assertThat(admin.getDatabase("cli_secret").getCollection("posts").listIndexes().into(new ArrayList<>())).hasSize(4);

    // A URI wins: the Secret is not even looked up (this one does not exist).
    Path other = write("o.yaml", uniqueDbSpec("cli_secret2").replace("name: bot-mongo", "name: nope"));
    CliRun viaEnv = run(Map.of("KUBECONFIG", kubeconfig.toString(), "MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()),
        "plan", "-f", other.toString());
    assertThat(viaEnv.code()).as(viaEnv.err()).isEqualTo(2);

    // A named Secret that is missing is an error naming it, not a silent fallback.
    Path missing = write("m.yaml", uniqueDbSpec("cli_secret3").replace("name: bot-mongo", "name: nope")
        .replace("namespace: bots", "namespace: " + ns));
    CliRun absent = run(Map.of("KUBECONFIG", kubeconfig.toString()), "plan", "-f", missing.toString());
    assertThat(absent.code()).isEqualTo(1);
    assertThat(absent.err()).contains("spec.connection.secretRef: cannot read Secret nope", "not found");
  }

  @Test
  void demoShowsTheWholeJob() {
    CliRun r = run("demo");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("== 1. plan", "BlockedByDuplicates", "{post_id=3} x2", "DropIndex", "legacy_1",
        "== 2. migrate, as a dry run", "would remove     1 (nothing was changed)",
        "== 3. migrate: deduplicate", "removed          1", "archived         1 in posts_duplicates",
        "== 4. migrate: backfill", "written          5", "https://T.ME/other/5     -> t.me/other/5",
        "== 5. apply", "CreateIndex          posts.post_id_unique", "created", "SeedCounter",
        "== 6. plan again", "Database bot matches the spec: nothing to do.");
  }

  /** A standalone server has no members to wait for: the quorum, from the flag or the file, is left out with a note. */
  @Test
  void aCommitQuorumOnAStandaloneServerIsLeftOutWithANote() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri());
    CliRun flag = run(env, "apply", "-f", write("q.yaml", schema("q", "cli_quorum_flag",
        "[{name: posts, indexes: [{name: a_1, keys: [{field: a}]}]}]")).toString(), "--commit-quorum", "majority");
    assertThat(flag.code()).as(flag.all()).isZero();
    assertThat(flag.err()).contains("note: --commit-quorum majority is ignored: the server is a standalone server");
    assertThat(flag.out()).contains("created");

    CliRun file = run(env, "apply", "-f", write("f.yaml", schema("f", "cli_quorum_file",
        "[{name: posts, indexes: [{name: a_1, keys: [{field: a}]}]}]") + "  policy: {commitQuorum: \"2\"}\n").toString());
    assertThat(file.code()).as(file.all()).isZero();
    assertThat(file.err()).contains("note: spec.policy.commitQuorum 2 is ignored: the server is a standalone server");
  }

  @Test
  void helpTeachesWithExamplesAndExitCodes() {
    CliRun top = run("--help");
    assertThat(top.code()).isZero();
    assertThat(top.out()).contains("plan", "apply", "demo", "Exit codes");
    CliRun plan = run("plan", "--help");
    assertThat(plan.out()).contains("--mongo-uri-file", "MONGODB_URI", "Examples:", "Exit codes: 0 the database matches",
        "items to report");
  }

  /** apply hides (the server here answers collMod hidden as mongod does); plan and apply -o json then show the wait. */
  @Test
  void aHiddenIndexWaitingForItsDropShowsInPlanAndApply() throws IOException {
    String uri = io.mongosteward.testsupport.HiddenIndexStandIn.uri();
    try (MongoClient client = MongoClients.create(uri)) {
      client.getDatabase("cli_hide").getCollection("posts").createIndex(new org.bson.Document("legacy", 1));
    }
    Path file = write("hide.yaml", schema("hide", "cli_hide", "[{name: posts, indexes: [{name: a_1, keys: [{field: a}]}]}]")
        + "  policy: {unmanagedIndexes: Drop, hiddenFor: 1h}\n");
    CliRun hid = run("apply", "-f", file.toString(), "--mongo-uri", uri);
    assertThat(hid.code()).as(hid.all()).isZero();
    assertThat(hid.out()).contains("HideIndex").contains("posts.legacy_1").contains("hidden; dropped");

    CliRun plan = run("plan", "-f", file.toString(), "--mongo-uri", uri);
    assertThat(plan.code()).as(plan.all()).isZero();
    assertThat(plan.out()).contains("DropScheduled").contains("posts.legacy_1").contains("hidden since ")
        .contains("dropped: not declared (policy.unmanagedIndexes: Drop) after ");
    CliRun json = run("apply", "-f", file.toString(), "--mongo-uri", uri, "-o", "json");
    assertThat(json.code()).as(json.all()).isZero();
    assertThat(json.out()).contains("\"waiting\"").contains("\"type\" : \"DropScheduled\"")
        .contains("\"hiddenAt\"").contains("\"dropAfter\"");
  }
}
