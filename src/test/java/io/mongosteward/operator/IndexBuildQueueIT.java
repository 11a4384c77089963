package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SlowBuildStandIn;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Index builds run apart from the reconcile threads, on a real API server, against a server whose
 * builds last until the test lets them end ({@link SlowBuildStandIn}): another schema reconciles to
 * Ready meanwhile, even with one reconcile thread; builds on one deployment run one at a time (the
 * default --max-concurrent-index-builds), counted by a CommandListener on the operator's clients;
 * the building schema shows Reconciling=True naming the index and the server's progress; and a
 * build that a restarted operator left running is waited for, never started twice.
 */
class IndexBuildQueueIT {
  OperatorHarness op;
  SlowBuildStandIn slow;

  @AfterEach
  void stop() {
    if (op != null) op.close();
    if (slow != null) slow.close();
  }

  static String spec(String secret, String db, String... collectionAndIndex) {
    StringBuilder collections = new StringBuilder();
    for (int i = 0; i < collectionAndIndex.length; i += 2) {
      collections.append("  - name: ").append(collectionAndIndex[i]).append("\n    indexes:\n      - {name: ")
          .append(collectionAndIndex[i + 1]).append(", keys: [{field: f").append(i).append("}]}\n");
    }
    return "connection:\n  secretRef: {name: " + secret + ", key: uri}\ndatabase: " + db + "\ncollections:\n" + collections;
  }

  static Condition condition(MongoSchema s, String type) {
    return s == null || s.getStatus() == null ? null : Conditions.find(s.getStatus().getConditions(), type);
  }

  @Test
  void aSlowBuildKeepsNoReconcileThreadAndBuildsOnOneDeploymentRunOneAtATime() {
    slow = new SlowBuildStandIn();
    CommandRecorder sent = new CommandRecorder();
    // One reconcile thread: were a build run on it, no other schema could reconcile until it ended.
    op = new OperatorHarness(KubeApi.client(), null, "builds", s -> s.with(b -> b.reconcileThreads = 1),
        OperatorApp.defaultRetry(), List.of(sent));
    op.secret("slow", slow.uri());
    op.secret("fast", MongoBackend.MONGO_JAVA_SERVER.uri());
    // Three builds on the slow deployment: two collections of one schema, one of another.
    op.apply("a", spec("slow", "builds_a", "posts", "a_1", "users", "u_1"));
    op.apply("b", spec("slow", "builds_b", "posts", "b_1"));

    OperatorHarness.eventually().alias("a Reconciling=True IndexBuilding").until(() -> {
      Condition c = condition(op.get("a"), Conditions.RECONCILING);
      return c != null && "True".equals(c.getStatus()) && Reason.IndexBuilding.name().equals(c.getReason());
    });
    op.apply("c", spec("fast", "builds_c", "posts", "c_1"));
    op.awaitReady("c", "True", Reason.Synced.name());
    // c was reconciled to Ready while a build on the slow server still waits.
    assertThat(slow.buildsRunning()).isEqualTo(1);

    MongoSchema a = op.get("a");
    assertThat(condition(a, Conditions.READY).getReason()).isEqualTo(Reason.IndexBuilding.name());
    assertThat(condition(a, Conditions.STALLED).getStatus()).isEqualTo("False");
    assertThat(condition(a, Conditions.RECONCILING).getMessage()).containsAnyOf("posts.a_1", "users.u_1");
    assertThat(a.getStatus().getIndexSummary()).isEqualTo("0/2");
    assertThat(a.getStatus().getIndexes()).as("building: named by Reconciling, not listed").isEmpty();
    // Not a failure: no Warning Event while it builds.
    assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
        .noneMatch(e -> Reason.IndexBuilding.name().equals(e.getReason()));
    // The running build shows the server's progress ($currentOp), read on the rechecks.
    OperatorHarness.eventually().until(() -> List.of("a", "b").stream().map(n -> condition(op.get(n), Conditions.RECONCILING))
        .anyMatch(c -> c != null && c.getMessage().contains("progress 1/4 (25%)")));
    // The others queue: one createIndexes at a time on the deployment, whatever the passes do meanwhile.
    OperatorHarness.eventually().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> slow.buildsRunning() <= 1);

