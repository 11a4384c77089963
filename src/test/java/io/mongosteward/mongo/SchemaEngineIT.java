package io.mongosteward.mongo;

import io.mongosteward.operator.SyncStatuses;

import io.mongosteward.testsupport.Engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Specs;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Plan and apply end to end against both real MongoDB-wire stand-ins. */
class SchemaEngineIT {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final CommandRecorder COMMANDS = new CommandRecorder();
  /** "database.collection" of each createIndexes sent -> the name of the thread that sent it. */
  private static final Map<String, String> CREATE_THREADS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final com.mongodb.event.CommandListener THREADS = new com.mongodb.event.CommandListener() {
    @Override
    public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
      if (e.getCommandName().equals("createIndexes")) {
        CREATE_THREADS.put(e.getDatabaseName() + "." + e.getCommand().getString("createIndexes").getValue(),
            Thread.currentThread().getName());
      }
    }
  };
  private static final ClientRegistry CLIENTS =
      new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), List.of(COMMANDS, THREADS));
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
    return SyncStatuses.indexStates(r).stream().collect(Collectors.toMap(s -> s.getCollection() + "." + s.getName(), IndexStatus::getState));
  }

  static List<String> indexNames(MongoDatabase db, String collection) {
    return indexes(db, collection).stream().map(d -> d.getString("name")).toList();
  }

  /** The counter's seq as stored, or null when its document does not exist. */
  static Long seq(MongoDatabase db, String counter) {
    Document d = db.getCollection("counters").find(new Document("_id", counter)).first();
    return d == null ? null : d.get("seq", Number.class).longValue();
  }

  /** The metadata records: id -> owner as "namespace/name" or "namespace/name uid". */
  static Map<String, String> owners(MongoDatabase db) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Document d : db.getCollection(MetadataStore.COLLECTION).find()) {
      Document o = d.get("owner", Document.class);
      out.put(d.getString("_id"), o.getString("namespace") + "/" + o.getString("name")
          + (o.getString("uid") == null ? "" : " " + o.getString("uid")));
    }
    return out;
  }

  static Outcome outcomeOf(SyncResult r, String name) {
    return r.outcomes().stream().filter(o -> o.action().name().equals(name)).findFirst().orElseThrow();
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

  /** The client {@code db} came from: what the operator passes, so that steady passes keep their records. */
  static MongoClient client(MongoBackend backend) {
    return CLIENTS.connect(MongoUri.parse(backend.uri()), null);
  }

  /** A pass as the operator's reconciler makes it, with the client. */
  static SchemaEngine.Pass operatorPass(MongoBackend backend, Owner owner) {
    return new SchemaEngine.Pass(owner, false, SchemaEngine.DuplicateCheck.NONE, SchemaApplier.Progress.NONE, null, null,
        client(backend));
  }

  /** "name collection" of each command sent to {@code db} since the last clear, sorted. */
  static List<String> sent(MongoDatabase db) {
    return COMMANDS.in(db.getName()).stream().map(c -> c.name() + " " + c.collection()).sorted().toList();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void applyConvergesAndASteadyPassCostsOneListIndexesPerCollectionAndTheCounterReads(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 7), new Document("post_id", 41)));
    MongoSchemaSpec spec = spec(db, BOT);
    COMMANDS.clear();
    SyncResult first = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(first.outcomes()).allMatch(Outcome::applied);
    // Each collection and counter is claimed for this schema before anything in it changes.
    assertThat(first.outcomes()).extracting(o -> o.action().type()).containsExactly(ActionType.Claim,
        ActionType.CreateIndex, ActionType.CreateIndex, ActionType.CreateIndex, ActionType.Claim, ActionType.CreateIndex,
        ActionType.Claim, ActionType.SeedCounter);
    assertThat(first.converged()).isTrue();
    assertThat(states(first)).containsEntry("posts.post_id_unique", IndexState.Created);
    // Converging: the records, which collections exist (the counters' and the seed's among them),
    // the indexes of the one that does, the seed's max (no find of the counter documents: their
    // collection is not there); all three claims in one insert; one createIndexes per collection,
    // not read back (both stand-ins keep keys, name and unique as given); the seed.
    assertThat(sent(db)).containsExactly("createIndexes posts", "createIndexes tasks",
        "find mongosteward", "find posts", "insert mongosteward", "listCollections null", "listIndexes posts",
        "update counters");

    Document compound = indexes(db, "posts").stream().filter(d -> d.getString("name").equals("channel_created"))
        .findFirst().orElseThrow();
    assertThat(new ArrayList<>(compound.get("key", Document.class).keySet())).containsExactly("created_at", "channel");
    assertThat(db.getCollection("counters").find(new Document("_id", "post_id")).first().get("seq", Number.class).longValue())
        .isEqualTo(41L);
    assertThat(owners(db)).containsOnlyKeys("collection:posts", "collection:tasks", "counter:counters$post_id");

    // The pass after a change reads the records afresh; it finds everything held and nothing to do.
    COMMANDS.clear();
    SyncResult second = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(second.plan().actions()).isEmpty();
    assertThat(sent(db)).containsExactly("find counters", "find mongosteward", "find posts", "listIndexes posts",
        "listIndexes tasks");

    // A steady pass: one listIndexes per collection, the counter's two reads, no write, nothing else.
    for (int pass = 0; pass < 2; pass++) {
      COMMANDS.clear();
      SyncResult steady = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
      assertThat(steady.plan().actions()).isEmpty();
      assertThat(steady.converged()).isTrue();
      assertThat(states(steady).values()).containsOnly(IndexState.Present);
      assertThat(sent(db)).as("pass %d", pass).containsExactly("find counters", "find posts", "listIndexes posts",
          "listIndexes tasks");
    }

    // Without the client (the CLI), every pass reads the records: five commands.
    COMMANDS.clear();
    assertThat(engine.sync(db, spec, Engines.APPLY).plan().actions()).isEmpty();
    assertThat(sent(db)).containsExactly("find counters", "find mongosteward", "find posts", "listIndexes posts",
        "listIndexes tasks");
  }

  /**
   * On an empty database the one listCollections of a new schema also tells that the counters'
   * collection and the seed's are not there: no find of the counter documents, no max of the seed
   * field, and the counter starts where an empty seed collection starts it.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void convergingAnEmptyDatabaseReadsNoCounterNorSeedOfACollectionThatIsNotThere(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoSchemaSpec spec = spec(db, BOT);
    COMMANDS.clear();
    SyncResult first = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(first.outcomes()).allMatch(Outcome::applied);
    assertThat(first.converged()).isTrue();
    assertThat(sent(db)).containsExactly("createIndexes posts", "createIndexes tasks", "find mongosteward",
        "insert mongosteward", "listCollections null", "update counters");
    assertThat(db.getCollection("counters").find(new Document("_id", "post_id")).first().get("seq", Number.class)
        .longValue()).isZero();

    // Documents written after it: a later pass, from the records, reads the seed again and raises it.
    db.getCollection("posts").insertOne(new Document("post_id", 12));
    COMMANDS.clear();
    SyncResult second = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(second.outcomes()).extracting(o -> o.action().type()).containsExactly(ActionType.SeedCounter);
    assertThat(sent(db)).contains("find counters", "find posts");
    assertThat(db.getCollection("counters").find(new Document("_id", "post_id")).first().get("seq", Number.class)
        .longValue()).isEqualTo(12L);
  }

  /**
   * A steady pass plans from the records it kept; the moment that plan would change something, the
   * records are read again and the plan made from them: here another schema took the collection
   * after its record was deleted by hand, and the drift is reported as that schema's, not rebuilt.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aSteadyPassThatWouldChangeSomethingReadsTheRecordsAgainFirst(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoSchemaSpec spec = spec(db, "collections: [{name: users, indexes: [{name: a_1, keys: [{field: a}]}]}]\n");
    for (int i = 0; i < 2; i++) {
      engine.sync(db, spec, operatorPass(backend, TEAM_A)); // converge, then a steady pass that keeps the records
    }
    db.getCollection(MetadataStore.COLLECTION).deleteMany(new Document());
    engine.sync(db, spec(db, "collections: [{name: users, indexes: []}]\n"), operatorPass(backend, TEAM_B));
    assertThat(owners(db)).containsExactly(Map.entry("collection:users", TEAM_B.toString()));
    db.getCollection("users").dropIndex("a_1");

    COMMANDS.clear();
    SyncResult r = engine.sync(db, spec, operatorPass(backend, TEAM_A));
    assertThat(r.plan().actions()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("ManagedElsewhere users");
    assertThat(COMMANDS.in(db.getName())).noneMatch(c -> CommandRecorder.WRITES.contains(c.name()));
    assertThat(COMMANDS.in(db.getName())).filteredOn(c -> MetadataStore.COLLECTION.equals(c.collection()))
        .extracting(CommandRecorder.Command::name).containsExactly("find");
    assertThat(indexNames(db, "users")).containsExactly("_id_");
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
    assertThat(SyncStatuses.counterValues(r)).extracting(c -> c.getValue()).containsExactly(19L);
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
    assertThat(SyncStatuses.unmanagedIndexes(reported)).extracting(i -> i.getName()).containsExactly("legacy_1");
    assertThat(reported.converged()).isFalse();

    SyncResult dropped = engine.sync(db, spec(db, body + "policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}\n"), Engines.APPLY);
    assertThat(dropped.outcomes()).extracting(o -> o.action().type() + " " + o.action().name())
        .containsExactly("DropIndex legacy_1");
    assertThat(indexes(db, "tasks")).extracting(d -> d.getString("name")).containsExactlyInAnyOrder("_id_", "task_id_unique");
    assertThat(engine.plan(db, spec(db, body + "policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}\n"), Engines.OWNER).actions()).isEmpty();
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

    SyncResult rebuilt = engine.sync(db, spec(db, body + "policy: {onConflict: Recreate, dropStrategy: Immediate}\n"), Engines.APPLY);
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

    SyncResult rebuilt = engine.sync(db, spec(db, body + "policy: {onConflict: Recreate, dropStrategy: Immediate}\n"), Engines.APPLY);
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

    SyncResult rebuilt = engine.sync(db, spec(db, ttl.formatted(60) + "policy: {onConflict: Recreate, dropStrategy: Immediate}\n"), Engines.APPLY);
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

  /**
   * FerretDB v1 refuses these options with 238 NotImplemented (docs/compatibility.md): each index is
   * Unsupported with the server's code and message and the option to remove, and the plain index
   * beside them is built all the same.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "partialFilterExpression: {active: true}",
      "collation: {locale: en, strength: 2}",
      "hidden: true",
      "expireAfterSeconds: 60"})
  void anOptionFerretDbRefusesIsUnsupportedWithItsMessageAndTheOptionToRemove(String option) {
    MongoDatabase db = freshDatabase(MongoBackend.FERRETDB);
    SyncResult r = engine.sync(db, spec(db, """
        collections:
          - name: users
            indexes:
              - {name: with_option, keys: [{field: a}], %s}
          - name: plain
            indexes:
              - {name: b_1, keys: [{field: b}]}
        policy: {dropStrategy: Immediate}
        """.formatted(option)), Engines.APPLY);
    assertThat(states(r)).containsEntry("users.with_option", IndexState.Unsupported);
    assertThat(r.remainingReports()).singleElement().satisfies(report -> assertThat(report.detail())
        .contains("code 238 (NotImplemented)").contains("remove that option from spec.indexes"));
    assertThat(indexes(db, "plain")).extracting(d -> d.getString("name")).contains("b_1");
  }

  @org.junit.jupiter.api.Test
  void anOptionTheServerSilentlyDropsIsReportedOnceBuiltAndNeverRebuiltFor() {
    // FerretDB v1 accepts sparse: true and builds a plain index. The apply reads it back and says
    // so (the operator's pass too, which trusts FerretDB's acknowledgement only for key, name and
    // unique); later passes report it, and even under Recreate never rebuild for it.
    MongoDatabase db = freshDatabase(MongoBackend.FERRETDB);
    String body = """
        collections:
          - name: users
            indexes:
              - {name: nick_sparse, keys: [{field: nick}], sparse: true}
        policy: {onConflict: Recreate, dropStrategy: Immediate}
        """;
    COMMANDS.clear();
    SyncResult first = engine.sync(db, spec(db, body), operatorPass(MongoBackend.FERRETDB, Engines.OWNER));
    assertThat(sent(db)).as("read back after the build").containsSubsequence("createIndexes users", "listIndexes users");
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
    assertThat(SyncStatuses.counterValues(r)).extracting(c -> c.getValue()).containsExactly(500L);
    assertThat(db.getCollection("counters").find().first().get("seq", Number.class).longValue()).isEqualTo(500L);
  }

  /**
   * Two counters of one collection are seeded in one update command, each statement its own $max
   * upsert: a document an application created after the observation (here one above the seed, one
   * below) is raised where it is lower and never lowered, as with one command per counter.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void theCountersOfOneCollectionAreSeededInOneUpdateAndNeverLoweredByOneCreatedMeanwhile(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoSchemaSpec spec = twoSeededCounters(db, "");
    Plan plan = engine.plan(db, spec, Engines.OWNER);
    assertThat(plan.changes()).filteredOn(a -> a.type() == ActionType.SeedCounter).hasSize(2);
    // Between the observation and the seeds, an application's first ids.
    db.getCollection("counters").insertMany(List.of(new Document("_id", "post_id").append("seq", 7L),
        new Document("_id", "reply_id").append("seq", 500L)));
    COMMANDS.clear();
    SyncResult r = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(r.outcomes()).allMatch(Outcome::applied);
    assertThat(seq(db, "post_id")).isEqualTo(41L);
    assertThat(seq(db, "reply_id")).isEqualTo(500L);
    // The pass above observed the documents already there: only post_id is seeded. The race itself:
    // seed from the earlier plan, as a pass that observed before the application wrote would.
    db.getCollection("counters").deleteMany(new Document());
    db.getCollection("counters").insertOne(new Document("_id", "reply_id").append("seq", 500L));
    COMMANDS.clear();
    List<Outcome> seeded = new SchemaApplier(new Retrier(RetryPolicy.DEFAULT, Redactor.none()),
        new DuplicateFinder(Timeouts.DUPLICATE_SEARCH)).apply(db, plan.changes().stream()
            .filter(a -> a.type() == ActionType.SeedCounter).toList(), new SchemaApplier.Context(
                spec.getPolicy().getOnConflict(), spec.getPolicy().getDropStrategy(), Engines.OWNER,
                new io.mongosteward.plan.ObservedState(Map.of(), Map.of()), Timeouts.DEFAULT,
                SchemaApplier.Progress.NONE));
    assertThat(seeded).extracting(o -> o.action().name() + " " + o.applied())
        .containsExactly("post_id true", "reply_id true");
    assertThat(sent(db)).containsExactly("update counters");
    assertThat(seq(db, "post_id")).isEqualTo(41L);
    assertThat(seq(db, "reply_id")).isEqualTo(500L);
  }

  /**
   * The documents of the counters of one collection are read in one find, each counter keeping its
   * own document's seq (a steady pass: that find and each seed field's max); counters of another
   * collection, in a find of their own.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void theCountersOfOneCollectionAreReadInOneFind(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoSchemaSpec spec = twoSeededCounters(db, "  - {name: order_id, collection: sequences}\n");
    assertThat(engine.sync(db, spec, operatorPass(backend, Engines.OWNER)).converged()).isTrue();
    engine.sync(db, spec, operatorPass(backend, Engines.OWNER)); // the pass after a change reads the records again
    db.getCollection("counters").updateOne(new Document("_id", "reply_id"), new Document("$set", new Document("seq", 700L)));
    COMMANDS.clear();
    SyncResult steady = engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(steady.plan().actions()).isEmpty();
    assertThat(sent(db)).containsExactly("find counters", "find posts", "find posts", "find sequences",
        "listIndexes posts");
    assertThat(seq(db, "post_id")).isEqualTo(41L);
    assertThat(seq(db, "reply_id")).isEqualTo(700L);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void countersOfOneNameInTwoCollectionsAreEachSeeded(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 41), new Document("reply_id", 90)));
    MongoSchemaSpec spec = spec(db, """
        collections: [{name: posts, indexes: []}]
        counters:
          - {name: seq, collection: a, seedFrom: {collection: posts, field: post_id}}
          - {name: seq, collection: b, seedFrom: {collection: posts, field: reply_id}}
        """);
    engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    engine.sync(db, spec, operatorPass(backend, Engines.OWNER));
    assertThat(db.getCollection("a").find(new Document("_id", "seq")).first()).isNotNull();
    assertThat(db.getCollection("a").find(new Document("_id", "seq")).first().get("seq", Number.class).longValue()).isEqualTo(41L);
    assertThat(db.getCollection("b").find(new Document("_id", "seq")).first().get("seq", Number.class).longValue()).isEqualTo(90L);
  }

  /** posts with a post_id of 41 and a reply_id of 90, and a schema seeding a counter from each, then {@code more}. */
  private static MongoSchemaSpec twoSeededCounters(MongoDatabase db, String more) {
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 41), new Document("reply_id", 90)));
    return spec(db, """
        collections: [{name: posts, indexes: []}]
        counters:
          - {name: post_id, seedFrom: {collection: posts, field: post_id}}
          - {name: reply_id, seedFrom: {collection: posts, field: reply_id}}
        """ + more);
  }

  /**
   * A creation in a collection that did not exist has nothing to scan: it is sent from the pass's
   * own thread. One in a collection that existed may build for long, and is sent from a build
   * thread while the pass's thread pings the server (IndexBuilds).
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aCreationInANewCollectionRunsInThePassAndOneInAnExistingCollectionIsWatched(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertOne(new Document("post_id", 1));
    SyncResult r = engine.sync(db, spec(db, BOT), operatorPass(backend, Engines.OWNER));
    assertThat(r.converged()).isTrue();
    assertThat(CREATE_THREADS.get(db.getName() + ".tasks")).isEqualTo(Thread.currentThread().getName());
    assertThat(CREATE_THREADS.get(db.getName() + ".posts")).startsWith("index-build-");
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

  // ---- counters over arrays and values that are not numbers

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void countersSeedAboveTheNumbersInArraysAndReportValuesThatAreNotNumbers(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    // Every order holds its lines in an array, so any order of these documents gives the same
    // answer (for FerretDB's sort of such paths, see the next test).
    db.getCollection("orders").insertMany(List.of(
        new Document("lines", List.of(new Document("id", 5), new Document("id", 900))),
        new Document("lines", List.of(new Document("id", 17)))));
    db.getCollection("items").insertMany(List.of(new Document("ids", 12), new Document("ids", List.of(3, 4000)),
        new Document("ids", 7)));
    db.getCollection("refs").insertMany(List.of(new Document("ref", 5), new Document("ref", "A-17"),
        new Document("ref", 77), new Document("ref", new ObjectId())));
    String body = """
        counters:
          - {name: line_id, seedFrom: {collection: orders, field: lines.id}}
          - {name: item_id, seedFrom: {collection: items, field: ids}}
          - {name: ref_id, seedFrom: {collection: refs, field: ref}}
        """;

    SyncResult r = engine.sync(db, spec(db, body), Engines.APPLY);

    assertThat(seq(db, "line_id")).isEqualTo(900L);
    assertThat(seq(db, "item_id")).isEqualTo(4000L);
    assertThat(seq(db, "ref_id")).as("the numeric max, the string and the ObjectId left out").isEqualTo(77L);
    assertThat(r.remainingReports()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("Unsupported counters.ref_id");
    assertThat(r.remainingReports().get(0).detail()).contains("refs.ref", "not numbers (objectid, string)");
    assertThat(r.converged()).isFalse();
    assertThat(engine.plan(db, spec(db, body), Engines.OWNER).changes()).as("seeded: nothing left to change").isEmpty();
  }

  /**
   * lines.id over arrays of subdocuments, next to a plain subdocument and an order without lines.
   * mongod sorts [{id: 5}, {id: 900}] by its largest element, first; mongo-java-server does too.
   * FerretDB v1.24 does not follow a dotted path into arrays when it sorts: such documents sort as
   * if the field were missing (ties in insertion order), so the reader would stop at the order
   * without lines (seed 0) or at {id: 300} (seed 300). That is a gap of the stand-in, not mongod's
   * behaviour (mongod sorts an array by its smallest element ascending and its largest descending,
   * https://www.mongodb.com/docs/manual/reference/method/cursor.sort/#sort-with-arrays), so this
   * case runs where the sort is mongod's.
   */
  @org.junit.jupiter.api.Test
  void aNestedSeedFieldInArraysBesidePlainValuesAndMissingOnesSeedsTheLargest() {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    db.getCollection("orders").insertMany(List.of(new Document("note", "no lines yet"),
        new Document("lines", new Document("id", 300)),
        new Document("lines", List.of(new Document("id", 5), new Document("id", 900))),
        new Document("lines", List.of(new Document("id", 17)))));
    String body = """
        counters:
          - {name: line_id, seedFrom: {collection: orders, field: lines.id}}
        """;
    SyncResult r = engine.sync(db, spec(db, body), Engines.APPLY);
    assertThat(r.converged()).as(r.remainingReports().toString()).isTrue();
    assertThat(seq(db, "line_id")).isEqualTo(900L);
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aCounterWhoseMaxABoundedReadCannotTellIsNotSeededAndIsReported(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    // 1000 arrays, each sorting above the one plain number: the bounded read ends on arrays.
    List<Document> batches = new ArrayList<>();
    for (int i = 0; i < SeedMaxReader.MAX_DOCUMENTS; i++) {
      batches.add(new Document("ids", List.of(i, 10_000 + i)));
    }
    batches.add(new Document("ids", 5));
    db.getCollection("batches").insertMany(batches);
    String body = """
        counters:
          - {name: batch_id, seedFrom: {collection: batches, field: ids}}
        """;

    SyncResult r = engine.sync(db, spec(db, body), Engines.APPLY);

    assertThat(r.plan().actions()).extracting(Action::type).doesNotContain(ActionType.SeedCounter);
    assertThat(seq(db, "batch_id")).as("no counter document").isNull();
    assertThat(r.remainingReports()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("Unsupported counters.batch_id");
    assertThat(r.remainingReports().get(0).detail()).contains("cannot find the max of batches.ids",
        "the counter is not seeded");
    assertThat(r.converged()).isFalse();
  }

  // ---- one permanent error does not end the apply

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aDuplicateCountThatFailsTooFailsThatIndexAloneAndTheRestIsApplied(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 3), new Document("post_id", 3),
        new Document("post_id", 8)));
    AtomicInteger counts = new AtomicInteger();
    DuplicateCounter overTimeLimit = (collection, index) -> {
      counts.incrementAndGet();
      throw new Failure.Permanent(Reason.Failed, 50, "aggregate posts: operation exceeded time limit");
    };
    SchemaEngine slowCount = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), overTimeLimit);
    String body = """
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
              - {name: message_link_norm_1, keys: [{field: message_link_norm}]}
              - {name: channel_created, keys: [{field: created_at, order: -1}, {field: channel, order: 1}]}
        counters:
          - name: post_id
            seedFrom: {collection: posts, field: post_id}
        """;

    SyncResult r = slowCount.sync(db, spec(db, body), Engines.APPLY);

    assertThat(counts).as("the count behind the refused build ran").hasPositiveValue();
    assertThat(states(r)).containsEntry("posts.post_id_unique", IndexState.Failed)
        .containsEntry("posts.message_link_norm_1", IndexState.Created)
        .containsEntry("posts.channel_created", IndexState.Created);
    Outcome failed = outcomeOf(r, "post_id_unique");
    assertThat(failed.result()).isEqualTo(ActionType.Failed);
    assertThat(failed.message()).startsWith("createIndexes posts: ")
        .contains("; counting its duplicates failed too: aggregate posts: operation exceeded time limit");
    assertThat(indexNames(db, "posts")).containsExactlyInAnyOrder("_id_", "message_link_norm_1", "channel_created");
    assertThat(seq(db, "post_id")).isEqualTo(8L);
    assertThat(r.converged()).isFalse();
  }

  // ---- a build that duplicates blocked is counted, not rebuilt

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aBuildTheCheckSelectsIsCountedInsteadOfBuiltWhileDuplicatesRemainAndBuiltOnceTheyAreGone(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 1), new Document("post_id", 1),
        new Document("post_id", 2)));
    String body = """
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
              - {name: message_link_norm_1, keys: [{field: message_link_norm}]}
        """;
    // As the operator passes it for an index whose last build duplicates blocked.
    SchemaEngine.Pass recount = new SchemaEngine.Pass(Engines.OWNER, false, a -> a.name().equals("post_id_unique"),
        SchemaApplier.Progress.NONE);

    COMMANDS.clear();
    SyncResult blocked = engine.sync(db, spec(db, body), recount);

    List<String> built = createdIndexes(db);
    assertThat(built).as("createIndexes sent").contains("message_link_norm_1").doesNotContain("post_id_unique");
    assertThat(COMMANDS.in(db.getName())).as("the bounded count ran instead")
        .anyMatch(c -> c.name().equals("aggregate") && "posts".equals(c.collection()));
    Action report = blocked.plan().actions().stream().filter(a -> a.name().equals("post_id_unique")).findFirst()
        .orElseThrow();
    assertThat(report.type()).isEqualTo(ActionType.BlockedByDuplicates);
    assertThat(report.detail()).startsWith("1 duplicate key group, e.g. {post_id=1} x2");
    assertThat(blocked.outcomes()).extracting(o -> o.action().name()).doesNotContain("post_id_unique");
    assertThat(states(blocked)).containsEntry("posts.post_id_unique", IndexState.BlockedByDuplicates)
        .containsEntry("posts.message_link_norm_1", IndexState.Created);
    assertThat(indexNames(db, "posts")).doesNotContain("post_id_unique");

    db.getCollection("posts").deleteOne(new Document("post_id", 1));
    COMMANDS.clear();
    SyncResult clean = engine.sync(db, spec(db, body), recount);

    assertThat(createdIndexes(db)).containsExactly("post_id_unique");
    assertThat(outcomeOf(clean, "post_id_unique").result()).isEqualTo(ActionType.CreateIndex);
    assertThat(states(clean)).containsEntry("posts.post_id_unique", IndexState.Created);
    assertThat(clean.converged()).isTrue();
    assertThat(indexNames(db, "posts")).contains("post_id_unique");
  }

  /** The index names of the createIndexes commands sent to {@code db} since the last clear. */
  static List<String> createdIndexes(MongoDatabase db) {
    return COMMANDS.in(db.getName()).stream().filter(c -> c.name().equals("createIndexes"))
        .flatMap(c -> c.indexes().stream()).toList();
  }

  // ---- two schemas, one collection

  static final Owner TEAM_A = new Owner("team-a", "users-app", null);
  static final Owner TEAM_B = new Owner("team-b", "reports", null);

  static final String USERS_A = """
      collections:
        - name: users
          indexes:
            - {name: email_unique, keys: [{field: email}], unique: true}
      counters:
        - {name: user_id, seedFrom: {collection: users, field: user_id}}
      """;

  /** Would drop A's index, build its own and raise A's counter, if it managed them. */
  static final String USERS_B = """
      collections:
        - name: users
          indexes:
            - {name: name_1, keys: [{field: name}]}
      counters:
        - {name: user_id, seedFrom: {collection: legacy_users, field: user_id}}
      policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
      """;

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aSecondSchemaLeavesWhatAnotherManagesAloneUntilThatOneIsDeleted(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("users").insertMany(List.of(new Document("email", "a@x").append("user_id", 7),
        new Document("email", "b@x").append("user_id", 9)));
    db.getCollection("legacy_users").insertOne(new Document("user_id", 10_000));
    assertThat(engine.sync(db, spec(db, USERS_A), SchemaEngine.Pass.apply(TEAM_A)).converged()).isTrue();
    List<Document> before = indexes(db, "users");

    COMMANDS.clear();
    SyncResult b = engine.sync(db, spec(db, USERS_B), SchemaEngine.Pass.apply(TEAM_B));

    assertThat(b.plan().actions()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("ManagedElsewhere users", "ManagedElsewhere counters.user_id");
    assertThat(b.plan().actions()).allSatisfy(a -> assertThat(a.detail())
        .startsWith("managed by MongoSchema team-a/users-app;"));
    assertThat(b.outcomes()).isEmpty();
    assertThat(b.converged()).isFalse();
    assertThat(COMMANDS.in(db.getName())).as("no write at all").noneMatch(c -> CommandRecorder.WRITES.contains(c.name()));
    assertThat(indexes(db, "users")).isEqualTo(before);
    assertThat(seq(db, "user_id")).isEqualTo(9L);

    // A is deleted, keeping its indexes (deletionPolicy Retain): its records go, and B takes over.
    List<Outcome> released = engine.delete(db, spec(db, USERS_A), TEAM_A, false);
    assertThat(released).extracting(o -> o.action().type() + " " + o.action().subject())
        .containsExactlyInAnyOrder("Release users", "Release counters.user_id");
    assertThat(released).allMatch(Outcome::applied);
    assertThat(owners(db)).isEmpty();
    assertThat(indexNames(db, "users")).contains("email_unique");

    SyncResult taken = engine.sync(db, spec(db, USERS_B), SchemaEngine.Pass.apply(TEAM_B));
    assertThat(taken.converged()).as(taken.remainingReports().toString()).isTrue();
    assertThat(indexNames(db, "users")).containsExactlyInAnyOrder("_id_", "name_1");
    assertThat(seq(db, "user_id")).isEqualTo(10_000L);
    assertThat(owners(db)).containsExactly(Map.entry("collection:users", "team-b/reports"),
        Map.entry("counter:counters$user_id", "team-b/reports"));
  }

  /**
   * Both plan before either claims (a barrier in the progress callback holds each at its claim),
   * so the one atomic claim decides: the loser learns at the claim itself and touches nothing.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void twoSchemasClaimingAFreshCollectionAtOnceOneWinsAndTheOtherIsToldWhich(MongoBackend backend) throws Exception {
    SchemaEngine other = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        MongoDatabase db = freshDatabase(backend);
        MongoSchemaSpec a = spec(db, "collections: [{name: users, indexes: [{name: a_1, keys: [{field: a}]}]}]\n");
        MongoSchemaSpec b = spec(db, "collections: [{name: users, indexes: [{name: b_1, keys: [{field: b}]}]}]\n");
        CountDownLatch go = new CountDownLatch(1);
        CyclicBarrier bothPlanned = new CyclicBarrier(2);
        SchemaApplier.Progress atClaim = step -> {
          if (step.startsWith("Claim")) {
            try {
              bothPlanned.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("the other schema never reached its claim", e);
            }
          }
        };
        Future<SyncResult> fa = pool.submit(() -> {
          go.await();
          return engine.sync(db, a, new SchemaEngine.Pass(TEAM_A, false, SchemaEngine.DuplicateCheck.NONE, atClaim));
        });
        Future<SyncResult> fb = pool.submit(() -> {
          go.await();
          return other.sync(db, b, new SchemaEngine.Pass(TEAM_B, false, SchemaEngine.DuplicateCheck.NONE, atClaim));
        });
        go.countDown();
        SyncResult ra = fa.get(60, TimeUnit.SECONDS);
        SyncResult rb = fb.get(60, TimeUnit.SECONDS);

        assertThat(List.of(ra.converged(), rb.converged())).as("round %d", round).containsExactlyInAnyOrder(true, false);
        boolean aWon = ra.converged();
        SyncResult loser = aWon ? rb : ra;
        Owner winner = aWon ? TEAM_A : TEAM_B;
        assertThat(loser.plan().actions()).extracting(Action::type).containsExactly(ActionType.Claim,
            ActionType.CreateIndex);
        assertThat(loser.outcomes()).extracting(o -> o.result() + ": " + o.message()).as("round %d", round)
            .containsExactly("ManagedElsewhere: managed by MongoSchema " + winner + ", which claimed it first",
                "ManagedElsewhere: managed by MongoSchema " + winner);
        assertThat(indexNames(db, "users")).as("round %d", round)
            .containsExactlyInAnyOrder("_id_", aWon ? "a_1" : "b_1");
        assertThat(owners(db)).containsExactly(Map.entry("collection:users", winner.toString()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The claims of a pass go in one unordered insert: two schemas racing for the same two fresh
   * collections may each win one, but every collection ends with exactly one owner, and only that
   * owner's index is built in it.
   */
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void twoSchemasClaimingTheSameCollectionsAtOnceLeaveEachWithExactlyOneOwner(MongoBackend backend) throws Exception {
    SchemaEngine other = new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        MongoDatabase db = freshDatabase(backend);
        String body = "collections:\n  - {name: users, indexes: [{name: %1$s_1, keys: [{field: %1$s}]}]}\n"
            + "  - {name: orders, indexes: [{name: %1$s_1, keys: [{field: %1$s}]}]}\n";
        CyclicBarrier bothPlanned = new CyclicBarrier(2);
        SchemaApplier.Progress atClaim = step -> {
          if (step.startsWith("Claim")) {
            try {
              bothPlanned.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("the other schema never reached its claim", e);
            }
          }
        };
        Future<SyncResult> fa = pool.submit(() -> engine.sync(db, spec(db, body.formatted("a")),
            new SchemaEngine.Pass(TEAM_A, false, SchemaEngine.DuplicateCheck.NONE, atClaim, null, null, client(backend))));
        Future<SyncResult> fb = pool.submit(() -> other.sync(db, spec(db, body.formatted("b")),
            new SchemaEngine.Pass(TEAM_B, false, SchemaEngine.DuplicateCheck.NONE, atClaim, null, null, client(backend))));
        SyncResult ra = fa.get(60, TimeUnit.SECONDS);
        SyncResult rb = fb.get(60, TimeUnit.SECONDS);

        Map<String, String> owners = owners(db);
        assertThat(owners).as("round %d", round).containsOnlyKeys("collection:users", "collection:orders");
        for (String c : List.of("users", "orders")) {
          boolean aHolds = owners.get("collection:" + c).equals(TEAM_A.toString());
          assertThat(indexNames(db, c)).as("round %d %s", round, c).containsExactlyInAnyOrder("_id_", aHolds ? "a_1" : "b_1");
          SyncResult loser = aHolds ? rb : ra;
          assertThat(loser.outcomes()).filteredOn(o -> o.action().collection().equals(c))
              .extracting(o -> o.result() + " " + o.applied()).as("round %d %s", round, c)
              .containsOnly("ManagedElsewhere false");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void theOperatorTakesOverWhatTheCliRecordedButNotWhatAnotherObjectOfTheSameNameHolds(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("users").insertOne(new Document("email", "a@x").append("user_id", 7));
    Owner cli = new Owner("apps", "shop", null);
    Owner operator = new Owner("apps", "shop", "uid-1");
    Owner recreated = new Owner("apps", "shop", "uid-2");

    assertThat(engine.sync(db, spec(db, USERS_A), SchemaEngine.Pass.apply(cli)).converged()).isTrue();
    assertThat(owners(db)).containsOnlyKeys("collection:users", "counter:counters$user_id").containsValue("apps/shop");

    SyncResult stamped = engine.sync(db, spec(db, USERS_A), SchemaEngine.Pass.apply(operator));
    assertThat(stamped.outcomes()).extracting(o -> o.action().type() + " " + o.action().subject())
        .containsExactly("Claim users", "Claim counters.user_id");
    assertThat(stamped.outcomes()).allMatch(Outcome::applied);
    assertThat(owners(db)).containsOnly(Map.entry("collection:users", "apps/shop uid-1"),
        Map.entry("counter:counters$user_id", "apps/shop uid-1"));
    assertThat(engine.plan(db, spec(db, USERS_A), operator).actions()).as("stamped once").isEmpty();

    List<Document> before = indexes(db, "users");
    COMMANDS.clear();
    SyncResult refused = engine.sync(db, spec(db, USERS_B), SchemaEngine.Pass.apply(recreated));
    assertThat(refused.plan().actions()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("ManagedElsewhere users", "ManagedElsewhere counters.user_id");
    assertThat(refused.plan().actions()).allSatisfy(a -> assertThat(a.detail())
        .startsWith("managed by MongoSchema apps/shop (uid uid-1): another object with that name (this one has uid "
            + "uid-2)"));
    assertThat(COMMANDS.in(db.getName())).noneMatch(c -> CommandRecorder.WRITES.contains(c.name()));
    assertThat(indexes(db, "users")).isEqualTo(before);
    assertThat(owners(db)).containsValues("apps/shop uid-1");

    // The CLI, which has no uid, still acts as that schema.
    assertThat(engine.plan(db, spec(db, USERS_A), cli).actions()).isEmpty();
  }

  // --- What a hostile review found ---

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aRebuildIntoAUniqueIndexOverDuplicatesLeavesTheOldIndexInPlace(MongoBackend backend) {
    // Before: under Recreate the old index was dropped, the build failed on the duplicates, and the
    // collection was left without it.
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("c").createIndex(Indexes.ascending("a"), new IndexOptions().name("u"));
    db.getCollection("c").insertMany(List.of(new Document("a", 1).append("b", 1), new Document("a", 1).append("b", 1)));
    for (String keys : List.of("[{field: a}]", "[{field: a}, {field: b}]")) {
      String body = "collections:\n  - name: c\n    indexes:\n      - {name: u, keys: " + keys + ", unique: true}\n"
          + "policy: {onConflict: Recreate, dropStrategy: Immediate}\n";
      SyncResult r = engine.sync(db, spec(db, body), Engines.APPLY);
      assertThat(states(r)).as(keys).containsEntry("c.u", IndexState.BlockedByDuplicates);
      assertThat(indexes(db, "c")).as(keys).anySatisfy(d -> {
        assertThat(d.getString("name")).isEqualTo("u");
        assertThat(d.get("key", Document.class).keySet()).containsExactly("a");
      });
    }
  }

  @org.junit.jupiter.api.Test
  void aRebuildTheServerRefusesPutsThePreviousDefinitionBack() {
    // FerretDB refuses TTL (238): Recreate drops the index to rebuild it with a TTL, the build is
    // refused, and the index it had comes back.
    MongoDatabase db = freshDatabase(MongoBackend.FERRETDB);
    db.getCollection("events").createIndex(Indexes.ascending("ts"), new IndexOptions().name("ts_1"));
    SyncResult r = engine.sync(db, spec(db, "collections:\n  - name: events\n    indexes:\n"
        + "      - {name: ts_1, keys: [{field: ts}], expireAfterSeconds: 60}\npolicy: {onConflict: Recreate, dropStrategy: Immediate}\n"),
        Engines.APPLY);
    assertThat(states(r)).containsEntry("events.ts_1", IndexState.Unsupported);
    assertThat(r.remainingReports()).anySatisfy(a -> assertThat(a.detail()).contains("previous definition was put back"));
    assertThat(indexes(db, "events")).extracting(d -> d.getString("name")).containsExactly("_id_", "ts_1");
  }

  @org.junit.jupiter.api.Test
  void duplicatesAreCountedAsTheUniqueIndexSeesThemInArraysAndAsNullForMissingFields() {
    // mongo-java-server runs the pipeline mongod would; FerretDB v1 lacks $ifNull, and falls back
    // to grouping the plain values.
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    db.getCollection("arr").insertMany(List.of(Document.parse("{a: [1, 2]}"), Document.parse("{a: [2, 3]}"),
        Document.parse("{a: [5, 5]}")));
    db.getCollection("nul").insertMany(List.of(Document.parse("{a: null}"), Document.parse("{b: 2}")));
    db.getCollection("sub").insertMany(List.of(Document.parse("{a: [{x: 1}, {x: 2}]}"), Document.parse("{a: {x: 2}}")));
    String body = """
        collections:
          - name: arr
            indexes: [{name: u, keys: [{field: a}], unique: true}]
          - name: nul
            indexes: [{name: u, keys: [{field: a}], unique: true}]
          - name: sub
            indexes: [{name: u, keys: [{field: a.x}], unique: true}]
        """;
    Plan plan = engine.plan(db, spec(db, body), Engines.OWNER);
    assertThat(plan.actions()).filteredOn(a -> a.type() == ActionType.BlockedByDuplicates)
        .extracting(a -> a.collection() + " " + a.detail())
        .containsExactlyInAnyOrder("arr 1 duplicate key group, e.g. {a=2} x2; run a MongoMigration with deduplicate.keys "
            + "[a], then apply again", "nul 1 duplicate key group, e.g. {a=null} x2; run a MongoMigration with "
            + "deduplicate.keys [a], then apply again", "sub 1 duplicate key group, e.g. {a.x=2} x2; run a MongoMigration "
            + "with deduplicate.keys [a.x], then apply again");
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aCounterWhoseSeqIsNotANumberIsReportedNotClaimedAsSeeded(MongoBackend backend) {
    // Before: apply printed "seq >= 50" and exited 0, and seq was still "abc" ($max never replaces a string).
    MongoDatabase db = freshDatabase(backend);
    db.getCollection("src").insertOne(new Document("n", 50));
    db.getCollection("counters").insertOne(new Document("_id", "c").append("seq", "abc"));
    SyncResult r = engine.sync(db, spec(db, "counters:\n  - {name: c, seedFrom: {collection: src, field: n}}\n"),
        Engines.APPLY);
    assertThat(r.plan().actions()).extracting(a -> a.type() + " " + a.subject())
        .containsExactly("Claim counters.c", "Unsupported counters.c");
    assertThat(r.remainingReports().get(0).detail()).contains("seq holds a string").contains("set seq to a number");
    assertThat(r.converged()).isFalse();
    assertThat(db.getCollection("counters").find().first().get("seq")).isEqualTo("abc");
  }

  @org.junit.jupiter.api.Test
  void aCollisionOnAnotherIndexOfTheMetadataCollectionIsNotTakenForAnotherOwner() {
    // Before: an 11000 from any unique index on mongosteward read as "managed by MongoSchema ?/?".
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    db.getCollection(MetadataStore.COLLECTION).createIndex(Indexes.ascending("kind"), new IndexOptions().unique(true));
    SyncResult r = engine.sync(db, spec(db, "collections:\n  - {name: a, indexes: []}\n  - {name: b, indexes: []}\n"),
        Engines.APPLY);
    Outcome second = r.outcomes().get(1);
    assertThat(second.result()).isEqualTo(ActionType.Failed);
    assertThat(second.message()).contains("11000").doesNotContain("?/?").doesNotContain("managed by");
  }
}
