package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Specs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which unique builds a resync counts instead of building, after duplicates blocked them. */
class BlockedBuildsTest {
  static final Duration RECHECK = Duration.ofHours(1);
  static final String SPEC = """
      database: bot
      collections:
        - name: posts
          indexes:
            - {name: post_id_unique, keys: [{field: post_id}], unique: true}
            - {name: link_unique, keys: [{field: link}], unique: true}
      """;

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-27T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final MutableClock clock = new MutableClock();
  private final BlockedBuilds blocked = new BlockedBuilds(clock, RECHECK);

  static MongoSchema schema(String uid, long generation) {
    MongoSchema s = new MongoSchema();
    s.setMetadata(new ObjectMetaBuilder().withName("bot").withNamespace("ns").withUid(uid).withGeneration(generation)
        .build());
    s.setSpec(Specs.spec(SPEC));
    return s;
  }

  static Action.CreateIndex create(MongoSchemaSpec spec, String name) {
    IndexSpec index = spec.getCollections().get(0).getIndexes().stream().filter(i -> i.getName().equals(name))
        .findFirst().orElseThrow();
    return new Action.CreateIndex("posts", IndexDefinitions.fromSpec(index));
  }

  /** A pass as the engine returns it: its plan, and what became of each change. */
  static SyncResult result(MongoSchema s, Outcome... outcomes) {
    List<Action> planned = java.util.Arrays.stream(outcomes).map(Outcome::action).toList();
    return new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(planned), List.of(outcomes), false);
  }

  static Outcome blockedBy(Action a) {
    return Outcome.refused(a, ActionType.BlockedByDuplicates, "1 duplicate key group, e.g. {post_id=1} x2", Duration.ZERO);
  }

  boolean selects(MongoSchema s, Action a) {
    return blocked.checkFor(s).test(a);
  }

  @Test
  void aBlockedBuildIsCountedInsteadUntilTheRecheckIsDue() {
    MongoSchema s = schema("uid-1", 3);
    Action.CreateIndex unique = create(s.getSpec(), "post_id_unique");
    assertThat(selects(s, unique)).as("never blocked: built straight away").isFalse();

    blocked.record(s, result(s, blockedBy(unique)));
    assertThat(selects(s, unique)).isTrue();
    assertThat(selects(s, create(s.getSpec(), "link_unique"))).as("another index").isFalse();
    assertThat(selects(schema("uid-2", 3), unique)).as("another object of the same name").isFalse();

    clock.advance(RECHECK.minusSeconds(1));
    assertThat(selects(s, unique)).as("just before the recheck").isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(selects(s, unique)).as("the recheck is due: built again").isFalse();

    // Blocked again by that build: counted for another full period.
    blocked.record(s, result(s, blockedBy(unique)));
    clock.advance(RECHECK.minusSeconds(1));
    assertThat(selects(s, unique)).isTrue();
  }

  @Test
  void aNewGenerationIsBuiltAtOnce() {
    MongoSchema s = schema("uid-1", 3);
    Action.CreateIndex unique = create(s.getSpec(), "post_id_unique");
    blocked.record(s, result(s, blockedBy(unique)));
    assertThat(selects(s, unique)).isTrue();
    assertThat(selects(schema("uid-1", 4), unique)).as("the spec was edited").isFalse();
  }

  @Test
  void aSuccessfulBuildIsForgottenAndSoIsADeletedSchema() {
    MongoSchema s = schema("uid-1", 3);
    Action.CreateIndex unique = create(s.getSpec(), "post_id_unique");
    Action.CreateIndex link = create(s.getSpec(), "link_unique");
    blocked.record(s, result(s, blockedBy(unique), blockedBy(link)));
    assertThat(selects(s, unique)).isTrue();

    // The recount found none and the build went ahead.
    blocked.record(s, result(s, Outcome.applied(unique, "created", Duration.ofMillis(5))));
    assertThat(selects(s, unique)).isFalse();
    // A failure of another kind keeps what was known.
    blocked.record(s, result(s, Outcome.refused(link, ActionType.Failed, "code 1", Duration.ZERO)));
    assertThat(selects(s, link)).isTrue();

    blocked.forget(s);
    assertThat(selects(s, link)).isFalse();
  }

  @Test
  void anotherDeclarationOfTheSameNameIsBuilt() {
    MongoSchema s = schema("uid-1", 3);
    blocked.record(s, result(s, blockedBy(create(s.getSpec(), "post_id_unique"))));
    MongoSchemaSpec changed = Specs.spec(SPEC.replace("keys: [{field: post_id}]", "keys: [{field: post_no}]"));
    assertThat(selects(s, create(changed, "post_id_unique"))).isFalse();
  }

  /** As a restart finds it: the stored status of {@code generation} lists post_id_unique as blocked. */
  static MongoSchema withBlockedStatus(MongoSchema s, long generation) {
    var status = new io.mongosteward.api.v1alpha1.MongoSchemaStatus();
    status.setObservedGeneration(generation);
    status.setIndexes(List.of(new io.mongosteward.api.v1alpha1.IndexStatus("posts", "post_id_unique",
        io.mongosteward.api.v1alpha1.IndexState.BlockedByDuplicates, "1 duplicate key group")));
    s.setStatus(status);
    return s;
  }

  @Test
  void afterARestartTheStoredStatusSaysWhichBuildsWereBlocked() {
    MongoSchema s = withBlockedStatus(schema("uid-1", 3), 3);
    Action.CreateIndex unique = create(s.getSpec(), "post_id_unique");
    assertThat(selects(s, unique)).as("blocked before this process ran: counted, not built").isTrue();
    assertThat(selects(s, create(s.getSpec(), "link_unique"))).as("not listed as blocked").isFalse();
    assertThat(selects(withBlockedStatus(schema("uid-1", 4), 3), unique)).as("the status of an older generation")
        .isFalse();

    // The recheck runs from the restart.
    clock.advance(RECHECK.minusSeconds(1));
    assertThat(selects(s, unique)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(selects(s, unique)).as("the recheck is due: built again").isFalse();
  }
}
