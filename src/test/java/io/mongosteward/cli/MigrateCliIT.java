package io.mongosteward.cli;

import io.mongosteward.testsupport.CliRun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.migrate.NormalizeUrl;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.plan.Owner;
import io.mongosteward.testsupport.BotPosts;
import io.mongosteward.testsupport.MongoBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `mongo-steward migrate -f` as a user runs it, on real servers: exit codes, output, and the data after. */
class MigrateCliIT {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final Map<MongoBackend, MongoClient> CLIENTS = new java.util.EnumMap<>(MongoBackend.class);

  @TempDir Path tmp;

  @AfterAll
  static void close() {
    CLIENTS.values().forEach(MongoClient::close);
  }

  static MongoDatabase freshDatabase(MongoBackend backend) {
    MongoClient client = CLIENTS.computeIfAbsent(backend, b -> MongoClients.create(b.uri()));
    return client.getDatabase("cli_mig_" + ProcessHandle.current().pid() + "_" + DB.incrementAndGet());
  }

  /** A deduplicate of posts by post_id, oldest by created_at kept; {@code extra} lines go under spec. */
  static String dedupe(String name, String db, String extra) {
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\nmetadata: {name: " + name + ", namespace: cli}\n"
        + "spec:\n  database: " + db + "\n  collection: posts\n  deduplicate:\n    keys: [post_id]\n"
        + "    keepBy: created_at\n" + extra;
  }

