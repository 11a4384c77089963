package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongosteward.mongo.BuildHandoff;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The build queue's bookkeeping, with builds that end when the test says: the per-deployment
 * limit, what the next pass gets once a build ended, and that nothing is built twice. The clients
 * only name deployments here (a client connects lazily; no command is sent).
 */
class IndexBuildQueueTest {
  final List<String> nudged = new CopyOnWriteArrayList<>();
  static final Duration RECHECK = Duration.ofMinutes(5);
  final BlockedBuildsTest.MutableClock clock = new BlockedBuildsTest.MutableClock();
  final IndexBuildQueue queue = new IndexBuildQueue(8, 1, clock, RECHECK, nudged::add, client -> () -> { });
  final MongoClient one = MongoClients.create("mongodb://127.0.0.1:1");
  final MongoClient other = MongoClients.create("mongodb://127.0.0.1:2");

  /** The batches {@link #held} was given, in order; it creates them once {@link #release} opens. */
  final List<List<String>> seen = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final Function<List<Action.CreateIndex>, List<Outcome>> held = recording(seen, release);

  @AfterEach
  void close() {
    queue.close(Duration.ofSeconds(1));
    one.close();
    other.close();
  }

  static Action.CreateIndex create(String collection, String name) {
    String spec = """
        database: bot
        collections:
          - name: %s
            indexes:
              - {name: %s, keys: [{field: %s}]}
        """.formatted(collection, name, name);
    return new Action.CreateIndex(collection, IndexDefinitions.fromSpec(Specs.spec(spec).getCollections().get(0)
        .getIndexes().get(0)));
  }

