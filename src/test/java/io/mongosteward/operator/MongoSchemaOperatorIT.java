package io.mongosteward.operator;

import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import eu.rekawek.toxiproxy.Proxy;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator on a real API server, against a real MongoDB-wire server. */
class MongoSchemaOperatorIT {
  static MongoClient mongo;
  OperatorHarness op;

  @BeforeAll
  static void connect() {
    mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri());
  }

  @AfterAll
  static void disconnect() {
    mongo.close();
  }

  @AfterEach
  void stop() {
    if (op != null) op.close();
  }

  static String spec(String db, String extra) {
    return spec(db, "", extra);
  }

  /** The bot schema; {@code moreIndexes} are extra entries for posts, {@code extra} extra spec fields. */
  static String spec(String db, String moreIndexes, String extra) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
              - {name: channel_created, keys: [{field: created_at, order: -1}, {field: channel}]}
        %scounters:
          - name: post_id
            seedFrom: {collection: posts, field: post_id}
        """.formatted(db, moreIndexes) + extra;
  }

  static List<String> indexNames(MongoDatabase db, String collection) {
    return db.getCollection(collection).listIndexes().into(new ArrayList<>()).stream().map(d -> d.getString("name")).toList();
  }

  @Test
  void convergesToReadyAndFollowsEditsAndRepairsDrift() {
    op = new OperatorHarness("converge");
    MongoDatabase db = mongo.getDatabase("op_converge");
    db.getCollection("posts").insertOne(new Document("post_id", 42));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), ""));

    op.awaitReady("bot", "True", Reason.Synced.name());
    MongoSchema s = op.get("bot");
    assertThat(s.getStatus().getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
    assertThat(s.getStatus().getIndexSummary()).isEqualTo("2/2");
    assertThat(s.getStatus().getIndexes()).as("only indexes that need a look are listed").isEmpty();
    assertThat(s.getStatus().getCounters()).extracting(c -> c.getName() + "=" + c.getValue()).containsExactly("post_id=42");
    assertThat(s.getStatus().getServer().getVersion()).isNotBlank();
    Document compound = db.getCollection("posts").listIndexes().into(new ArrayList<>()).stream()
        .filter(d -> d.getString("name").equals("channel_created")).findFirst().orElseThrow();
    assertThat(new ArrayList<>(compound.get("key", Document.class).keySet())).containsExactly("created_at", "channel");

    // An edit: a new index; observedGeneration follows.
    op.apply("bot", spec(db.getName(), "      - {name: link_1, keys: [{field: message_link_norm}]}\n", ""));
    eventually().until(() -> {
      MongoSchema now = op.get("bot");
      return now.getMetadata().getGeneration() == 2L && now.getStatus().getObservedGeneration() == 2L
          && "3/3".equals(now.getStatus().getIndexSummary());
    });
    assertThat(indexNames(db, "posts")).contains("link_1");

    // Drift: an index dropped by hand comes back on the next resync.
    db.getCollection("posts").dropIndex("channel_created");
    eventually().until(() -> indexNames(db, "posts").contains("channel_created"));
  }

  @Test
  void missingSecretIsReportedThenCreatingItConverges() {
    op = new OperatorHarness("secret");
    op.apply("bot", spec("op_secret", ""));
    op.awaitReady("bot", "False", Reason.SecretNotFound.name());
    assertThat(op.ready("bot").getMessage()).contains("Secret " + op.namespace + "/mongo not found");

    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.awaitReady("bot", "True", Reason.Synced.name());
  }

  @Test
  void rotatingTheSecretReconcilesAgainstTheNewServerAndClosesTheOldClient() {
    op = new OperatorHarness("rotate");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec("op_rotate", ""));
    op.awaitReady("bot", "True", Reason.Synced.name());
    // Same spec, new Secret value: the poller sees it, the schema converges on the other server.
    op.secret("mongo", MongoBackend.FERRETDB.uri());
    try (MongoClient ferret = MongoClients.create(MongoBackend.FERRETDB.uri())) {
      eventually().until(() -> indexNames(ferret.getDatabase("op_rotate"), "posts").contains("channel_created"));
    }
    op.awaitReady("bot", "True", Reason.Synced.name());
    assertThat(op.app.health().details(op.app.health().readiness())).containsEntry("mongoClients", 1);
  }

  @Test
  void twoSchemasOnOneSecretShareOneReadPerIntervalAndBothFollowItsRotation() {
    op = new OperatorHarness("shared", s -> s.with(b -> b.secretPollInterval = Duration.ofSeconds(2)));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec("op_shared_a", ""));
    op.apply("other", spec("op_shared_b", ""));
    op.awaitReady("bot", "True", Reason.Synced.name());
    op.awaitReady("other", "True", Reason.Synced.name());

    // Counted by the API server: the only client reading Secrets now is this operator, whose
    // schemas (resynced every 2 s) both name one Secret. The window is 10 s from the first count
    // plus the last count's own latency (the API server's whole /metrics, slow on a slow machine):
    // 5 or 6 reads, 7 at its edges, where one read per schema per interval would make 10 or more.
    double before = secretGets();
    await().pollDelay(Duration.ZERO).during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofSeconds(1))
        .alias("at most one Secret GET per 2 s interval")
        .until(() -> secretGets() - before <= 7);
    assertThat(secretGets() - before).as("the Secret is still polled").isGreaterThanOrEqualTo(4);

    // A rotation reaches both schemas from that one read.
    op.secret("mongo", MongoBackend.FERRETDB.uri());
    try (MongoClient ferret = MongoClients.create(MongoBackend.FERRETDB.uri())) {
      eventually().until(() -> indexNames(ferret.getDatabase("op_shared_a"), "posts").contains("channel_created")
          && indexNames(ferret.getDatabase("op_shared_b"), "posts").contains("channel_created"));
    }
    op.awaitReady("bot", "True", Reason.Synced.name());
    op.awaitReady("other", "True", Reason.Synced.name());
  }

  private static final Pattern SECRET_GETS =
      Pattern.compile("(?m)^apiserver_request_total\\{([^}]*)\\} ([0-9.e+E]+)$");

  /** GET requests on secrets the API server has served since it started, from its own /metrics. */
  private double secretGets() {
    double n = 0;
    Matcher m = SECRET_GETS.matcher(op.client.raw("/metrics"));
    while (m.find()) {
      if (m.group(1).contains("verb=\"GET\"") && m.group(1).contains("resource=\"secrets\"")) {
        n += Double.parseDouble(m.group(2));
      }
    }
    return n;
  }

  @Test
  void refusedCredentialsAreStalledWithoutAHotLoop() {
    op = new OperatorHarness("auth");
    // mongo-java-server implements no authentication: the driver's handshake with credentials fails.
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri().replace("mongodb://", "mongodb://app:wrong@"));
    op.apply("bot", spec("op_auth", ""));
    op.awaitReady("bot", "False", Reason.AuthenticationFailed.name());
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(op.get("bot").getStatus().getConditions(), "Stalled"))
        .isTrue();
    double before = reconciles(op);
    assertThat(before).as("reconciles counted").isPositive();
    // Permanent: rechecked on a slow beat (5 s here; the 2 s resync may add one), never in a tight
    // loop, which would count dozens in these 3 s.
    org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(4))
        .until(() -> reconciles(op) - before <= 3);
  }

  private static double reconciles(OperatorHarness op) {
    return op.registry.find("operator.sdk.reconciliations.started").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  @Test
  void steadyResyncsWriteNoStatusAndRepeatNoEvent() {
    op = new OperatorHarness("steady");
    MongoDatabase db = mongo.getDatabase("op_steady");
    db.getCollection("posts").insertMany(List.of(new Document("post_id", 1), new Document("post_id", 1)));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), ""));
    op.awaitReady("bot", "False", Reason.BlockedByDuplicates.name());
    // One more pass settles what the first one wrote; from then on nothing changes.
    double settled = reconciles(op);
    eventually().until(() -> reconciles(op) >= settled + 1);
    String version = op.get("bot").getMetadata().getResourceVersion();
    double before = reconciles(op);
    // The harness resyncs every 2 s: wait for two more reconciles, then compare.
    eventually().until(() -> reconciles(op) >= before + 2);
    assertThat(op.get("bot").getMetadata().getResourceVersion()).as("no status write when nothing changed")
        .isEqualTo(version);
    assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> Reason.BlockedByDuplicates.name().equals(e.getReason()))).hasSize(1);
  }

  private static double successes(OperatorHarness op) {
    return op.registry.find("operator.sdk.reconciliations.success").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  /**
   * A restart (a new operator on the same schemas) whose first pass finds every status current
   * writes none of them and adds or updates no Event: a Ready one and a Stalled one alike.
   */
  @Test
  void aRestartThatFindsTheStatusesCurrentWritesNoStatusAndNoEvent() {
    OperatorHarness first = new OperatorHarness("restart");
    String ns = first.namespace;
    try {
      MongoDatabase dup = mongo.getDatabase("op_restart_dup");
      dup.getCollection("posts").insertMany(List.of(new Document("post_id", 1), new Document("post_id", 1)));
      first.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      first.apply("ready", spec("op_restart", ""));
      first.apply("blocked", spec(dup.getName(), ""));
      first.awaitReady("ready", "True", Reason.Synced.name());
      first.awaitReady("blocked", "False", Reason.BlockedByDuplicates.name());
      // One more pass of each settles what the first ones wrote (the ping of status.server among it).
      double settled = reconciles(first);
      eventually().until(() -> reconciles(first) >= settled + 2);
    } finally {
      first.app.close();
    }
    String ready = first.get("ready").getMetadata().getResourceVersion();
    var blockedBefore = first.get("blocked");
    String blocked = blockedBefore.getMetadata().getResourceVersion();
    var events = eventVersions(first);
    first.client.close();

    // A long resync: the only passes are the first pass of the new process.
    op = OperatorHarness.in(ns, s -> s.with(b -> b.resyncInterval = Duration.ofMinutes(10)));
    eventually().until(() -> successes(op) >= 2);
    assertThat(op.get("ready").getMetadata().getResourceVersion()).as("no write of a current Ready status")
        .isEqualTo(ready);
    var blockedAfter = op.get("blocked");
    assertThat(blockedAfter.getMetadata().getResourceVersion()).as("no write of a current Stalled status: %s then %s",
        io.fabric8.kubernetes.client.utils.Serialization.asYaml(blockedBefore.getStatus()),
        io.fabric8.kubernetes.client.utils.Serialization.asYaml(blockedAfter.getStatus())).isEqualTo(blocked);
    assertThat(eventVersions(op)).as("no Event added or repeated").isEqualTo(events);
  }

  /** {@code collections} collections of {@code perCollection} single-field indexes each, and one counter. */
  static String largeSpec(String db, int collections, int perCollection, int counters) {
    return largeSpec(db, collections, perCollection, counters, 0, 0);
  }

  /**
   * @param collectionPad characters added to each collection's name ("coll_N_xxx...")
   * @param indexPad characters added to each index's name
   */
  static String largeSpec(String db, int collections, int perCollection, int counters, int collectionPad, int indexPad) {
    String cpad = collectionPad == 0 ? "" : "_" + "c".repeat(collectionPad - 1);
    String ipad = indexPad == 0 ? "" : "_" + "i".repeat(indexPad - 1);
    StringBuilder sb = new StringBuilder("""
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        collections:
        """.formatted(db));
    for (int c = 0; c < collections; c++) {
      sb.append("  - name: coll_").append(c).append(cpad).append("\n    indexes:\n");
      for (int i = 0; i < perCollection; i++) {
        sb.append("      - {name: field_").append(i).append("_1").append(ipad).append(", keys: [{field: field_").append(i)
            .append("}]}\n");
      }
    }
    if (counters > 0) {
      sb.append("counters:\n");
      for (int k = 0; k < counters; k++) {
        sb.append("  - {name: counter_").append(k).append(", seedFrom: {collection: coll_0").append(cpad)
            .append(", field: field_0}}\n");
      }
    }
    return sb.toString();
  }

  /** Each Event in the namespace by name, with its resourceVersion: what a steady pass must not change. */
  static java.util.Map<String, String> eventVersions(OperatorHarness op) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream().collect(
        java.util.stream.Collectors.toMap(e -> e.getMetadata().getName(), e -> e.getMetadata().getResourceVersion()));
  }

  @Test
  void aLargeSchemaGivesAFewSummaryEventsAndASteadyResyncNone() {
    op = new OperatorHarness("manyevents");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("big", largeSpec("op_manyevents", 4, 50, 1));
    op.awaitReady("big", "True", Reason.Synced.name());
    assertThat(op.get("big").getStatus().getIndexSummary()).isEqualTo("200/200");

    var events = op.client.v1().events().inNamespace(op.namespace).list().getItems();
    // One per kind of change: the claims, the indexes, the counter's seed.
    assertThat(events).as("Events of a 200-index schema's first pass: %s", events.size()).hasSizeLessThanOrEqualTo(10);
    assertThat(events).extracting(e -> e.getReason()).containsExactlyInAnyOrder("Claim", "CreateIndex", "SeedCounter");
    assertThat(events).filteredOn(e -> "CreateIndex".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).startsWith("created 200 indexes in 4 collections; first: coll_0.field_0_1, "));

    // Steady resyncs (every 2 s here) create and update no Event.
    var before = eventVersions(op);
    double reconciles = reconciles(op);
    eventually().until(() -> reconciles(op) >= reconciles + 2);
    assertThat(eventVersions(op)).isEqualTo(before);
  }

  /** The object as the API server serves it (managedFields included), in bytes of JSON. */
  static int servedBytes(OperatorHarness op, String name) {
    String body = op.client.raw(op.client.getMasterUrl().toString().replaceAll("/$", "") + "/apis/mongosteward.io/v1alpha1/namespaces/"
        + op.namespace + "/mongoschemas/" + name);
    return body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  @Test
  void aSchemaAtTheCrdBoundsKeepsItsStatusCompact() {
    op = new OperatorHarness("bounds");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    // The CRD's bounds: 64 collections of 63 indexes (64 with _id_), 64 counters.
    // Long names too: collections of about 110 characters (mongo-java-server allows 128 for db.collection,
    // mongod 255), indexes of 64 (the CRD's bound).
    op.apply("big", largeSpec("op_bounds", 64, 63, 64, 103, 54));
    int[] largest = new int[2];
    eventually().atMost(java.time.Duration.ofMinutes(2)).until(() -> {
      MongoSchema s = op.get("big");
      if (s.getStatus() != null) {
        largest[0] = Math.max(largest[0], io.fabric8.kubernetes.client.utils.Serialization.asJson(s.getStatus()).length());
        largest[1] = Math.max(largest[1], servedBytes(op, "big"));
      }
      return s.getStatus() != null && "4032/4032".equals(s.getStatus().getIndexSummary());
    });
    op.awaitReady("big", "True", Reason.Synced.name());
    // One more pass, and measure again.
    double settled = reconciles(op);
    eventually().until(() -> reconciles(op) >= settled + 1);
    largest[0] = Math.max(largest[0], io.fabric8.kubernetes.client.utils.Serialization.asJson(op.get("big").getStatus()).length());
    largest[1] = Math.max(largest[1], servedBytes(op, "big"));
    int spec = io.fabric8.kubernetes.client.utils.Serialization.asJson(op.get("big").getSpec()).length();
    System.out.printf("MEASURED largest status %,d bytes, largest object %,d bytes, spec %,d bytes%n", largest[0], largest[1], spec);
    // Before the status was made compact: 888,415 bytes of status, 1,337,602 of object (etcd's limit: 1,572,864).
    assertThat(largest[0]).as("the status, in bytes of JSON").isLessThan(16_384);
    assertThat(largest[1]).as("the whole object as served, in bytes").isLessThan(spec + 64 * 1024);
  }

  /** The Event of {@code reason} on {@code name}, which must be the only one. */
  io.fabric8.kubernetes.api.model.Event onlyEvent(String name, Reason reason) {
    var matching = op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.name().equals(e.getReason())).toList();
    assertThat(matching).as("Events %s on %s", reason, name).hasSize(1);
    return matching.get(0);
  }

  @Test
  void aRepeatedWarningRaisesTheCountOfItsEventInsteadOfAddingOne() {
    op = new OperatorHarness("repeat");
    op.apply("bot", spec("op_repeat", ""));
    // Toggle between two failing states, twice.
    for (int round = 1; round <= 2; round++) {
      op.awaitReady("bot", "False", Reason.SecretNotFound.name());
      op.secret("mongo", "not-a-uri");
      op.awaitReady("bot", "False", Reason.InvalidConnectionString.name());
      op.client.secrets().inNamespace(op.namespace).withName("mongo").delete();
    }
    // Recover, then fail the same way once more.
    op.awaitReady("bot", "False", Reason.SecretNotFound.name());
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.awaitReady("bot", "True", Reason.Synced.name());
    op.client.secrets().inNamespace(op.namespace).withName("mongo").delete();
    op.awaitReady("bot", "False", Reason.SecretNotFound.name());

    // SecretNotFound four times: at first, after each toggle, after the recovery.
    eventually().untilAsserted(() -> assertThat(onlyEvent("bot", Reason.SecretNotFound).getCount()).isEqualTo(4));
    var notFound = onlyEvent("bot", Reason.SecretNotFound);
    assertThat(notFound.getType()).isEqualTo("Warning");
    assertThat(notFound.getMessage()).isEqualTo("Secret " + op.namespace + "/mongo not found");
    assertThat(notFound.getLastTimestamp()).isGreaterThanOrEqualTo(notFound.getFirstTimestamp());
    assertThat(onlyEvent("bot", Reason.InvalidConnectionString).getCount()).isEqualTo(2);
  }

  @Test
  void invalidSpecIsStalledWithoutRetrying() {
    op = new OperatorHarness("invalid");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    // The API server accepts it; only the operator's validation can see the two names for one index.
    op.apply("bot", spec("op_invalid", "").replace("- {name: channel_created, keys: [{field: created_at, order: -1}, "
        + "{field: channel}]}", "- {name: post_id_again, keys: [{field: post_id}], unique: true}"));
    op.awaitReady("bot", "False", Reason.InvalidSpec.name());
    MongoSchema s = op.get("bot");
    assertThat(op.ready("bot").getMessage()).contains("spec.collections[0].indexes[1]").contains("post_id_unique");
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(s.getStatus().getConditions(), "Stalled")).isTrue();
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(s.getStatus().getConditions(), "Reconciling")).isFalse();
    assertThat(indexNames(mongo.getDatabase("op_invalid"), "posts")).as("nothing written").isEmpty();
    // No retry: only the periodic resync (2 s here) comes back, never the framework's backoff,
    // which would count a reconcile per second at first. Counted from here: a status write that met
    // a newer version (409) before is retried by design, and under load the first passes can race.
    double retriesBefore = retries(op);
    double before = reconciles(op);
    org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(4))
        .until(() -> reconciles(op) - before <= 2 && retries(op) == retriesBefore);
  }

  @Test
  void aSecretThatIsNotAConnectionStringIsStalledWithItsReason() {
    op = new OperatorHarness("baduri");
    op.secret("mongo", "not-a-uri");
    op.apply("bot", spec("op_baduri", ""));
    op.awaitReady("bot", "False", Reason.InvalidConnectionString.name());
    assertThat(op.ready("bot").getMessage()).contains("Secret " + op.namespace + "/mongo key 'uri' is not a MongoDB "
        + "connection string");
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(op.get("bot").getStatus().getConditions(), "Stalled"))
        .isTrue();
  }

  /**
   * Reconciles the framework started as retries. JOSDK counts every start in one counter, tagged
   * with the retry's attempt number ("reconciliations.retries.number"): a retry is a start whose
   * attempt is not 0. (There is no counter of that name: a lookup by it always finds 0.)
   */
  static double retries(OperatorHarness op) {
    var starts = op.registry.find("operator.sdk.reconciliations.started").counters();
    assertThat(starts).as("JOSDK's start counter").isNotEmpty();
    return starts.stream().filter(c -> !"0".equals(c.getId().getTag("reconciliations.retries.number")))
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  @Test
  void pauseStopsAllWrites() {
    op = new OperatorHarness("pause");
    MongoDatabase db = mongo.getDatabase("op_pause");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), "policy: {paused: true}\n"));
    op.awaitReady("bot", "False", Reason.Paused.name());
    // 3 indexes and a counter seed, and the claims of the collection and the counter.
    assertThat(op.ready("bot").getMessage()).contains("5 change(s) wait");
    assertThat(indexNames(db, "posts")).isEmpty();
    assertThat(db.getCollection("counters").countDocuments()).isZero();
    assertThat(op.get("bot").getStatus().getIndexes()).extracting(i -> i.getState()).containsOnly(IndexState.Pending);

    op.apply("bot", spec(db.getName(), "policy: {paused: false}\n"));
    op.awaitReady("bot", "True", Reason.Synced.name());
    assertThat(indexNames(db, "posts")).contains("post_id_unique", "channel_created");
  }

  @Test
  void conflictUnderPolicyReportIsStalled() {
    op = new OperatorHarness("conflict");
    MongoDatabase db = mongo.getDatabase("op_conflict");
    db.getCollection("posts").createIndex(new Document("post_no", 1),
        new com.mongodb.client.model.IndexOptions().name("post_id_unique"));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), ""));
    op.awaitReady("bot", "False", Reason.Conflict.name());
    MongoSchema s = op.get("bot");
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(s.getStatus().getConditions(), "Stalled")).isTrue();
    assertThat(s.getStatus().getIndexes()).anySatisfy(i -> assertThat(i.getState()).isEqualTo(IndexState.Conflict));
  }

  /** The ids of the metadata records {@code name} in this harness's namespace holds in {@code db}. */
  static List<String> records(OperatorHarness op, MongoDatabase db, String name) {
    return db.getCollection("mongosteward").find(com.mongodb.client.model.Filters.and(
        com.mongodb.client.model.Filters.eq("owner.namespace", op.namespace),
        com.mongodb.client.model.Filters.eq("owner.name", name))).into(new ArrayList<>()).stream()
        .map(d -> d.getString("_id")).toList();
  }

  @Test
  void deletionRetainKeepsTheIndexesDeleteDropsThemAndBothReleaseTheirRecords() {
    op = new OperatorHarness("delete");
    MongoDatabase retained = mongo.getDatabase("op_retain");
    MongoDatabase deleted = mongo.getDatabase("op_delete");
    deleted.getCollection("posts").createIndex(new Document("legacy", 1));
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("keep", spec(retained.getName(), ""));
    op.apply("drop", spec(deleted.getName(), "deletionPolicy: Delete\n"));
    op.awaitReady("keep", "True", Reason.Synced.name());
    op.awaitReady("drop", "True", Reason.Synced.name());
    assertThat(op.get("drop").getStatus().getUnmanagedIndexes()).extracting(i -> i.getName()).containsExactly("legacy_1");
    assertThat(records(op, retained, "keep")).containsExactlyInAnyOrder("collection:posts", "counter:counters$post_id");
    assertThat(records(op, deleted, "drop")).containsExactlyInAnyOrder("collection:posts", "counter:counters$post_id");

    op.client.resource(op.get("keep")).delete();
    op.client.resource(op.get("drop")).delete();
    eventually().until(() -> op.get("keep") == null && op.get("drop") == null);
    assertThat(indexNames(retained, "posts")).containsExactlyInAnyOrder("_id_", "post_id_unique", "channel_created");
    assertThat(indexNames(deleted, "posts")).containsExactlyInAnyOrder("_id_", "legacy_1");
    // Either way the schema no longer manages anything: another may take the collections over.
    assertThat(records(op, retained, "keep")).as("Retain releases the records").isEmpty();
    assertThat(records(op, deleted, "drop")).as("Delete releases the records").isEmpty();
    assertThat(retained.getCollection("counters").countDocuments()).as("the counter stays").isEqualTo(1);
  }

  /**
   * The operator reads schemas without kubectl's copy of the applied object (MongoSchema.LAST_APPLIED),
   * so it must never write one back whole: after its finalizer, its status writes and a deletion
   * through the finalizer, the annotation is what kubectl wrote, for kubectl's next three-way merge.
   */
  @Test
  void aSchemaAppliedWithKubectlKeepsItsLastAppliedCopyThroughTheOperatorsWrites() {
    op = new OperatorHarness("lastapplied");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata:\n  name: kubectl\n  namespace: "
        + op.namespace + "\nspec:\n" + spec("op_lastapplied", "deletionPolicy: Delete\n").stripIndent().indent(2);
    var applied = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml,
        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    // As kubectl apply writes it: the object's JSON, then a newline.
    String copy = io.fabric8.kubernetes.client.utils.Serialization.asJson(applied) + "\n";
    applied.getMetadata().setAnnotations(java.util.Map.of(MongoSchema.LAST_APPLIED, copy, "team", "shop"));
    op.client.resource(applied).create();
    op.awaitReady("kubectl", "True", Reason.Synced.name());
    assertThat(op.get("kubectl").getMetadata().getFinalizers()).isNotEmpty();
    assertThat(op.get("kubectl").getMetadata().getAnnotations()).as("as the operator reads it").containsOnlyKeys("team");

    var served = op.client.genericKubernetesResources(MongoSchema.GROUP + "/" + MongoSchema.VERSION, "MongoSchema")
        .inNamespace(op.namespace).withName("kubectl").get();
    assertThat(served.getMetadata().getAnnotations()).containsEntry(MongoSchema.LAST_APPLIED, copy)
        .containsEntry("team", "shop");
    assertThat(served.getAdditionalProperties()).containsKey("status");

    op.client.resource(op.get("kubectl")).delete();
    eventually().until(() -> op.get("kubectl") == null);
  }

  @Test
  void onlyDeleteSchemasCarryAFinalizerSoARetainSchemaIsDeletedWithNoOperatorRunning() {
    op = new OperatorHarness("finalizer");
    MongoDatabase db = mongo.getDatabase("op_finalizer");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), ""));
    op.awaitReady("bot", "True", Reason.Synced.name());
    assertThat(op.get("bot").getMetadata().getFinalizers()).as("Retain needs no cleanup").isEmpty();

    // Switching between the policies adds and removes the finalizer.
    op.apply("bot", spec(db.getName(), "deletionPolicy: Delete\n"));
    eventually().until(() -> op.get("bot").getMetadata().getFinalizers().contains(MongoSchemaReconciler.FINALIZER));
    op.apply("bot", spec(db.getName(), "deletionPolicy: Retain\n"));
    eventually().until(() -> op.get("bot").getMetadata().getFinalizers().isEmpty());
    eventually().until(() -> "True".equals(op.ready("bot").getStatus())
        && op.get("bot").getStatus().getObservedGeneration() == op.get("bot").getMetadata().getGeneration());

    // The operator is uninstalled first: deleting the schema (as a namespace deletion would) completes.
    op.app.close();
    op.client.resource(op.get("bot")).delete();
    eventually().until(() -> op.get("bot") == null);
    assertThat(indexNames(db, "posts")).contains("post_id_unique", "channel_created");
  }

  @Test
  void aPausedSchemaDropsNothingWhenDeletedButReleasesItsRecords() {
    op = new OperatorHarness("pausedel");
    MongoDatabase db = mongo.getDatabase("op_paused_delete");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("bot", spec(db.getName(), "deletionPolicy: Delete\n"));
    op.awaitReady("bot", "True", Reason.Synced.name());
    op.apply("bot", spec(db.getName(), "deletionPolicy: Delete\npolicy: {paused: true}\n"));
    op.awaitReady("bot", "True", Reason.Paused.name());
    op.client.resource(op.get("bot")).delete();
    eventually().until(() -> op.get("bot") == null);
    assertThat(indexNames(db, "posts")).as("paused: nothing dropped").contains("post_id_unique", "channel_created");
    assertThat(records(op, db, "bot")).as("but the collections are free for the next schema").isEmpty();
  }

  /** posts with one index of its own, and no counter, so that only the collection is shared. */
  static String postsOnly(String db, String field, String policy) {
    return """
        connection:
          secretRef: {name: mongo, key: uri}
        database: %s
        %scollections:
          - name: posts
            indexes:
              - {name: %s_1, keys: [{field: %s}]}
        """.formatted(db, policy, field, field);
  }

  @Test
  void aCollectionTwoSchemasDeclareIsManagedByTheFirstUntilItIsDeleted() {
    op = new OperatorHarness("twice");
    MongoDatabase db = mongo.getDatabase("op_twice");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("a", postsOnly(db.getName(), "channel", ""));
    op.awaitReady("a", "True", Reason.Synced.name());
    // b would drop every index of posts it does not declare, a's included, if it managed posts.
    op.apply("b", postsOnly(db.getName(), "author", "policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}\n"));

    op.awaitReady("b", "False", Reason.CollectionManagedElsewhere.name());
    MongoSchema b = op.get("b");
    assertThat(op.ready("b").getMessage()).contains("first: posts: managed by MongoSchema " + op.namespace + "/a (uid "
        + op.get("a").getMetadata().getUid() + ")");
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(b.getStatus().getConditions(), "Stalled")).isTrue();
    assertThat(op.ready("a").getStatus()).isEqualTo("True");
    // Several resyncs of b (every 2 s here) leave a's index alone and build nothing of b's.
    double before = reconciles(op);
    eventually().until(() -> reconciles(op) >= before + 3);
    assertThat(indexNames(db, "posts")).containsExactlyInAnyOrder("_id_", "channel_1");
    assertThat(records(op, db, "a")).containsExactly("collection:posts");
    assertThat(records(op, db, "b")).isEmpty();

    // Deleting a releases posts: b claims it on its next resync and converges, by its own policy.
    op.client.resource(op.get("a")).delete();
    op.awaitReady("b", "True", Reason.Synced.name());
    assertThat(indexNames(db, "posts")).containsExactlyInAnyOrder("_id_", "author_1");
    assertThat(records(op, db, "b")).containsExactly("collection:posts");
    assertThat(records(op, db, "a")).isEmpty();
  }

  @Test
  void twoSchemasClaimingOneCollectionAtOnceLeaveOneOwner() {
    op = new OperatorHarness("race");
    MongoDatabase db = mongo.getDatabase("op_race");
    op.secret("mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
    op.apply("c", postsOnly(db.getName(), "channel", ""));
    op.apply("d", postsOnly(db.getName(), "author", ""));
    eventually().until(() -> op.ready("c") != null && op.ready("d") != null
        && !op.ready("c").getStatus().equals(op.ready("d").getStatus()));
    String winner = "True".equals(op.ready("c").getStatus()) ? "c" : "d";
    String loser = winner.equals("c") ? "d" : "c";
    op.awaitReady(winner, "True", Reason.Synced.name());
    op.awaitReady(loser, "False", Reason.CollectionManagedElsewhere.name());
    assertThat(op.ready(loser).getMessage()).contains("managed by MongoSchema " + op.namespace + "/" + winner + " ");
    assertThat(records(op, db, winner)).containsExactly("collection:posts");
    assertThat(records(op, db, loser)).isEmpty();
    assertThat(indexNames(db, "posts")).containsExactlyInAnyOrder("_id_", winner.equals("c") ? "channel_1" : "author_1");
  }

  @Test
  void aPermanentRefusalIsItsOwnReasonNotUnreachableAndIsNotRetried() {
    op = new OperatorHarness("refused");
    // FerretDB refuses a TTL index with 238 (NotImplemented); the rest of the spec applies.
    op.secret("mongo", MongoBackend.FERRETDB.uri());
    op.apply("bot", spec("op_refused", "      - {name: seen_ttl, keys: [{field: seen_at}], expireAfterSeconds: 3600}\n", ""));

    op.awaitReady("bot", "False", Reason.Unsupported.name());
    MongoSchema s = op.get("bot");
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(s.getStatus().getConditions(), "Stalled")).isTrue();
    assertThat(io.mongosteward.api.v1alpha1.Conditions.isTrue(s.getStatus().getConditions(), "Reconciling")).isFalse();
    assertThat(op.ready("bot").getMessage()).contains("posts.seen_ttl").contains("code 238");
    // Only the index that needs a look is listed; the summary counts the two that are there.
    assertThat(s.getStatus().getIndexes()).extracting(i -> i.getName() + "=" + i.getState())
        .containsExactly("seen_ttl=Unsupported");
    assertThat(s.getStatus().getIndexSummary()).isEqualTo("2/3");
    assertThat(s.getStatus().getCounters()).extracting(c -> c.getName() + "=" + c.getValue()).containsExactly("post_id=0");
    try (MongoClient ferret = MongoClients.create(MongoBackend.FERRETDB.uri())) {
      assertThat(indexNames(ferret.getDatabase("op_refused"), "posts"))
          .containsExactlyInAnyOrder("_id_", "post_id_unique", "channel_created");
    }
    // Resyncs meet the same refusal: never a framework retry, never called unreachable. (Counted
    // from here: a first status write that met a newer version, 409, is retried by design.)
    double retriesBefore = retries(op);
    double before = reconciles(op);
    eventually().until(() -> reconciles(op) >= before + 2);
    assertThat(retries(op)).isEqualTo(retriesBefore);
    assertThat(op.ready("bot").getReason()).isEqualTo(Reason.Unsupported.name());
    assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
        .noneMatch(e -> Reason.MongoUnreachable.name().equals(e.getReason()));
    assertThat(op.registry.find("mongosteward.reconcile.failures").tag("reason", Reason.MongoUnreachable.name())
        .counter()).isNull();
  }

  @Test
  void unreachableMongoIsNotReadyAndRecoversWithoutARestart() throws Exception {
    op = new OperatorHarness("unreachable");
    Proxy proxy = Toxiproxy.proxy("operator", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      proxy.disable();
      op.secret("mongo", Toxiproxy.uriOf(proxy) + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300");
      op.apply("bot", spec("op_unreachable", ""));
      op.awaitReady("bot", "False", Reason.MongoUnreachable.name());
      assertThat(op.ready("bot").getMessage()).contains("ping").containsIgnoringCase("timed out");
      proxy.enable();
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(indexNames(mongo.getDatabase("op_unreachable"), "posts")).contains("post_id_unique");
    } finally {
      proxy.delete();
    }
  }

  @Test
  void afterTheRetriesAreExhaustedAnUnreachableMongoIsRecheckedAndRecoversWithoutARestart() throws Exception {
    // Two quick framework retries, exhausted within seconds; --unreachable-recheck is 2 s here.
    // The resync (JOSDK's max reconciliation interval) is long here, so that only the recheck can bring it back soon.
    op = new OperatorHarness("exhausted", s -> s.with(b -> {
      b.resyncInterval = java.time.Duration.ofSeconds(60);
      b.unreachableRecheck = java.time.Duration.ofSeconds(1);
    }),
        new io.javaoperatorsdk.operator.processing.retry.GenericRetry().setMaxAttempts(2).setInitialInterval(200));
    Proxy proxy = Toxiproxy.proxy("exhausted", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      proxy.disable();
      op.secret("mongo", Toxiproxy.uriOf(proxy) + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300");
      op.apply("bot", spec("op_exhausted", ""));
      op.awaitReady("bot", "False", Reason.MongoUnreachable.name());
      eventually().until(() -> retries(op) >= 2);
      // The framework gives up here. Rechecks go on, each a single attempt, not a new round of retries.
      double after = reconciles(op);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
          .until(() -> reconciles(op) >= after + 2);
      assertThat(retries(op)).isEqualTo(2);
      assertThat(op.ready("bot").getReason()).isEqualTo(Reason.MongoUnreachable.name());
      proxy.enable();
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(indexNames(mongo.getDatabase("op_exhausted"), "posts")).contains("post_id_unique");
    } finally {
      proxy.delete();
    }
  }

  @Test
  void deletionNeverHangsWhenMongoIsGone() throws Exception {
    op = new OperatorHarness("gone");
    Proxy proxy = Toxiproxy.proxy("gone", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      op.secret("mongo", Toxiproxy.uriOf(proxy) + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300");
      op.apply("bot", spec("op_gone", "deletionPolicy: Delete\n"));
      op.awaitReady("bot", "True", Reason.Synced.name());
      proxy.disable();
      op.client.resource(op.get("bot")).delete();
      eventually().until(() -> op.get("bot") == null);
      eventually().until(() -> op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
          .anyMatch(e -> Reason.DeletionIncomplete.name().equals(e.getReason())
              && e.getMessage().contains("finalizer released after 2 attempts")));
      // The indexes were left in place, as the Event says.
      assertThat(indexNames(mongo.getDatabase("op_gone"), "posts")).contains("post_id_unique");
    } finally {
      proxy.delete();
    }
  }
}
