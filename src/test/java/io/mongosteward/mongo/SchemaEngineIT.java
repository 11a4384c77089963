package io.mongosteward.mongo;

import io.mongosteward.testsupport.Engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Specs;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Plan and apply end to end against both real MongoDB-wire stand-ins. */
class SchemaEngineIT {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final CommandRecorder COMMANDS = new CommandRecorder();
  private static final ClientRegistry CLIENTS =
      new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), List.of(COMMANDS));
  private final SchemaEngine engine = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));

  @AfterAll
  static void close() {
    CLIENTS.close();
  }

  static MongoDatabase freshDatabase(MongoBackend backend) {
    MongoClient client = CLIENTS.connect(MongoUri.parse(backend.uri()), null);
    return client.getDatabase("it_engine_" + DB.incrementAndGet());
  }

  static MongoSchemaSpec spec(MongoDatabase db, String body) {
    return Specs.spec("database: " + db.getName() + "\n" + body.stripIndent());
  }

  static List<Document> indexes(MongoDatabase db, String collection) {
    return db.getCollection(collection).listIndexes().into(new ArrayList<>());
  }

  static Map<String, IndexState> states(SyncResult r) {
    return r.indexStates().stream().collect(Collectors.toMap(s -> s.getCollection() + "." + s.getName(), IndexStatus::getState));
  }

  static final String BOT = """
      collections:
        - name: posts
          indexes:
            - {name: post_id_unique, keys: [{field: post_id}], unique: true}
            - {name: message_link_norm_1, keys: [{field: message_link_norm}]}
            - {name: channel_created, keys: [{field: created_at, order: -1}, {field: channel, order: 1}]}
        - name: tasks
          indexes:
            - {name: task_id_unique, keys: [{field: task_id}], unique: true}
      counters:
        - name: post_id
          seedFrom: {collection: posts, field: post_id}
      """;

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void applyConvergesAndASecondPassCostsOneListIndexesPerCollectionAndNoWrite(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 7), new Document("post_id", 41)));
    MongoSchemaSpec spec = spec(db, BOT);

    SyncResult first = engine.sync(db, spec, Engines.APPLY);
    assertThat(first.outcomes()).allMatch(Outcome::applied);
    // Each collection and counter is claimed for this schema before anything in it changes.
    assertThat(first.outcomes()).extracting(o -> o.action().type()).containsExactly(ActionType.Claim,
        ActionType.CreateIndex, ActionType.CreateIndex, ActionType.CreateIndex, ActionType.Claim, ActionType.CreateIndex,
        ActionType.Claim, ActionType.SeedCounter);
    assertThat(first.converged()).isTrue();
    assertThat(states(first)).containsEntry("posts.post_id_unique", IndexState.Created);

    Document compound = indexes(db, "posts").stream().filter(d -> d.getString("name").equals("channel_created"))
        .findFirst().orElseThrow();
    assertThat(new ArrayList<>(compound.get("key", Document.class).keySet())).containsExactly("created_at", "channel");
    assertThat(db.getCollection("counters").find(new Document("_id", "post_id")).first().get("seq", Number.class).longValue())
        .isEqualTo(41L);

    COMMANDS.clear();
    SyncResult second = engine.sync(db, spec, Engines.APPLY);
    assertThat(second.plan().actions()).isEmpty();
    assertThat(second.converged()).isTrue();
    assertThat(states(second).values()).containsOnly(IndexState.Present);
    var mine = COMMANDS.commands().stream().filter(c -> db.getName().equals(c.database())).toList();
    assertThat(mine.stream().filter(c -> c.name().equals("listIndexes")).map(c -> c.collection()))
        .containsExactly("posts", "tasks");
    assertThat(mine.stream().filter(c -> CommandRecorder.WRITES.contains(c.name()))).isEmpty();
    // Counter reads: one for the counter document, one for the max of the seed field; and one
    // read of the metadata records that say which schema manages what.
    assertThat(mine.stream().filter(c -> c.name().equals("find")).map(c -> c.collection()))
        .containsExactlyInAnyOrder("counters", "posts", MetadataStore.COLLECTION);
    assertThat(mine).hasSize(5);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void createIndexesIsOneCommandPerCollection(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    COMMANDS.clear();
    engine.sync(db, spec(db, BOT), Engines.APPLY);
    assertThat(COMMANDS.named("createIndexes").stream().filter(c -> db.getName().equals(c.database())).map(c -> c.collection()))
        .containsExactly("posts", "tasks");
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void uniqueIndexOverDuplicatesIsBlockedWithCountAndSamplesAndTheRestStillRuns(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    List<Document> posts = new ArrayList<>();
    for (int i = 0; i < 20; i++) posts.add(new Document("post_id", i));
    posts.add(new Document("post_id", 3));
    posts.add(new Document("post_id", 3));
    posts.add(new Document("post_id", 11));
    db.getCollection("posts").insertMany(posts);

    SyncResult r = engine.sync(db, spec(db, BOT), Engines.APPLY);

    assertThat(states(r)).containsEntry("posts.post_id_unique", IndexState.BlockedByDuplicates)
        .containsEntry("posts.message_link_norm_1", IndexState.Created)
        .containsEntry("posts.channel_created", IndexState.Created)
        .containsEntry("tasks.task_id_unique", IndexState.Created);
    Outcome blocked = r.outcomes().stream().filter(o -> o.result() == ActionType.BlockedByDuplicates).findFirst().orElseThrow();
    assertThat(blocked.message()).startsWith("2 duplicate key groups, e.g. {post_id=3} x3; {post_id=11} x2")
        .contains("deduplicate");
    assertThat(r.converged()).isFalse();
    assertThat(indexes(db, "posts")).extracting(d -> d.getString("name")).doesNotContain("post_id_unique");
    // The counter was still seeded.
    assertThat(r.counterValues()).extracting(c -> c.getValue()).containsExactly(19L);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void undeclaredIndexesAreReportedThenDroppedUnderPolicyDropButIdNever(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("tasks").createIndex(Indexes.ascending("legacy"), new IndexOptions().name("legacy_1"));
    String body = """
        collections:
          - name: tasks
            indexes:
              - {name: task_id_unique, keys: [{field: task_id}], unique: true}
        """;
    SyncResult reported = engine.sync(db, spec(db, body), Engines.APPLY);
    assertThat(reported.unmanagedIndexes()).extracting(i -> i.getName()).containsExactly("legacy_1");
    assertThat(reported.converged()).isFalse();

    SyncResult dropped = engine.sync(db, spec(db, body + "policy: {unmanagedIndexes: Drop}\n"), Engines.APPLY);
    assertThat(dropped.outcomes()).extracting(o -> o.action().type() + " " + o.action().name())
        .containsExactly("DropIndex legacy_1");
    assertThat(indexes(db, "tasks")).extracting(d -> d.getString("name")).containsExactlyInAnyOrder("_id_", "task_id_unique");
    assertThat(engine.plan(db, spec(db, body + "policy: {unmanagedIndexes: Drop}\n"), Engines.OWNER).actions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void conflictIsReportedUnderReportAndRebuiltUnderRecreate(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("tasks").createIndex(Indexes.ascending("task_no"), new IndexOptions().name("task_id_unique"));
    String body = """
        collections:
          - name: tasks
            indexes:
              - {name: task_id_unique, keys: [{field: task_id}], unique: true}
        """;
    SyncResult report = engine.sync(db, spec(db, body), Engines.APPLY);
    assertThat(report.plan().actions()).extracting(a -> a.type()).containsExactly(ActionType.Claim, ActionType.Conflict);
    assertThat(states(report)).containsEntry("tasks.task_id_unique", IndexState.Conflict);
    assertThat(report.outcomes()).extracting(o -> o.action().type()).containsExactly(ActionType.Claim);

    SyncResult rebuilt = engine.sync(db, spec(db, body + "policy: {onConflict: Recreate}\n"), Engines.APPLY);
    assertThat(rebuilt.outcomes()).extracting(Outcome::result).containsExactly(ActionType.RecreateIndex);
    assertThat(rebuilt.outcomes().get(0).message()).contains("uniqueness was NOT enforced while it rebuilt");
    Document index = indexes(db, "tasks").stream().filter(d -> d.getString("name").equals("task_id_unique")).findFirst().orElseThrow();
    assertThat(index.getBoolean("unique")).isTrue();
    assertThat(index.get("key", Document.class).keySet()).containsExactly("task_id");
    assertThat(engine.plan(db, spec(db, body), Engines.OWNER).actions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void makingAnIndexUniqueIsTriedInPlaceAndRebuiltOnlyUnderRecreateWhereTheServerCannot(MongoBackend backend) {
    // Neither stand-in has collMod: Report leaves the index alone and says why; Recreate rebuilds
    // and says that uniqueness lapsed meanwhile. (Real mongod converts in place: RealMongoIT.)
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("tasks").createIndex(Indexes.ascending("task_id"), new IndexOptions().name("task_id_unique"));
    String body = """
        collections:
          - name: tasks
            indexes:
              - {name: task_id_unique, keys: [{field: task_id}], unique: true}
        """;
    SyncResult report = engine.sync(db, spec(db, body), Engines.APPLY);
    assertThat(report.plan().changes()).extracting(a -> a.type()).contains(ActionType.ModifyIndex);
    assertThat(states(report)).containsEntry("tasks.task_id_unique", IndexState.Unsupported);
    assertThat(report.remainingReports().get(0).detail()).contains("cannot change in place").contains("onConflict: Recreate");

    SyncResult rebuilt = engine.sync(db, spec(db, body + "policy: {onConflict: Recreate}\n"), Engines.APPLY);
    assertThat(rebuilt.outcomes()).allMatch(Outcome::applied);
    assertThat(rebuilt.outcomes().get(0).message()).contains("uniqueness was not enforced while it rebuilt");
    assertThat(engine.plan(db, spec(db, body), Engines.OWNER).actions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void ttlThatCannotBeChangedInPlaceIsUnsupportedWithTheServersMessage(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    String ttl = """
        collections:
          - name: events
            indexes:
              - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: %d}
        """;
    if (!backend.acceptsAdvancedIndexOptions()) {
      // FerretDB v1 refuses TTL indexes outright (code 238).
      SyncResult r = engine.sync(db, spec(db, ttl.formatted(3600)), Engines.APPLY);
      assertThat(states(r)).containsEntry("events.ts_ttl", IndexState.Unsupported);
      assertThat(r.remainingReports().get(0).detail()).contains("238");
      return;
    }
    assertThat(engine.sync(db, spec(db, ttl.formatted(3600)), Engines.APPLY).converged()).isTrue();
    // mongo-java-server has no collMod (59): the change is reported, not forced.
    SyncResult changed = engine.sync(db, spec(db, ttl.formatted(60)), Engines.APPLY);
    assertThat(changed.plan().actions()).extracting(a -> a.type()).containsExactly(ActionType.ModifyIndex);
    assertThat(states(changed)).containsEntry("events.ts_ttl", IndexState.Unsupported);
    assertThat(changed.remainingReports().get(0).detail()).contains("code 59").contains("onConflict: Recreate");
    assertThat(indexes(db, "events").get(1).get("expireAfterSeconds", Number.class).longValue()).isEqualTo(3600L);

    SyncResult rebuilt = engine.sync(db, spec(db, ttl.formatted(60) + "policy: {onConflict: Recreate}\n"), Engines.APPLY);
    assertThat(rebuilt.converged()).isTrue();
    assertThat(indexes(db, "events").get(1).get("expireAfterSeconds", Number.class).longValue()).isEqualTo(60L);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void everyIndexOptionRoundTripsWhereTheServerAcceptsIt(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    String body = backend.acceptsAdvancedIndexOptions() ? """
        collections:
          - name: users
            indexes:
              - {name: email_active, keys: [{field: email}], unique: true, partialFilterExpression: {active: true}}
              - {name: name_ci, keys: [{field: name}], collation: {locale: en, strength: 2}}
              - {name: nick_sparse, keys: [{field: nick}], sparse: true, unique: true}
              - {name: old_hidden, keys: [{field: old}], hidden: true}
              - {name: seen_ttl, keys: [{field: seen}], expireAfterSeconds: 86400}
              - {name: multi, keys: [{field: a}, {field: b, order: -1}, {field: c}]}
        """ : """
        collections:
          - name: users
            indexes:
              - {name: nick_unique, keys: [{field: nick}], unique: true}
              - {name: multi, keys: [{field: a}, {field: b, order: -1}, {field: c}]}
        """;
    SyncResult r = engine.sync(db, spec(db, body), Engines.APPLY);
    assertThat(r.converged()).as(r.remainingReports().toString()).isTrue();
    Plan again = engine.plan(db, spec(db, body), Engines.OWNER);
    assertThat(again.actions()).as("second plan after apply").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void anOptionTheServerSilentlyDropsIsReportedOnceBuiltAndNeverRebuiltFor() {
    // FerretDB v1 accepts sparse: true and builds a plain index. The apply reads it back and says
    // so; later passes report it, and even under Recreate never rebuild for it.
    MongoDatabase db = freshDatabase(MongoBackend.FERRETDB);
    String body = """
        collections:
          - name: users
            indexes:
              - {name: nick_sparse, keys: [{field: nick}], sparse: true}
        policy: {onConflict: Recreate}
        """;
    SyncResult first = engine.sync(db, spec(db, body), Engines.APPLY);
    Outcome built = first.outcomes().stream().filter(o -> o.action().type() == ActionType.CreateIndex).findFirst()
        .orElseThrow();
    assertThat(built.result()).isEqualTo(ActionType.Unsupported);
    assertThat(built.message()).contains("did not keep sparse");
    assertThat(states(first)).containsEntry("users.nick_sparse", IndexState.Unsupported);

    for (int pass = 0; pass < 2; pass++) {
      COMMANDS.clear();
      SyncResult again = engine.sync(db, spec(db, body), Engines.APPLY);
      assertThat(again.plan().actions()).extracting(a -> a.type() + " " + a.name())
          .containsExactly("Unsupported nick_sparse");
      assertThat(again.plan().actions().get(0).detail()).contains("does not keep sparse");
      assertThat(COMMANDS.commands().stream().filter(c -> db.getName().equals(c.database()))
          .filter(c -> CommandRecorder.WRITES.contains(c.name()))).as("writes on pass " + pass).isEmpty();
    }
    // Another declaration of the same index is planned afresh: the record was about the old one.
    Plan changed = engine.plan(db, spec(db, body.replace("sparse: true", "sparse: true, unique: true")), Engines.OWNER);
    assertThat(changed.changes()).extracting(a -> a.type()).containsExactly(ActionType.RecreateIndex);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void counterIsNeverLowered(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertOne(new Document("post_id", 10));
    db.getCollection("counters").insertOne(new Document("_id", "post_id").append("seq", 500L));
    SyncResult r = engine.sync(db, spec(db, BOT), Engines.APPLY);
    assertThat(r.plan().actions()).extracting(a -> a.type()).doesNotContain(ActionType.SeedCounter);
    assertThat(r.counterValues()).extracting(c -> c.getValue()).containsExactly(500L);
    assertThat(db.getCollection("counters").find().first().get("seq", Number.class).longValue()).isEqualTo(500L);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void dryRunChangesNothing(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertOne(new Document("post_id", 1));
    SyncResult r = engine.sync(db, spec(db, BOT), Engines.DRY_RUN);
    assertThat(r.plan().hasChanges()).isTrue();
    assertThat(r.outcomes()).isEmpty();
    assertThat(indexes(db, "posts")).hasSize(1);
    assertThat(db.getCollection("counters").countDocuments()).isZero();
  }
}
