package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.mongo.ServerInfo;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Specs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.mongosteward.mongo.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaStatusesTest {
  static final String SPEC = """
      database: bot
      collections:
        - name: posts
          indexes:
            - {name: a_1, keys: [{field: a}]}
      """;

  static MongoSchema schema(long generation) {
    MongoSchema s = new MongoSchema();
    s.setMetadata(new ObjectMetaBuilder().withName("bot").withNamespace("ns").withGeneration(generation).build());
    s.setSpec(Specs.spec(SPEC));
    return s;
  }

  static SyncResult result(MongoSchema s, Action... planned) {
    return new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(List.of(planned)), List.of(), false);
  }

  @Test
  void readyWhenNothingIsLeftAndTransitionTimeMovesOnlyOnAFlip() {
    Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
    MongoSchema s = schema(1);
    MongoSchemaStatus first = new SchemaStatuses(Clock.fixed(t0, ZoneOffset.UTC)).synced(s, result(s), null, false);
    assertThat(Conditions.isTrue(first.getConditions(), Conditions.READY)).isTrue();
    assertThat(Conditions.find(first.getConditions(), Conditions.READY).getReason()).isEqualTo(Reason.Synced.name());
    assertThat(first.getObservedGeneration()).isEqualTo(1L);
    assertThat(first.getIndexSummary()).isEqualTo("1/1");

    s.setStatus(first);
    MongoSchemaStatus same = new SchemaStatuses(Clock.fixed(t0.plusSeconds(600), ZoneOffset.UTC)).synced(s, result(s), null, false);
    assertThat(same).as("a steady pass builds an equal status: nothing to write").isEqualTo(first);

    s.setStatus(same);
    MongoSchemaStatus conflict = new SchemaStatuses(Clock.fixed(t0.plusSeconds(900), ZoneOffset.UTC)).synced(s,
        result(s, new Action.Reported(ActionType.Conflict, "posts", "a_1", "exists with another definition")), null, false);
    var ready = Conditions.find(conflict.getConditions(), Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.Conflict.name());
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-27T10:15:00Z");
    assertThat(Conditions.isTrue(conflict.getConditions(), Conditions.STALLED)).isTrue();
    assertThat(conflict.getIndexSummary()).isEqualTo("0/1");
  }

  @Test
  void unmanagedIndexesAreListedButDoNotBlockReady() {
    MongoSchema s = schema(2);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s,
        result(s, new Action.Reported(ActionType.Unmanaged, "posts", "legacy_1", "not declared")), null, false);
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.READY)).isTrue();
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getMessage()).contains("1 unmanaged index(es) reported");
    assertThat(st.getUnmanagedIndexes()).extracting(i -> i.getName()).containsExactly("legacy_1");
  }

  @Test
  void pausedShowsWhatWaits() {
    MongoSchema s = schema(1);
    var create = new Action.CreateIndex("posts", io.mongosteward.plan.IndexDefinitions.fromSpec(
        s.getSpec().getCollections().get(0).getIndexes().get(0)));
    SyncResult r = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(List.of(create)), List.of(), true);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, r, null, true);
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getReason()).isEqualTo(Reason.Paused.name());
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getMessage()).contains("1 change(s) wait");
    assertThat(st.getIndexes()).extracting(i -> i.getState().name()).containsExactly("Pending");
  }

  @Test
  void theServerPingIsKeptUntilSomethingElseChanges() {
    MongoSchema s = schema(1);
    SchemaStatuses statuses = new SchemaStatuses(Clock.systemUTC());
    MongoSchemaStatus first = statuses.synced(s, result(s), new ServerInfo("7.0.12", 0.61), false);
    s.setStatus(first);
    MongoSchemaStatus next = statuses.synced(s, result(s), new ServerInfo("7.0.12", 0.93), false);
    assertThat(SchemaStatuses.changed(first, next)).isFalse();
    assertThat(next.getServer().getPingMillis()).isEqualTo(0.61);
  }

  @Test
  void aChangeRefusedForLackOfAPrivilegeIsNotAuthorizedAndStalled() {
    MongoSchema s = schema(3);
    var create = new Action.CreateIndex("posts", io.mongosteward.plan.IndexDefinitions.fromSpec(
        s.getSpec().getCollections().get(0).getIndexes().get(0)));
    String why = "createIndexes posts: code 13 (Unauthorized): not authorized on bot to execute command { createIndexes: "
        + "\"posts\" }; grant the user the createIndex privilege action on this database";
    SyncResult r = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(List.of(create)),
        List.of(Outcome.refused(create, ActionType.NotAuthorized, why, Duration.ofMillis(3))), false);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, r, null, false);
    var ready = Conditions.find(st.getConditions(), Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.NotAuthorized.name());
    assertThat(ready.getMessage()).contains("posts.a_1").contains("the createIndex privilege action");
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.STALLED)).isTrue();
    assertThat(Conditions.find(st.getConditions(), Conditions.STALLED).getReason()).isEqualTo(Reason.NotAuthorized.name());
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.RECONCILING)).isFalse();
    assertThat(st.getIndexSummary()).isEqualTo("0/1");
  }

  @Test
  void aCollectionAnotherSchemaManagesIsCollectionManagedElsewhereNamingTheOwner() {
    MongoSchema s = schema(1);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, result(s,
        new Action.Reported(ActionType.ManagedElsewhere, "posts", "", "managed by MongoSchema ns/other (uid 7f3a); one "
            + "schema manages a collection: declare it there, or delete that schema first")), null, false);
    var ready = Conditions.find(st.getConditions(), Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.CollectionManagedElsewhere.name());
    assertThat(ready.getMessage()).contains("first: posts: managed by MongoSchema ns/other");
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.STALLED)).isTrue();
  }

  /** A schema at the CRD's bounds: 64 collections of 63 indexes, 64 counters, long names. */
  static MongoSchema atTheBounds() {
    MongoSchema s = schema(1);
    s.setSpec(Specs.spec(MongoSchemaOperatorIT.largeSpec("bot", 64, 63, 64, 200, 54)));
    return s;
  }

  @Test
  void aSchemaAtTheCrdBoundsHasACompactStatusOnceConverged() {
    MongoSchema s = atTheBounds();
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, result(s), new ServerInfo("7.0.12", 0.5), false);
    assertThat(st.getIndexSummary()).isEqualTo("4032/4032");
    assertThat(st.getIndexes()).as("nothing to look at").isEmpty();
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(st).length()).isLessThan(8_000);
  }

  @Test
  void thousandsOfIndexesThatWaitListAHundredAndCountThemAll() {
    MongoSchema s = atTheBounds();
    List<Action> creates = s.getSpec().getCollections().stream().flatMap(c -> c.getIndexes().stream()
        .map(i -> (Action) new Action.CreateIndex(c.getName(), io.mongosteward.plan.IndexDefinitions.fromSpec(i)))).toList();
    SyncResult paused = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(creates), List.of(), true);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, paused, null, true);
    assertThat(st.getIndexSummary()).isEqualTo("0/4032");
    assertThat(st.getIndexes()).hasSize(SchemaStatuses.MAX_LISTED).allSatisfy(i -> {
      assertThat(i.getState().name()).isEqualTo("Pending");
      assertThat(i.getMessage().length()).isLessThanOrEqualTo(SchemaStatuses.MAX_MESSAGE);
    });
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getMessage()).contains("4032 change(s) wait");
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(st).length()).isLessThan(64_000);
  }

  @Test
  void hiddenIndexesWaitingForTheirDropAreListedWithTheirTimeAndDoNotBlockReady() {
    Instant at = Instant.parse("2026-11-27T10:00:00Z");
    MongoSchema s = schema(3);
    Action waiting = new Action.DropScheduled("posts", "legacy_1", at, at.plus(Duration.ofHours(24)),
        "dropped: not declared (policy.unmanagedIndexes: Drop)");
    Action.HideIndex hid = new Action.HideIndex("posts", "old_2", false, at.plusSeconds(60),
        at.plusSeconds(60).plus(Duration.ofHours(24)), "dropped: not declared (policy.unmanagedIndexes: Drop)");
    SyncResult r = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(List.of(waiting, hid)),
        List.of(Outcome.applied(hid, "hidden", Duration.ZERO)), false);
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, r, null, false);
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.READY)).isTrue();
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getMessage())
        .contains("2 index(es) hidden, to be dropped (status.hiddenIndexes)");
    assertThat(st.getHiddenIndexes()).extracting(h -> h.getName() + " " + h.getHiddenAt() + " " + h.getDropAfter())
        .containsExactly("legacy_1 2026-11-27T10:00:00Z 2026-11-28T10:00:00Z",
            "old_2 2026-11-27T10:01:00Z 2026-11-28T10:01:00Z");
    // The declared index is untouched by another's wait: 1/1.
    assertThat(st.getIndexSummary()).isEqualTo("1/1");
  }

  @Test
  void aBuildingIndexIsReconcilingNotStalledAndAnotherProblemStaysStalled() {
    MongoSchema s = schema(1);
    var create = new Action.CreateIndex("posts", io.mongosteward.plan.IndexDefinitions.fromSpec(
        s.getSpec().getCollections().get(0).getIndexes().get(0)));
    Outcome building = Outcome.refused(create, ActionType.Building, "building since 2026-11-27T10:00:00Z; progress "
        + "1/4 (25%)", Duration.ZERO);
    SyncResult r = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()), new Plan(List.of(create)),
        List.of(building), false);
    MongoSchemaStatus next = new SchemaStatuses(Clock.systemUTC()).synced(s, r, null, false);
    var ready = Conditions.find(next.getConditions(), Conditions.READY);
    var reconciling = Conditions.find(next.getConditions(), Conditions.RECONCILING);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.IndexBuilding.name());
    assertThat(reconciling.getStatus()).isEqualTo("True");
    assertThat(reconciling.getReason()).isEqualTo(Reason.IndexBuilding.name());
    assertThat(reconciling.getMessage()).isEqualTo("building 1 index(es); first: posts.a_1: building since "
        + "2026-11-27T10:00:00Z; progress 1/4 (25%)");
    assertThat(Conditions.isTrue(next.getConditions(), Conditions.STALLED)).isFalse();
    assertThat(next.getIndexes()).as("building is not a problem to list; Reconciling names it").isEmpty();
    assertThat(next.getIndexSummary()).isEqualTo("0/1");

    SyncResult withConflict = new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()),
        new Plan(List.of(create, new Action.Reported(ActionType.Conflict, "users", "b_1", "exists with another "
            + "definition"))), List.of(building), false);
    MongoSchemaStatus both = new SchemaStatuses(Clock.systemUTC()).synced(s, withConflict, null, false);
    assertThat(Conditions.find(both.getConditions(), Conditions.READY).getReason()).isEqualTo(Reason.Conflict.name());
    assertThat(Conditions.isTrue(both.getConditions(), Conditions.STALLED)).isTrue();
    assertThat(Conditions.isTrue(both.getConditions(), Conditions.RECONCILING)).isTrue();
  }

  @Test
  void aDeclaredIndexWaitingForAHiddenOnesDropIsNotReadyAndTheMessageCountsWhatIsPresent() {
    Instant at = Instant.parse("2026-11-27T10:00:00Z");
    MongoSchema s = schema(4);
    // a_1 is declared; legacy_a_1, with its key pattern, is hidden and goes at dropAfter; a_1 waits.
    Action hidden = new Action.DropScheduled("posts", "legacy_a_1", at, at.plus(Duration.ofHours(24)),
        "dropped: not declared (policy.unmanagedIndexes: Drop)");
    Action waits = new Action.Reported(ActionType.WaitsForDrop, "posts", "a_1", "built once legacy_a_1, which has "
        + "the same keys and options, is dropped after its hiddenFor (policy.dropStrategy HideFirst)");
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, result(s, hidden, waits), null, false);
    var ready = Conditions.find(st.getConditions(), Conditions.READY);
    var reconciling = Conditions.find(st.getConditions(), Conditions.RECONCILING);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.WaitsForDrop.name());
    assertThat(ready.getMessage()).contains("0 of 1 index(es) present").contains("posts.a_1")
        .contains("built once legacy_a_1");
    assertThat(reconciling.getStatus()).as("it goes on by itself at dropAfter").isEqualTo("True");
    assertThat(reconciling.getReason()).isEqualTo(Reason.WaitsForDrop.name());
    assertThat(reconciling.getMessage()).contains("posts.a_1");
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.STALLED)).as("no person needed").isFalse();
    assertThat(st.getIndexes()).extracting(i -> i.getName() + " " + i.getState()).containsExactly("a_1 Pending");
    assertThat(st.getIndexSummary()).isEqualTo("0/1");
    assertThat(st.getHiddenIndexes()).extracting(h -> h.getName()).containsExactly("legacy_a_1");
  }

  @Test
  void theReadyMessageCountsThePresentIndexesNotTheDeclaredOnes() {
    MongoSchema s = schema(5);
    s.setSpec(Specs.spec(SPEC + "      - {name: b_1, keys: [{field: b}]}\n"));
    MongoSchemaStatus st = new SchemaStatuses(Clock.systemUTC()).synced(s, result(s,
        new Action.Reported(ActionType.NameMismatch, "posts", "b_1", "present as b_old with the same keys and options; "
            + "kept as is")), null, false);
    assertThat(Conditions.isTrue(st.getConditions(), Conditions.READY)).isTrue();
    assertThat(Conditions.find(st.getConditions(), Conditions.READY).getMessage()).startsWith("2 index(es) present");
    // Any declared index not present, with nothing else to say: not Ready, and the message says which.
    MongoSchemaStatus pending = new SchemaStatuses(Clock.systemUTC()).synced(s, result(s,
        new Action.DropScheduled("posts", "b_1", Instant.EPOCH, Instant.EPOCH.plusSeconds(60), "rebuilt")), null, false);
    var ready = Conditions.find(pending.getConditions(), Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reason.Reconciling.name());
    assertThat(ready.getMessage()).contains("1 of 2 index(es) present").contains("posts.b_1");
  }
}