    slow.open();
    op.awaitReady("a", "True", Reason.Synced.name());
    op.awaitReady("b", "True", Reason.Synced.name());
    assertThat(condition(op.get("a"), Conditions.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(sent.maxInFlightOn(slow.address(), "createIndexes")).isEqualTo(1);
    // Each build sent once: no retry started a second.
    assertThat(sent.named("createIndexes").stream().filter(c -> c.database().equals("builds_a")
        || c.database().equals("builds_b")).map(c -> c.database() + "." + c.indexes()))
        .containsExactlyInAnyOrder("builds_a.[a_1]", "builds_a.[u_1]", "builds_b.[b_1]");
    assertThat(slow.maxRunning()).isEqualTo(1);
    assertThat(slow.buildsStarted()).isEqualTo(3);
    // The builds' Events come when they end.
    assertThat(op.client.v1().events().inNamespace(op.namespace).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("CreateIndex");
          assertThat(e.getInvolvedObject().getName()).isEqualTo("b");
          assertThat(e.getMessage()).contains("posts.b_1");
        });
  }

  @Test
  void theLimitIsPerDeploymentNotPerConnectionString() {
    slow = new SlowBuildStandIn();
    try (SlowBuildStandIn second = new SlowBuildStandIn()) {
      CommandRecorder sent = new CommandRecorder();
      op = new OperatorHarness(KubeApi.client(), null, "tenants", s -> s, OperatorApp.defaultRetry(), List.of(sent));
      // Two teams on one server, each with its own Secret: the strings differ in appName and options,
      // so they make two clients (mongo-java-server has no users; a user differs the same way).
      op.secret("team-a", slow.uri() + "/?appName=team-a");
      op.secret("team-b", slow.uri() + "/?appName=team-b&maxPoolSize=7&connectTimeoutMS=4000");
      op.secret("elsewhere", second.uri() + "/?appName=team-c");
      op.apply("a", spec("team-a", "tenants_a", "posts", "a_1"));
      op.apply("b", spec("team-b", "tenants_b", "posts", "b_1"));
      op.apply("c", spec("elsewhere", "tenants_c", "posts", "c_1"));

      // Another deployment builds alongside; the first one's second build waits for its slot.
      OperatorHarness.eventually().until(() -> slow.buildsRunning() == 1 && second.buildsRunning() == 1);
      OperatorHarness.eventually().alias("a and b: one building, one queued").until(() -> List.of("a", "b").stream()
          .map(n -> condition(op.get(n), Conditions.RECONCILING)).filter(c -> c != null && c.getMessage() != null)
          .anyMatch(c -> c.getMessage().contains("queued: waiting for one of the 1 index build slot(s)")));
      OperatorHarness.eventually().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> slow.buildsRunning() <= 1);

      slow.open();
      second.open();
      op.awaitReady("a", "True", Reason.Synced.name());
      op.awaitReady("b", "True", Reason.Synced.name());
      op.awaitReady("c", "True", Reason.Synced.name());
      assertThat(sent.maxInFlightOn(slow.address(), "createIndexes")).isEqualTo(1);
      assertThat(slow.maxRunning()).isEqualTo(1);
      assertThat(slow.buildsStarted()).isEqualTo(2);
      assertThat(second.buildsStarted()).isEqualTo(1);
    }
  }

  @Test
  void aSecretRotatedMidBuildKeepsSayingTheBuildRunsAndStartsNoOther() {
    slow = new SlowBuildStandIn();
    op = new OperatorHarness("rotate");
    op.secret("slow", slow.uri() + "/?appName=v1");
    op.apply("r", spec("slow", "rotate_r", "posts", "r_1"));
    OperatorHarness.eventually().until(() -> slow.buildsRunning() == 1);
    int clients = op.app.createdClients();

    op.secret("slow", slow.uri() + "/?appName=v2"); // a rotated URI: a new client, the old one retires
    OperatorHarness.eventually().until(() -> op.app.createdClients() > clients);
    // The build of the old client is still this deployment's build: the status keeps saying so.
    OperatorHarness.eventually().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20)).until(() -> {
      Condition c = condition(op.get("r"), Conditions.RECONCILING);
      return c != null && "True".equals(c.getStatus()) && Reason.IndexBuilding.name().equals(c.getReason())
          && c.getMessage().contains("posts.r_1") && c.getMessage().contains("building since")
          && !c.getMessage().contains("without an answer");
    });
    assertThat(slow.buildsRunning()).isEqualTo(1);

    slow.open();
    op.awaitReady("r", "True", Reason.Synced.name());
    assertThat(slow.buildsStarted()).as("never started twice").isEqualTo(1);
    OperatorHarness.eventually().alias("the old client closes once its build ended").until(() -> op.app.openClients() == 1);
  }

  @Test
  void aBuildTheServerRefusesStaysRefusedUntilItsRecheckOrAnEditNotFlappingToBuilding() {
    CommandRecorder sent = new CommandRecorder();
    op = new OperatorHarness(KubeApi.client(), null, "refused", s -> s.with(b -> b.permanentErrorRecheck =
        Duration.ofMinutes(10)), OperatorApp.defaultRetry(), List.of(sent));
    // FerretDB refuses a TTL index with 238 (NotImplemented), at every attempt.
    op.secret("ferret", MongoBackend.FERRETDB.uri());
    String ttl = "      - {name: seen_ttl, keys: [{field: seen_at}], expireAfterSeconds: 3600}\n";
    String spec = "connection:\n  secretRef: {name: ferret, key: uri}\ndatabase: refused_ttl\ncollections:\n"
        + "  - name: posts\n    indexes:\n" + ttl;
    op.apply("r", spec);
    op.awaitReady("r", "False", Reason.Unsupported.name());
    long builds = sent.named("createIndexes").stream().filter(c -> c.database().equals("refused_ttl")).count();

    // Resyncs every 2 s: each says the refusal again, without building, and never IndexBuilding in between.
    OperatorHarness.eventually().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).until(() -> {
      Condition ready = condition(op.get("r"), Conditions.READY);
      return Reason.Unsupported.name().equals(ready.getReason()) && ready.getMessage().contains("posts.seen_ttl");
    });
    assertThat(sent.named("createIndexes").stream().filter(c -> c.database().equals("refused_ttl")).count())
        .as("not built again before --permanent-recheck").isEqualTo(builds);

    // An edit of the spec is built again at once.
    op.apply("r", spec + "      - {name: other_1, keys: [{field: other}]}\n");
    OperatorHarness.eventually().until(() -> sent.named("createIndexes").stream()
        .filter(c -> c.database().equals("refused_ttl") && c.indexes().contains("seen_ttl")).count() > builds);
    op.awaitReady("r", "False", Reason.Unsupported.name());
  }

  static boolean observedLatest(MongoSchema s) {
    return s != null && s.getStatus() != null
        && java.util.Objects.equals(s.getStatus().getObservedGeneration(), s.getMetadata().getGeneration());
  }

  /**
   * g_1 waits for the slot behind f_1, then the spec replaces it by h_1: g_1 is never built (it
   * would load every member for an index nobody declares), f_1 is not sent again, and the one
   * CreateIndex Event names each index built once.
   */
  @Test
  void aQueuedBuildOfAnIndexEditedAwayNeverRunsAndEachBuiltIndexIsToldOnce() {
    slow = new SlowBuildStandIn();
    CommandRecorder sent = new CommandRecorder();
    op = new OperatorHarness(KubeApi.client(), null, "stale", s -> s, OperatorApp.defaultRetry(), List.of(sent));
    op.secret("slow", slow.uri());
    String head = "connection:\n  secretRef: {name: slow, key: uri}\ndatabase: stale_builds\ncollections:\n"
        + "  - name: c\n    indexes:\n      - {name: f_1, keys: [{field: f}]}\n";
    op.apply("s", head);
    OperatorHarness.eventually().until(() -> slow.buildsRunning() == 1);
    op.apply("s", head + "      - {name: g_1, keys: [{field: g}]}\n");
    OperatorHarness.eventually().alias("the pass of g_1 ran").until(() -> observedLatest(op.get("s")));
    op.apply("s", head + "      - {name: h_1, keys: [{field: h}]}\n");
    OperatorHarness.eventually().alias("the pass of h_1 ran").until(() -> observedLatest(op.get("s")));

    slow.open();
    OperatorHarness.eventually().until(() -> observedLatest(op.get("s"))
        && "True".equals(condition(op.get("s"), Conditions.READY).getStatus()));
    try (var mongo = com.mongodb.client.MongoClients.create(slow.uri())) {
      assertThat(mongo.getDatabase("stale_builds").getCollection("c").listIndexes().map(d -> d.getString("name"))
          .into(new java.util.ArrayList<>())).containsExactlyInAnyOrder("_id_", "f_1", "h_1");
    }
    assertThat(sent.named("createIndexes").stream().filter(c -> c.database().equals("stale_builds"))
        .map(c -> c.indexes().toString())).as("each index sent once, g_1 never").containsExactly("[f_1]", "[h_1]");
    assertThat(slow.buildsStarted()).isEqualTo(2);
    assertThat(op.get("s").getStatus().getUnmanagedIndexes()).isEmpty();
    OperatorHarness.eventually().untilAsserted(() -> assertThat(op.client.v1().events().inNamespace(op.namespace)
        .list().getItems()).filteredOn(e -> "CreateIndex".equals(e.getReason())).singleElement()
        .satisfies(e -> {
          assertThat(e.getMessage()).isEqualTo("created 2 indexes in 1 collection: c.f_1, c.h_1");
          assertThat(e.getCount()).isEqualTo(1);
        }));
  }

  @ParameterizedTest(name = "$currentOp answered: {0}")
  @ValueSource(booleans = {true, false})
  void aBuildLeftRunningByARestartIsWaitedForNotStartedAgain(boolean currentOp) {
    slow = new SlowBuildStandIn();
    slow.currentOp(currentOp);
    OperatorHarness first = new OperatorHarness("restart");
    String namespace = first.namespace;
    first.secret("slow", slow.uri());
    first.apply("r", spec("slow", "restart_r", "posts", "r_1"));
    OperatorHarness.eventually().until(() -> slow.buildsRunning() == 1);
    first.close(); // the build goes on on the server, as mongod's does

    CommandRecorder sent = new CommandRecorder();
    op = new OperatorHarness(KubeApi.client(), namespace, "restart", s -> s, OperatorApp.defaultRetry(), List.of(sent));
    String found = currentOp ? "is already running on the server" : "code 276";
    OperatorHarness.eventually().alias("r Reconciling names the build found running").until(() -> {
      Condition c = condition(op.get("r"), Conditions.RECONCILING);
      return c != null && "True".equals(c.getStatus()) && c.getMessage().contains(found);
    });
    assertThat(slow.buildsStarted()).isEqualTo(1);
    if (currentOp) {
      assertThat(sent.named("createIndexes")).isEmpty();
    }

    slow.open();
    op.awaitReady("r", "True", Reason.Synced.name());
    assertThat(slow.buildsStarted()).isEqualTo(1);
  }
}