  CliRun run(Map<String, String> extraEnv, String... args) {
    return CliRun.of(tmp, extraEnv, args);
  }

  Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void deduplicateRunsToTheEndPrintsLinesAndASummaryThenIsAlreadyDone(MongoBackend backend) throws IOException {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    BotPosts seeded = BotPosts.seed(posts, 2_000, 0.2, 7);
    Path file = write("dedupe.yaml", dedupe("dedupe", db.getName(), "  batchSize: 50\n  maxDocumentsPerSecond: 4000\n"));
    Map<String, String> env = Map.of("MONGODB_URI", backend.uri());

    CliRun r = run(env, "migrate", "-f", file.toString(), "--progress-interval", "100ms");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(BotPosts.ids(posts)).isEqualTo(seeded.survivors());
    assertThat(BotPosts.duplicateKeys(posts)).isZero();
    MongoCollection<Document> archive = db.getCollection("posts_duplicates");
    assertThat(archive.countDocuments()).isEqualTo(seeded.losers());
    String losers = String.format(Locale.ROOT, "%,d", seeded.losers());
    assertThat(r.out()).contains("cli/dedupe: deduplicate " + db.getName() + ".posts by [post_id], keep Oldest by "
        + "created_at, archive in posts_duplicates: done in")
        .containsPattern("removed +" + losers + "\n")
        .containsPattern("archived +" + losers + " in posts_duplicates")
        .containsPattern("late duplicates +0");
    // Not a terminal here: plain lines on stderr, with scanned/total, percent, rate and ETA. FerretDB
    // v1 cannot count the duplicate groups on the server, so there the total and the ETA are unknown.
    String counted = backend == MongoBackend.FERRETDB ? "[\\d,]+ scanned, [\\d,]+ docs/s, ETA unknown"
        : "[\\d,]+/[\\d,]+ scanned \\(\\d+%\\), [\\d,]+ docs/s, ETA [^;]+";
    assertThat(r.err()).contains("== cli/dedupe: deduplicate").containsPattern(
        "cli/dedupe: " + counted + "; removed [\\d,]+, archived [\\d,]+");

    CliRun again = run(env, "migrate", "-f", file.toString(), "-o", "json");
    assertThat(again.code()).as(again.out() + again.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(again.out());
    assertThat(json.get("outcome").asText()).isEqualTo("ALREADY_DONE");
    assertThat(json.get("message").asText()).contains("already done");
    assertThat(json.get("changed").asLong()).isEqualTo(seeded.losers());
    assertThat(json.get("target").get("source").asText()).isEqualTo("MONGODB_URI");

    // A new spec.rerun value runs the same migration again (nothing left to remove now).
    Path rerun = write("rerun.yaml", dedupe("dedupe", db.getName(), "  batchSize: 50\n  rerun: \"2026-11-27\"\n"));
    CliRun third = run(env, "migrate", "-f", rerun.toString(), "-o", "json");
    assertThat(third.code()).as(third.out() + third.err()).isZero();
    JsonNode rerunJson = new ObjectMapper().readTree(third.out());
    assertThat(rerunJson.get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(rerunJson.get("changed").asLong()).isZero();
  }

  @Test
  void aDryRunExitsTwoSaysWhatWouldGoAndChangesNothing() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    MongoCollection<Document> posts = db.getCollection("posts");
    BotPosts seeded = BotPosts.seed(posts, 1_000, 0.2, 8);
    String before = BotPosts.checksum(posts);
    Path file = write("dry.yaml", dedupe("dry", db.getName(), "  dryRun: true\n  maxDocumentsPerSecond: 100000\n"));

    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f", file.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).contains("(dry run): done in")
        .containsPattern("would remove +" + String.format(Locale.ROOT, "%,d", seeded.losers())
            + " \\(nothing was changed\\)");
    assertThat(BotPosts.checksum(posts)).isEqualTo(before);
    assertThat(db.listCollectionNames().into(new java.util.ArrayList<>())).doesNotContain("posts_duplicates");
  }

  @Test
  void aBackfillWritesTheNormalizedLinkFromTheExampleFile() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    MongoCollection<Document> posts = db.getCollection("posts");
    BotPosts.seed(posts, 300, 0, 9);
    String example = Files.readString(Path.of("examples/backfill-link-norm.yaml"))
        .replace("database: bot", "database: " + db.getName());
    Path file = write("backfill.yaml", example);

    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f", file.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("bots/backfill-link-norm: backfill " + db.getName()
        + ".posts: message_link -> message_link_norm [NormalizeUrl, Lowercase]: done in")
        .containsPattern("written +300\n").containsPattern("redone +0");
    for (Document d : posts.find()) {
      assertThat(d.getString("message_link_norm"))
          .isEqualTo(NormalizeUrl.apply(d.getString("message_link")).toLowerCase(Locale.ROOT))
          .startsWith("t.me/channel");
    }
  }

  @Test
  void theDeduplicateExampleIsADryRunThatParses() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    BotPosts.seed(db.getCollection("posts"), 200, 0.5, 10);
    Path file = write("example.yaml", Files.readString(Path.of("examples/dedupe-posts.yaml"))
        .replace("database: bot", "database: " + db.getName()));
    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f", file.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).contains("bots/dedupe-posts", "would remove");
  }

  @Test
  void aBadSpecExitsOneNamingTheFileLineAndFieldBeforeAnyServerIsReached() throws IOException {
    Map<String, String> env = Map.of("MONGODB_URI", "mongodb://127.0.0.1:1");
    Path batch = write("batch.yaml", dedupe("bad", "db", "  batchSize: 0\n"));
    CliRun r = run(env, "migrate", "-f", batch.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("error: " + batch + ":10: spec.batchSize: must be from 1 to 10,000, not 0");

    Path typo = write("typo.yaml", dedupe("bad", "db", "").replace("keepBy:", "keep_by:"));
    CliRun t = run(env, "migrate", "-f", typo.toString(), "-o", "json");
    assertThat(t.code()).isEqualTo(1);
    JsonNode error = new ObjectMapper().readTree(t.out());
    assertThat(error.get("error").asText()).startsWith(typo + ":9: spec.deduplicate.keep_by: unknown field 'keep_by'");
    assertThat(error.get("field").asText()).isEqualTo("spec.deduplicate.keep_by");

    Path both = write("both.yaml", dedupe("bad", "db", "  backfill: {source: a, target: b}\n"));
    assertThat(run(env, "migrate", "-f", both.toString()).err())
        .contains("spec: give exactly one of deduplicate and backfill");

    Path ref = write("ref.yaml", dedupe("bad", "db", "  schemaRef: {name: bot-app}\n").replace("  database: db\n", ""));
    CliRun missing = run(env, "migrate", "-f", ref.toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains(ref + ":9: spec.schemaRef.name: names MongoSchema cli/bot-app, which is not in "
        + "the input, and spec.database is not set");

    Path noKind = write("schema.yaml", CliIT.schema("s", "db", "[{name: posts}]"));
    assertThat(run(env, "migrate", "-f", noKind.toString()).err()).contains("holds no MongoMigration");
  }

  @Test
  void aSchemaRefTakesTheDatabaseFromTheMongoSchemaInTheSameInput() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    BotPosts seeded = BotPosts.seed(db.getCollection("posts"), 100, 0.3, 11);
    Files.writeString(tmp.resolve("a-schema.yaml"), CliIT.schema("bot-app", db.getName(), "[{name: posts}]"));
    Files.writeString(tmp.resolve("b-dedupe.yaml"), dedupe("ref", "x", "  schemaRef: {name: bot-app}\n")
        .replace("  database: x\n", ""));
    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f", tmp.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(BotPosts.ids(db.getCollection("posts"))).isEqualTo(seeded.survivors());
    // plan and apply take the same directory, leaving the MongoMigration to migrate.
    CliRun plan = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "plan", "-f", tmp.toString());
    assertThat(plan.code()).as(plan.out() + plan.err()).isIn(0, 2);
    assertThat(plan.err()).doesNotContain("error");
  }

  @Test
  void anotherRunnersLeaseExitsTwoNamingTheHolder() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    BotPosts.seed(db.getCollection("posts"), 100, 0.3, 12);
    new MigrationStore(new Retrier(RetryPolicy.DEFAULT, Redactor.none())).takeLease(db, "posts", "ops/other-dedupe",
        new Owner("ops", "other-dedupe", null), "4242@worker-7", "4242@worker-7/1a2b", Instant.now(), Duration.ofMinutes(5));
    Path file = write("busy.yaml", dedupe("busy", db.getName(), ""));
    CliRun r = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f", file.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out()).contains("not run: collection posts is busy: migration ops/other-dedupe (runner "
        + "4242@worker-7/1a2b) holds its lease until");
    assertThat(db.getCollection("posts").countDocuments()).isEqualTo(100);
  }

  @Test
  void aRunLeftUnfinishedIsNotSaidToResumeWhileAnotherRunnerHoldsTheCollection() throws IOException {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    BotPosts.seed(db.getCollection("posts"), 200, 0.3, 13);
    String yaml = dedupe("half", db.getName(), "  batchSize: 5\n");
    // The same migration, stopped by the engine after two batches: the ledger holds a Stopped run.
    io.mongosteward.api.v1alpha1.MongoMigration m = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml,
        io.mongosteward.api.v1alpha1.MongoMigration.class);
    Retrier retrier = new Retrier(RetryPolicy.DEFAULT, Redactor.none());
    AtomicInteger checks = new AtomicInteger();
    var stopped = new io.mongosteward.migrate.MigrationRunner(retrier, java.time.Clock.systemUTC()).run(db,
        io.mongosteward.migrate.MigrationJob.of(new Owner("cli", "half", null), m.getSpec()),
        io.mongosteward.migrate.Listener.NONE, () -> checks.incrementAndGet() > 2);
    assertThat(stopped.outcome()).isEqualTo(io.mongosteward.migrate.RunResult.Outcome.STOPPED);
    new MigrationStore(retrier).takeLease(db, "posts", "ops/other", new Owner("ops", "other", null), "4242@worker-7",
        "4242@worker-7/1a2b", Instant.now(), Duration.ofMinutes(5));

    CliRun busy = run(Map.of("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri()), "migrate", "-f",
        write("half.yaml", yaml).toString());

    assertThat(busy.code()).as(busy.out() + busy.err()).isEqualTo(2);
    assertThat(busy.out()).contains("not run: collection posts is busy");
    assertThat(busy.err()).doesNotContain("resuming");
  }

  @Test
  void credentialsStayOutOfEveryMessage() throws IOException {
    Path file = write("c.yaml", dedupe("c", "db", ""));
    CliRun r = run(Map.of("MONGODB_URI", "mongodb://app:S3cr3t-pw@127.0.0.1:1/?serverSelectionTimeoutMS=300"),
        "migrate", "-f", file.toString(), "--attempts", "1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out() + r.err()).doesNotContain("S3cr3t-pw").contains("app:***@127.0.0.1:1");
  }

  @Test
  void helpTeachesWithExamplesExitCodesAndResume() {
    CliRun help = run(Map.of(), "migrate", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Examples:", "examples/dedupe-posts.yaml", "Exit codes: 0 done", "resumes",
        "--lease-ttl", "--progress", "dryRun");
    assertThat(run(Map.of(), "--help").out()).contains("migrate", "Exit codes (migrate)");
  }
}
