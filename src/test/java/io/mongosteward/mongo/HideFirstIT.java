package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Specs;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.Engines;
import io.mongosteward.testsupport.HiddenIndexStandIn;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * policy.dropStrategy HideFirst over the wire: the commands each pass sends, recorded by the
 * driver's CommandListener, on a server that hides indexes as mongod documents it
 * ({@link HiddenIndexStandIn}); the clock is injected, so the day's wait takes no time. And the
 * plain stand-ins, which refuse collMod: Unsupported, and nothing dropped.
 */
class HideFirstIT {
  private static final AtomicInteger DB = new AtomicInteger();
  private static final CommandRecorder COMMANDS = new CommandRecorder();
  private static final ClientRegistry CLIENTS =
      new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), List.of(COMMANDS));
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static final String DROP = """
      collections:
        - name: posts
          indexes:
            - {name: a_1, keys: [{field: a}]}
      policy: {unmanagedIndexes: Drop, hiddenFor: 1h}
      """;

  @AfterAll
  static void close() {
    CLIENTS.close();
  }

  @BeforeEach
  void clear() {
    COMMANDS.clear();
  }

  static MongoDatabase fresh(String uri) {
    MongoClient client = CLIENTS.connect(MongoUri.parse(uri), null);
    MongoDatabase db = client.getDatabase("it_hide_" + DB.incrementAndGet());
    db.getCollection("posts").insertOne(new Document("a", 1).append("legacy", 1));
    db.getCollection("posts").createIndex(Indexes.ascending("a"));
    db.getCollection("posts").createIndex(Indexes.ascending("legacy"));
    COMMANDS.clear();
    return db;
  }

  static SchemaEngine engineAt(Instant now) {
    return new SchemaEngine(new Retrier(RetryPolicy.DEFAULT, Redactor.none()),
        new DuplicateFinder(Timeouts.DUPLICATE_SEARCH), Clock.fixed(now, ZoneOffset.UTC));
  }

  static MongoSchemaSpec spec(MongoDatabase db, String body) {
    return Specs.spec("database: " + db.getName() + "\n" + body.stripIndent());
  }

  /** The writes sent to this database, as "command collection". */
  static List<String> writes(MongoDatabase db) {
    return COMMANDS.in(db.getName()).stream().filter(c -> CommandRecorder.WRITES.contains(c.name()))
        .map(c -> c.name() + " " + c.collection()).toList();
  }

  static Document legacy(MongoDatabase db) {
    return db.getCollection("posts").listIndexes().into(new ArrayList<>()).stream()
        .filter(d -> "legacy_1".equals(d.getString("name"))).findFirst().orElse(null);
  }

  @SuppressWarnings("unchecked")
  static List<Document> hiddenRecord(MongoDatabase db) {
    Document record = db.getCollection(MetadataStore.COLLECTION).find(new Document("_id", "collection:posts")).first();
    return record == null || record.get("hidden") == null ? List.of() : (List<Document>) record.get("hidden", List.class);
  }

  @Test
  void hideThenWaitThenDropAcrossARestart() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());

    // Pass 1: claim (the insert of its record), collMod hidden: true, then (only then) the hidden-at time is recorded.
    SyncResult first = engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(first.outcomes()).allMatch(Outcome::applied);
    assertThat(writes(db)).containsExactly("insert mongosteward", "collMod posts", "update mongosteward");
    assertThat(legacy(db).get("hidden")).isEqualTo(true);
    assertThat(hiddenRecord(db)).singleElement().satisfies(h -> {
      assertThat(h.getString("index")).isEqualTo("legacy_1");
      assertThat(h.get("at", Date.class).toInstant()).isEqualTo(T0);
    });

    // Pass 2, 30 minutes later: the wait, and no write.
    COMMANDS.clear();
    SyncResult waiting = engineAt(T0.plus(Duration.ofMinutes(30))).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(writes(db)).isEmpty();
    assertThat(waiting.plan().actions()).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo(ActionType.DropScheduled);
      assertThat(((Action.DropScheduled) a).dropAfter()).isEqualTo(T0.plus(Duration.ofHours(1)));
    });
    assertThat(waiting.converged()).isTrue();

    // A restarted operator (a new engine) 59 minutes in: the recorded time holds, still no write.
    COMMANDS.clear();
    engineAt(T0.plus(Duration.ofMinutes(59))).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(writes(db)).isEmpty();

    // The first pass after hiddenFor: the drop, then the record cleared.
    COMMANDS.clear();
    SyncResult dropped = engineAt(T0.plus(Duration.ofMinutes(61))).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(dropped.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.applied()).isTrue();
      assertThat(o.action().type()).isEqualTo(ActionType.DropIndex);
    });
    assertThat(writes(db)).containsExactly("dropIndexes posts", "update mongosteward");
    assertThat(legacy(db)).isNull();
    assertThat(hiddenRecord(db)).isEmpty();
  }

  @Test
  void declaredAgainBeforeTheDropIsUnhiddenWithoutARebuild() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());
    engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(legacy(db).get("hidden")).isEqualTo(true);

    COMMANDS.clear();
    String back = """
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_1, keys: [{field: legacy}]}
        policy: {unmanagedIndexes: Drop, hiddenFor: 1h}
        """;
    SyncResult unhidden = engineAt(T0.plus(Duration.ofMinutes(10))).sync(db, spec(db, back), Engines.APPLY);
    assertThat(unhidden.outcomes()).singleElement().satisfies(o -> {
      assertThat(o.applied()).isTrue();
      assertThat(o.action().type()).isEqualTo(ActionType.UnhideIndex);
    });
    // collMod hidden: false and the record cleared: no dropIndexes, no createIndexes.
    assertThat(writes(db)).containsExactly("collMod posts", "update mongosteward");
    assertThat(legacy(db)).isNotNull();
    assertThat(legacy(db).get("hidden")).isNull();
    assertThat(hiddenRecord(db)).isEmpty();
    // And it stays: a day later nothing is dropped.
    COMMANDS.clear();
    assertThat(engineAt(T0.plus(Duration.ofDays(1))).sync(db, spec(db, back), Engines.APPLY).plan().actions()).isEmpty();
    assertThat(writes(db)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void theStandInsRefuseToHideUnsupportedNamingTheFixAndDropNothing(MongoBackend backend) {
    MongoDatabase db = fresh(backend.uri());
    SyncResult refused = engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(refused.remainingReports()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(ActionType.Unsupported);
      assertThat(r.name()).isEqualTo("legacy_1");
      // As docs/compatibility.md says: mongo-java-server has no collMod (59), FerretDB refuses it (238).
      assertThat(r.detail()).contains("cannot hide it before the drop")
          .contains(backend == MongoBackend.FERRETDB ? "code 238" : "code 59")
          .contains("set spec.policy.dropStrategy: Immediate");
    });
    assertThat(refused.converged()).isFalse();
    assertThat(legacy(db)).isNotNull();
    assertThat(hiddenRecord(db)).isEmpty();
    assertThat(writes(db)).doesNotContain("dropIndexes posts");

    SyncResult immediate = engineAt(T0).sync(db, spec(db, DROP.replace("hiddenFor: 1h", "dropStrategy: Immediate")),
        Engines.APPLY);
    assertThat(immediate.converged()).isTrue();
    assertThat(legacy(db)).isNull();
  }

  /**
   * A TTL change the server cannot make in place, under Recreate and the default HideFirst: a
   * rebuild at once, as a Recreate always is, not hidden first (hiding would hide the name the
   * declared index needs).
   */
  @ParameterizedTest
  @EnumSource(value = MongoBackend.class, names = "MONGO_JAVA_SERVER")
  void aRebuildInsteadOfCollModIsNotHiddenFirst(MongoBackend backend) {
    MongoDatabase db = fresh(backend.uri());
    String ttl = """
        collections:
          - name: events
            indexes:
              - {name: ts_1, keys: [{field: ts}], expireAfterSeconds: %d}
        policy: {onConflict: Recreate}
        """;
    assertThat(engineAt(T0).sync(db, spec(db, ttl.formatted(60)), Engines.APPLY).converged()).isTrue();
    COMMANDS.clear();
    SyncResult rebuilt = engineAt(T0).sync(db, spec(db, ttl.formatted(120)), Engines.APPLY);
    assertThat(rebuilt.converged()).isTrue();
    assertThat(writes(db)).containsExactly("collMod events", "dropIndexes events", "createIndexes events");
    assertThat(db.getCollection("events").listIndexes().into(new ArrayList<>())).anySatisfy(d -> {
      assertThat(d.getString("name")).isEqualTo("ts_1");
      assertThat(((Number) d.get("expireAfterSeconds")).longValue()).isEqualTo(120L);
    });
  }

  @Test
  void aHiddenIndexDeclaredAgainUnderANewNameIsUnhiddenNotBuiltAgain() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());
    engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(legacy(db).get("hidden")).isEqualTo(true);

    COMMANDS.clear();
    String renamed = """
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_renamed, keys: [{field: legacy}]}
        policy: {unmanagedIndexes: Drop, hiddenFor: 1h}
        """;
    SyncResult pass = engineAt(T0.plus(Duration.ofMinutes(10))).sync(db, spec(db, renamed), Engines.APPLY);
    assertThat(pass.converged()).isTrue();
    // collMod hidden: false on legacy_1 and its record cleared: no createIndexes, no dropIndexes.
    assertThat(writes(db)).containsExactly("collMod posts", "update mongosteward");
    assertThat(legacy(db)).isNotNull();
    assertThat(legacy(db).get("hidden")).isNull();
    assertThat(hiddenRecord(db)).isEmpty();
    assertThat(pass.plan().actions()).anySatisfy(a -> {
      assertThat(a.type()).isEqualTo(ActionType.NameMismatch);
      assertThat(a.name()).isEqualTo("legacy_renamed");
    });
    // A day later: still one index on legacy, visible, and nothing written.
    COMMANDS.clear();
    assertThat(engineAt(T0.plus(Duration.ofDays(1))).sync(db, spec(db, renamed), Engines.APPLY).plan().changes())
        .isEmpty();
    assertThat(writes(db)).isEmpty();
  }

  @Test
  void aHiddenIndexPutBackWithOtherOptionsUnderRecreateIsRebuiltVisibleAtOnce() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());
    engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(legacy(db).get("hidden")).isEqualTo(true);

    COMMANDS.clear();
    String back = """
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_1, keys: [{field: legacy}], sparse: true}
        policy: {unmanagedIndexes: Drop, hiddenFor: 1h, onConflict: Recreate}
        """;
    SyncResult pass = engineAt(T0.plus(Duration.ofMinutes(10))).sync(db, spec(db, back), Engines.APPLY);
    assertThat(pass.converged()).isTrue();
    assertThat(writes(db)).containsExactly("dropIndexes posts", "createIndexes posts", "update mongosteward");
    assertThat(legacy(db).get("sparse")).isEqualTo(true);
    assertThat(legacy(db).get("hidden")).as("visible, as declared").isNull();
    assertThat(hiddenRecord(db)).isEmpty();
  }

  @Test
  void aSchemaDeletedUnderRetainUnhidesWhatItHidAndLeavesNoRecord() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());
    engineAt(T0).sync(db, spec(db, DROP), Engines.APPLY);
    assertThat(legacy(db).get("hidden")).isEqualTo(true);

    COMMANDS.clear();
    List<Outcome> done = engineAt(T0.plus(Duration.ofMinutes(10))).delete(db, spec(db, DROP), Engines.OWNER, false);
    assertThat(done).allMatch(Outcome::applied);
    assertThat(writes(db)).containsExactly("collMod posts", "update mongosteward", "delete mongosteward");
    assertThat(legacy(db)).isNotNull();
    assertThat(legacy(db).get("hidden")).isNull();
    assertThat(db.getCollection(MetadataStore.COLLECTION).countDocuments(new Document("_id", "collection:posts")))
        .isZero();
  }

  @Test
  void aNewIndexNeedingAHiddenOnesKeyPatternIsNotConvergedUntilItIsBuilt() {
    MongoDatabase db = fresh(HiddenIndexStandIn.uri());
    String ttl = """
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_ttl, keys: [{field: legacy}], expireAfterSeconds: 60}
        policy: {unmanagedIndexes: Drop, hiddenFor: 1h}
        """;
    // legacy_1 must go before legacy_ttl (same keys; a TTL does not tell them apart): hidden first.
    SyncResult first = engineAt(T0).sync(db, spec(db, ttl), Engines.APPLY);
    assertThat(writes(db)).containsExactly("insert mongosteward", "collMod posts", "update mongosteward");
    assertThat(first.plan().actions()).anySatisfy(a -> assertThat(a.type()).isEqualTo(ActionType.WaitsForDrop));
    assertThat(first.converged()).as("legacy_ttl is declared and not there").isFalse();

    COMMANDS.clear();
    SyncResult waiting = engineAt(T0.plus(Duration.ofMinutes(30))).sync(db, spec(db, ttl), Engines.APPLY);
    assertThat(writes(db)).isEmpty();
    assertThat(waiting.converged()).isFalse();

    COMMANDS.clear();
    SyncResult built = engineAt(T0.plus(Duration.ofMinutes(61))).sync(db, spec(db, ttl), Engines.APPLY);
    assertThat(writes(db)).containsExactly("dropIndexes posts", "update mongosteward", "createIndexes posts");
    assertThat(built.converged()).isTrue();
    assertThat(legacy(db)).isNull();
  }
}
