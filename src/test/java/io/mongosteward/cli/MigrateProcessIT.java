package io.mongosteward.cli;

import io.mongosteward.testsupport.CliRun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.migrate.NormalizeUrl;
import io.mongosteward.testsupport.BotPosts;
import io.mongosteward.testsupport.MongoBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `migrate` in its own JVM, killed (SIGKILL) or stopped (SIGTERM) in the middle of a run; the
 * re-run resumes from the checkpoint and reaches the same final state with the same counts.
 */
class MigrateProcessIT {
  private static final String URI = MongoBackend.MONGO_JAVA_SERVER.uri();
  /** Short, so that the lease a killed runner leaves expires within the test. */
  private static final String LEASE_TTL = "2s";
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  private static final com.mongodb.client.MongoClient CLIENT = com.mongodb.client.MongoClients.create(URI);

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  @org.junit.jupiter.api.AfterAll
  static void close() {
    CLIENT.close();
  }

  static MongoDatabase freshDatabase() {
    return CLIENT.getDatabase("cli_crash_" + ProcessHandle.current().pid() + "_" + System.nanoTime());
  }

  Process migrate(Path file) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        "io.mongosteward.cli.Main", "migrate", "-f", file.toString(), "--mongo-uri", URI, "--lease-ttl", LEASE_TTL,
        "--progress-interval", "500ms");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("migrate.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("migrate.log"));
  }

  /** The run record's checkpoint in the ledger, or an empty document before there is one. */
  static Document checkpoint(MongoDatabase db) {
    Document run = db.getCollection("mongosteward").find(new Document("kind", "migration-run")).first();
    return run == null || run.get("checkpoint", Document.class) == null ? new Document()
        : run.get("checkpoint", Document.class);
  }

  static String state(MongoDatabase db) {
    Document run = db.getCollection("mongosteward").find(new Document("kind", "migration-run")).first();
    return run == null ? null : run.getString("state");
  }

  static long number(Document d, String key) {
    return d.get(key) instanceof Number n ? n.longValue() : 0;
  }

  CliRun inProcess(Path file) {
    return CliRun.of(dir, Map.of(), "migrate", "-f", file.toString(), "--mongo-uri", URI, "--lease-ttl", LEASE_TTL,
        "-o", "json");
  }

  static String spec(String name, String db, String change, int perSecond) {
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\nmetadata: {name: " + name + ", namespace: crash}\n"
        + "spec:\n  database: " + db + "\n  collection: posts\n" + change + "  batchSize: 20\n"
        + "  maxDocumentsPerSecond: " + perSecond + "\n";
  }

  @Test
  void killedWithSigkillInTheMiddleTheReRunReachesTheSameStateWithTheSameCounts() throws Exception {
    MongoDatabase db = freshDatabase();
    MongoCollection<Document> posts = db.getCollection("posts");
    BotPosts seeded = BotPosts.seed(posts, 3_000, 0.3, 21);
    String change = "  deduplicate: {keys: [post_id], keepBy: created_at}\n";
    Path slow = dir.resolve("slow.yaml");
    Files.writeString(slow, spec("dedupe", db.getName(), change, 400));

    Process p = migrate(slow);
    await("some batches done").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20))
        .until(() -> number(checkpoint(db), "changed") >= 100 || !p.isAlive());
    p.destroyForcibly(); // SIGKILL: no handler runs, the lease and the record stay as they are
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(state(db)).as(log()).isEqualTo("Running"); // killed in the middle, not after the end
    long changedAtKill = number(checkpoint(db), "changed");
    assertThat(changedAtKill).isBetween(100L, seeded.losers() - 1);

    // The killed runner's lease expires (a re-run before that is BUSY: MigrateCliIT), then the re-run takes it over.
    await("the killed runner's lease expires").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          Document l = db.getCollection("mongosteward").find(new Document("kind", "migration-lease")).first();
          return l == null || l.getDate("expiresAt").before(new Date());
        });
    Path fast = dir.resolve("fast.yaml"); // a faster rate is the same migration: the spec hash leaves it out
    Files.writeString(fast, spec("dedupe", db.getName(), change, 1_000_000));
    CliRun r = inProcess(fast);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("crash/dedupe: resuming from the checkpoint of a Running run: ");
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(json.get("changed").asLong()).isEqualTo(seeded.losers());
    assertThat(json.get("archived").asLong()).isEqualTo(seeded.losers());

    Set<Object> survivors = BotPosts.ids(posts);
    Set<Object> archived = BotPosts.ids(db.getCollection("posts_duplicates"));
    assertThat(survivors).isEqualTo(seeded.survivors());
    assertThat(BotPosts.duplicateKeys(posts)).isZero();
    assertThat(db.getCollection("posts_duplicates").countDocuments()).isEqualTo(archived.size())
        .isEqualTo(seeded.losers());
    Set<Object> all = new HashSet<>(survivors);
    all.addAll(archived);
    assertThat(all).hasSize(seeded.ids().size()).isEqualTo(seeded.ids()); // survivors + archive == original
  }

  @Test
  void sigtermStopsAtABatchBoundaryWithAMessageAndTheReRunResumes() throws Exception {
    MongoDatabase db = freshDatabase();
    MongoCollection<Document> posts = db.getCollection("posts");
    BotPosts.seed(posts, 3_000, 0, 22);
    String change = "  backfill: {source: message_link, target: message_link_norm, transforms: [NormalizeUrl, Lowercase]}\n";
    Path slow = dir.resolve("slow.yaml");
    Files.writeString(slow, spec("norm", db.getName(), change, 500));

    Process p = migrate(slow);
    await("some batches done").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20))
        .until(() -> number(checkpoint(db), "changed") >= 100 || !p.isAlive());
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("exits at the next batch boundary").isTrue();
    String log = log();
    assertThat(p.exitValue()).as(log).isEqualTo(2);
    assertThat(log).contains("Stopping at the next batch boundary", "stopped at a batch boundary after",
        "Run the same command again to resume from the checkpoint");
    assertThat(state(db)).isEqualTo("Stopped");
    assertThat(db.getCollection("mongosteward").countDocuments(new Document("kind", "migration-lease")))
        .as("the lease is given back").isZero();
    long scannedAtStop = number(checkpoint(db), "scanned");
    assertThat(scannedAtStop).isBetween(100L, 2_999L);

    Path fast = dir.resolve("fast.yaml");
    Files.writeString(fast, spec("norm", db.getName(), change, 1_000_000));
    CliRun r = inProcess(fast);
    // Resumed, not restarted: the re-run starts from the checkpoint and says so.
    assertThat(r.err()).contains("crash/norm: resuming from the checkpoint of a Stopped run: "
        + String.format(Locale.ROOT, "%,d", scannedAtStop) + " scanned");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("scanned").asLong()).isEqualTo(3_000);
    assertThat(json.get("changed").asLong()).isEqualTo(3_000);
    for (Document d : posts.find()) {
      assertThat(d.getString("message_link_norm"))
          .isEqualTo(NormalizeUrl.apply(d.getString("message_link")).toLowerCase(Locale.ROOT));
    }
  }
}