  /** A build body that waits for {@code gate} and then answers {@code answer}, counting how many run at once. */
  static Function<List<Action.CreateIndex>, List<Outcome>> body(CountDownLatch gate, AtomicInteger now, AtomicInteger max,
      AtomicInteger runs, Function<Action.CreateIndex, Outcome> answer) {
    return batch -> {
      runs.incrementAndGet();
      max.accumulateAndGet(now.incrementAndGet(), Math::max);
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        now.decrementAndGet();
      }
      return batch.stream().map(answer).toList();
    };
  }

  static List<ActionType> results(List<Outcome> outcomes) {
    return outcomes.stream().map(Outcome::result).toList();
  }

  @Test
  void oneBuildAtATimePerDeploymentWhileAnotherDeploymentBuildsAlongside() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger otherRuns = new AtomicInteger();
    var ok = body(gate, now, max, runs, c -> Outcome.applied(c, "created", Duration.ZERO));
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", null, one, "bot");
    BuildHandoff b = queue.forSchema("uid-b", "ns/b", null, one, "bot");
    BuildHandoff c = queue.forSchema("uid-c", "ns/c", null, other, "bot");

    List<Outcome> first = a.submit("posts", List.of(create("posts", "a_1")), ok, () -> "1/4 (25%)");
    List<Outcome> second = b.submit("posts", List.of(create("posts", "b_1")), ok, () -> null);
    assertThat(results(first)).containsExactly(ActionType.Building);
    assertThat(second.get(0).message()).startsWith("queued: waiting for one of the 1 index build slot(s)");
    // Another deployment is not held up by the first one's build.
    c.submit("posts", List.of(create("posts", "c_1")), batch -> {
      otherRuns.incrementAndGet();
      return batch.stream().map(x -> Outcome.applied(x, "created", Duration.ZERO)).toList();
    }, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/c"));
    assertThat(otherRuns.get()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> now.get() == 1);
    assertThat(queue.takeCreated("uid-c")).extracting(o -> o.action().name()).containsExactly("c_1");

    // The same build asked again (the next pass) is the same build: not queued twice.
    List<Outcome> again = a.submit("posts", List.of(create("posts", "a_1")), ok, () -> "1/4 (25%)");
    assertThat(again.get(0).message()).startsWith("building since ").endsWith("; progress 1/4 (25%)");
    assertThat(runs.get()).isEqualTo(1);

    gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.containsAll(List.of("ns/a", "ns/b")));
    assertThat(max.get()).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(2);
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().name()).containsExactly("a_1");
    assertThat(queue.takeCreated("uid-a")).as("told once").isEmpty();
  }

  @Test
  void twoClientsOfOneDeploymentShareItsSlots() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    var ok = body(gate, now, max, runs, c -> Outcome.applied(c, "created", Duration.ZERO));
    // Two teams, two users, one server: two clients, one deployment.
    try (MongoClient teamA = MongoClients.create("mongodb://team-a:pw-a@127.0.0.1:1/?appName=team-a");
        MongoClient teamB = MongoClients.create("mongodb://team-b:pw-b@127.0.0.1:1/?appName=team-b&maxPoolSize=3")) {
      queue.forSchema("uid-a", "ns/a", null, teamA, "bot").submit("posts", List.of(create("posts", "a_1")), ok, () -> null);
      List<Outcome> b = queue.forSchema("uid-b", "ns/b", null, teamB, "bot").submit("posts", List.of(create("posts", "b_1")), ok,
          () -> null);
      assertThat(b.get(0).message()).startsWith("queued: waiting for one of the 1 index build slot(s)")
          .doesNotContain("team-b").doesNotContain("pw-b");
      await().atMost(Duration.ofSeconds(10)).until(() -> now.get() == 1);
      gate.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> nudged.containsAll(List.of("ns/a", "ns/b")));
      assertThat(max.get()).isEqualTo(1);
      assertThat(runs.get()).isEqualTo(2);
    }
  }

  @Test
  void aRefusalStaysUntilItsRecheckOrASpecChangeAndTheRetryKeepsSayingIt() {
    AtomicInteger runs = new AtomicInteger();
    Function<List<Action.CreateIndex>, List<Outcome>> mixed = batch -> {
      runs.incrementAndGet();
      return batch.stream().map(c -> c.name().equals("bad") ? Outcome.refused(c, ActionType.Failed, "refused: 67",
          Duration.ZERO) : Outcome.applied(c, "created", Duration.ZERO)).toList();
    };
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", 1L, one, "bot");
    a.submit("posts", List.of(create("posts", "good"), create("posts", "bad")), mixed, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().name()).containsExactly("good");

    // Each pass before the recheck gets the refusal, as if it had built it itself: no flapping to Building.
    for (int pass = 0; pass < 3; pass++) {
      List<Outcome> next = a.submit("posts", List.of(create("posts", "bad")), mixed, () -> null);
      assertThat(results(next)).containsExactly(ActionType.Failed);
      assertThat(next.get(0).message()).isEqualTo("refused: 67");
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(runs.get()).as("not built again before the recheck").isEqualTo(1);

    // Due: built again, and while that runs the pass still says the refusal, not Building.
    clock.advance(RECHECK);
    List<Outcome> retry = a.submit("posts", List.of(create("posts", "bad")), mixed, () -> null);
    assertThat(results(retry)).containsExactly(ActionType.Failed);
    assertThat(retry.get(0).message()).startsWith("refused: 67; building it again");
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.size() == 2);
    assertThat(a.submit("posts", List.of(create("posts", "bad")), mixed, () -> null).get(0).message())
        .isEqualTo("refused: 67");

    // A changed spec (another generation) is built again at once.
    BuildHandoff edited = queue.forSchema("uid-a", "ns/a", 2L, one, "bot");
    assertThat(results(edited.submit("posts", List.of(create("posts", "bad")), mixed, () -> null)))
        .containsExactly(ActionType.Failed);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.size() == 3);
    assertThat(edited.submit("posts", List.of(create("posts", "bad")), mixed, () -> null).get(0).message())
        .isEqualTo("refused: 67");

    // So is a new client of the same deployment (a rotated Secret: other credentials, perhaps a privilege more).
    try (MongoClient rotated = MongoClients.create("mongodb://new-user:pw@127.0.0.1:1")) {
      queue.forSchema("uid-a", "ns/a", 2L, rotated, "bot").submit("posts", List.of(create("posts", "bad")), mixed, () -> null);
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 4);
    }
  }

  @Test
  void duplicatesThatBlockedABuildAreToldOnceForTheirOwnRecountToTakeOver() {
    AtomicInteger runs = new AtomicInteger();
    var blocked = blockedByDuplicates(runs, "2 duplicate groups");
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", 1L, one, "bot");
    a.submit("posts", List.of(create("posts", "u_1")), blocked, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    assertThat(results(a.submit("posts", List.of(create("posts", "u_1")), blocked, () -> null)))
        .containsExactly(ActionType.BlockedByDuplicates);
    // The passes after recount the duplicates (BlockedBuilds) and hand the build here only once they
    // are gone: it is built then, not answered with the stale refusal.
    assertThat(results(a.submit("posts", List.of(create("posts", "u_1")), blocked, () -> null)))
        .containsExactly(ActionType.Building);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
  }

  @Test
  void aBuildTheServerRunsForSomeoneElseIsLookedAtAgainWithoutANudge() {
    AtomicInteger runs = new AtomicInteger();
    Function<List<Action.CreateIndex>, List<Outcome>> elsewhere = batch -> {
      runs.incrementAndGet();
      return batch.stream().map(c -> Outcome.refused(c, ActionType.Building, "already running on the server",
          Duration.ZERO)).toList();
    };
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", null, one, "bot");
    a.submit("posts", List.of(create("posts", "a_1")), elsewhere, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    // The next pass hears what the look found, and a new look is queued.
    await().atMost(Duration.ofSeconds(10)).until(() -> a.submit("posts", List.of(create("posts", "a_1")), elsewhere,
        () -> null).get(0).message().equals("already running on the server"));
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
    assertThat(nudged).as("a nudge would only spin: the pass's recheck looks again").isEmpty();
  }

  @Test
  void aDeletedSchemasQueuedBuildIsDroppedAndItsRunningOneTellsNothing() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    var ok = body(gate, new AtomicInteger(), new AtomicInteger(), runs, c -> Outcome.applied(c, "created", Duration.ZERO));
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", null, one, "bot");
    a.submit("posts", List.of(create("posts", "a_1")), ok, () -> null);
    a.submit("users", List.of(create("users", "u_1")), ok, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    queue.forget("uid-a");
    gate.countDown();
    // A build for another schema on the same deployment gets the slot back.
    BuildHandoff b = queue.forSchema("uid-b", "ns/b", null, one, "bot");
    b.submit("posts", List.of(create("posts", "b_1")), ok, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/b"));
    assertThat(runs.get()).as("users.u_1 was queued, and dropped").isEqualTo(2);
    assertThat(nudged).doesNotContain("ns/a");
    assertThat(queue.takeCreated("uid-a")).isEmpty();
  }

  /** A build body whose every index the server refuses over duplicates ({@code message}), counting its runs. */
  static Function<List<Action.CreateIndex>, List<Outcome>> blockedByDuplicates(AtomicInteger runs, String message) {
    return batch -> {
      runs.incrementAndGet();
      return batch.stream().map(c -> Outcome.refused(c, ActionType.BlockedByDuplicates, message, Duration.ZERO))
          .toList();
    };
  }

  /** A body that records each batch it is given, then waits for {@code gate} and creates them all. */
  static Function<List<Action.CreateIndex>, List<Outcome>> recording(List<List<String>> batches, CountDownLatch gate) {
    return batch -> {
      batches.add(batch.stream().map(Action.CreateIndex::name).toList());
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return batch.stream().map(c -> Outcome.applied(c, "created", Duration.ZERO)).toList();
    };
  }

  /** A whole pass of schema ns/a (generation 1) that hands {@code index} of collection c over. */
  void onePass(String index, Function<List<Action.CreateIndex>, List<Outcome>> body) {
    IndexBuildQueue.Pass pass = queue.forSchema("uid-a", "ns/a", 1L, one, "bot");
    pass.submit("c", List.of(create("c", index)), body, () -> null);
    queue.passEnded(pass);
  }

  @Test
  void aQueuedBuildOfAnIndexEditedAwayIsDroppedWhenTheNextPassEndsAndARunningIndexIsNotQueuedAgain() {
    onePass("f_1", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    // g_1 is declared: the server does not list f_1 while it builds, so the pass asks for both.
    IndexBuildQueue.Pass second = queue.forSchema("uid-a", "ns/a", 2L, one, "bot");
    List<Outcome> got = second.submit("c", List.of(create("c", "f_1"), create("c", "g_1")), held, () -> null);
    queue.passEnded(second);
    assertThat(got).extracting(o -> o.action().name() + ": " + o.message().split(" ")[0])
        .containsExactly("f_1: building", "g_1: queued:");
    // Another schema's queued build on the same deployment is none of this schema's passes' business.
    queue.forSchema("uid-b", "ns/b", 1L, one, "bot").submit("c", List.of(create("c", "b_1")), held, () -> null);

    // The spec replaces g_1 by h_1.
    IndexBuildQueue.Pass third = queue.forSchema("uid-a", "ns/a", 3L, one, "bot");
    third.submit("c", List.of(create("c", "f_1"), create("c", "h_1")), held, () -> null);
    queue.passEnded(third);

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/b") && nudged.stream().filter("ns/a"::equals).count() == 2);
    assertThat(seen).as("g_1 never built, f_1 built once").containsExactlyInAnyOrder(
        List.of("f_1"), List.of("b_1"), List.of("h_1"));
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().name()).containsExactly("f_1", "h_1");
  }

  @Test
  void aPassThatFailsMidwayDropsNothingAndOneThatAsksForNothingDropsTheSchemasQueuedBuilds() {
    IndexBuildQueue.Pass first = queue.forSchema("uid-a", "ns/a", 1L, one, "bot");
    first.submit("posts", List.of(create("posts", "p_1")), held, () -> null);
    first.submit("users", List.of(create("users", "u_1")), held, () -> null);
    queue.passEnded(first);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    // A pass that failed before it reached users: the reconciler does not call passEnded, users.u_1 stays queued.
    queue.forSchema("uid-a", "ns/a", 1L, one, "bot").submit("posts", List.of(create("posts", "p_1")), held, () -> null);
    // A paused schema's pass (a dry run) asks for nothing: its queued build goes; the running one ends.
    queue.passEnded(queue.forSchema("uid-a", "ns/a", 2L, one, "bot"));
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().name()).containsExactly("p_1");
    assertThat(seen).containsExactly(List.of("p_1"));
  }

  @Test
  void anIndexTwoBuildsCreatedIsToldOnce() {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch open = new CountDownLatch(0);
    CountDownLatch gate = new CountDownLatch(1);
    queue.forSchema("uid-a", "ns/a", 1L, one, "bot").submit("c", List.of(create("c", "f_1")), recording(batches, open), () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.size() == 1);
    // A pass that read the server just before f_1's build ended asks for it again, beside h_1:
    // createIndexes of an existing index does nothing, and the build says "created" of both.
    queue.forSchema("uid-a", "ns/a", 1L, one, "bot").submit("c", List.of(create("c", "f_1"), create("c", "h_1")),
        recording(batches, gate), () -> null);
    gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.size() == 2);
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().name()).containsExactly("f_1", "h_1");
  }

  @Test
  void aSchemasCreatedIndexesAreToldTogetherOnceItsLastBuildEnds() {
    CountDownLatch posts = new CountDownLatch(1);
    CountDownLatch users = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    BuildHandoff a = queue.forSchema("uid-a", "ns/a", null, one, "bot");
    a.submit("posts", List.of(create("posts", "p_1")), body(posts, new AtomicInteger(), new AtomicInteger(), runs,
        c -> Outcome.applied(c, "created", Duration.ZERO)), () -> null);
    a.submit("users", List.of(create("users", "u_1")), body(users, new AtomicInteger(), new AtomicInteger(), runs,
        c -> Outcome.applied(c, "created", Duration.ZERO)), () -> null);
    posts.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2); // posts ended, users runs
    assertThat(queue.takeCreated("uid-a")).as("users.u_1 still builds").isEmpty();
    users.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.stream().filter("ns/a"::equals).count() == 2);
    assertThat(queue.takeCreated("uid-a")).extracting(o -> o.action().collection() + "." + o.action().name())
        .containsExactly("posts.p_1", "users.u_1");
  }

  /**
   * A pass reads the server, then hands its plan over: when a build of the same index ends between
   * the two, the pass's reading predates the index, and sending it again would be a second
   * createIndexes for an index that exists (seen in IndexBuildQueueIT under load: h_1 sent twice).
   */
  @Test
  void aPassThatReadTheServerBeforeABuildEndedDoesNotBuildItsIndexAgain() {
    onePass("h_1", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    // The next pass begins (and lists the indexes: h_1 not there yet) while the build runs...
    IndexBuildQueue.Pass second = queue.forSchema("uid-a", "ns/a", 1L, one, "bot");
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    // ...and hands h_1 over after the build ended.
    List<Outcome> got = second.submit("c", List.of(create("c", "h_1")), held, () -> null);
    queue.passEnded(second);
    assertThat(results(got)).containsExactly(ActionType.Building);
    assertThat(got.get(0).message()).contains("built");

    // A pass that begins after the build ended reads the index on the server; one that still asks
    // for it (dropped by hand meanwhile) builds it again.
    onePass("h_1", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly(List.of("h_1"), List.of("h_1"));
  }
  /** Schema ns/a's pass of {@code generation} on {@code client} and {@code database} hands c.f_1 over. */
  List<Outcome> f1(Long generation, MongoClient client, String database,
      Function<List<Action.CreateIndex>, List<Outcome>> body) {
    return queue.forSchema("uid-a", "ns/a", generation, client, database).submit("c", List.of(create("c", "f_1")), body,
        () -> null);
  }

  /**
   * A build is where it runs: the schema's spec moved to another database, or its Secret to another
   * deployment, while a build ran on the old one. The index is not being built where the spec now
   * points, so a pass there is neither told "building" by the old build nor "built just now" once it
   * ended: it builds the index there.
   */
  @Test
  void aBuildOnTheOldDatabaseDoesNotStandForOneOnTheDatabaseTheSpecNowNames() {
    f1(1L, one, "a", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    List<Outcome> got = f1(2L, one, "b", held);
    assertThat(got.get(0).message()).as("behind a's build, in the deployment's one slot").startsWith("queued:");
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly(List.of("f_1"), List.of("f_1"));
  }

  @Test
  void aBuildOnTheOldDeploymentDoesNotStandForOneOnTheDeploymentTheSecretNowNames() {
    f1(1L, one, "a", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

    f1(1L, other, "a", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    release.countDown();
  }

  @Test
  void aBuildThatEndedOnTheOldDatabaseIsNotBuiltJustNowOnTheNewOne() {
    f1(1L, one, "a", held);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    // A pass on the new database begins (and lists b.c: no f_1) while a's build runs...
    IndexBuildQueue.Pass onB = queue.forSchema("uid-a", "ns/a", 2L, one, "b");
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    // ...and hands f_1 over after it ended.
    List<Outcome> got = onB.submit("c", List.of(create("c", "f_1")), held, () -> null);
    assertThat(got.get(0).message()).doesNotContain("built just now");
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
  }

  /** Two clusters that share a replica set name (rs0) share the build slots, but not the build. */
  @Test
  void aBuildOnAnotherClusterOfTheSameReplicaSetNameDoesNotStandForOneHere() {
    try (MongoClient x = MongoClients.create("mongodb://127.0.0.1:1/?replicaSet=rs0");
        MongoClient rotated = MongoClients.create("mongodb://u:rotated@127.0.0.1:1/?replicaSet=rs0&appName=new");
        MongoClient y = MongoClients.create("mongodb://127.0.0.1:2/?replicaSet=rs0")) {
      f1(1L, x, "bot", held);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
      // A rotated password on the same servers is the same build...
      assertThat(f1(1L, rotated, "bot", held).get(0).message()).startsWith("building since");
      // ...and another cluster named rs0 waits for the one slot rs0 has, to build there.
      assertThat(f1(1L, y, "bot", held).get(0).message()).startsWith("queued:");
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    }
  }

  /** Each place's creation is told: the one in the old database and the one in the new. */
  @Test
  void theCreationsInTheOldAndTheNewDatabaseAreBothTold() {
    f1(1L, one, "a", held);
    f1(2L, one, "b", held);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2
        && nudged.stream().filter("ns/a"::equals).count() == 2);
    assertThat(queue.takeCreated("uid-a")).hasSize(2);
  }

  /**
   * A refusal said at a place the spec has left is dropped when a pass elsewhere ends: a spec that
   * comes back builds afresh there rather than hearing an old BlockedByDuplicates without a recount.
   */
  @Test
  void aRefusalAtAPlaceTheSpecLeftIsNotSaidWhenItComesBack() {
    AtomicInteger runs = new AtomicInteger();
    var blocked = blockedByDuplicates(runs, "2 duplicates");
    queue.forSchema("uid-a", "ns/a", 1L, one, "a").submit("c", List.of(create("c", "u_1")), blocked, () -> null);
    await().atMost(Duration.ofSeconds(10)).until(() -> nudged.contains("ns/a"));
    IndexBuildQueue.Pass elsewhere = queue.forSchema("uid-a", "ns/a", 2L, one, "b");
    queue.passEnded(elsewhere);
    List<Outcome> back = queue.forSchema("uid-a", "ns/a", 3L, one, "a").submit("c", List.of(create("c", "u_1")),
        blocked, () -> null);
    assertThat(results(back)).containsExactly(ActionType.Building);
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
  }
}
