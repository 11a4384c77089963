package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * policy.dropStrategy HideFirst, decided by the planner alone from fixtures: the listIndexes
 * entries as mongod 4.4 and later return them (a hidden index carries {@code hidden: true}), the
 * hidden-at times as the metadata collection holds them, and a clock set by each test. Each step
 * of hide, wait, drop (or unhide) is one plan; a "restart" is a new planner reading the same record.
 */
class HideFirstPlannerTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Owner ME = new Owner("team", "posts", "uid-1");
  static final String ID = "{v: 2, key: {_id: 1}, name: '_id_'}";
  static final String LEGACY = "{v: 2, key: {legacy: 1}, name: 'legacy_1'}";
  static final String LEGACY_HIDDEN = "{v: 2, key: {legacy: 1}, name: 'legacy_1', hidden: true}";

  static final String DROP = """
      database: bot
      collections:
        - name: posts
          indexes:
            - {name: a_1, keys: [{field: a}]}
      policy: {unmanagedIndexes: Drop}
      """;

  static Planner at(Instant now) {
    return new Planner(Clock.fixed(now, ZoneOffset.UTC));
  }

  /** posts as listIndexes shows it, with the collection's record (claimed by ME) holding {@code hidden}. */
  static ObservedState posts(List<ManagedRecord.Hidden> hidden, String... entries) {
    List<IndexDefinition> defs = new java.util.ArrayList<>();
    defs.add(IndexDefinitions.fromListIndexes(Document.parse(ID)));
    for (String e : entries) defs.add(IndexDefinitions.fromListIndexes(Document.parse(e)));
    ManagedRecord record = new ManagedRecord("collection:posts", ME, List.of(), hidden);
    return new ObservedState(Map.of("posts", defs), Map.of(), Map.of(), Map.of(record.id(), record));
  }

  static List<String> types(Plan plan) {
    return plan.actions().stream().map(a -> a.type() + " " + a.collection() + "." + a.name()).toList();
  }

  static List<ManagedRecord.Hidden> hiddenAt(Instant at) {
    return List.of(new ManagedRecord.Hidden("legacy_1", at));
  }

  @Test
  void anUndeclaredIndexIsHiddenThenWaitedForThenDroppedAfterHiddenFor() {
    // Pass 1: visible, no record: hide it, recording the planner's time.
    Plan first = at(T0).plan(Specs.spec(DROP), posts(List.of(), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY), ME);
    assertThat(types(first)).containsExactly("HideIndex posts.legacy_1");
    var hide = (Action.HideIndex) first.actions().get(0);
    assertThat(hide.alreadyHidden()).isFalse();
    assertThat(hide.at()).isEqualTo(T0);
    assertThat(hide.dropAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));
    assertThat(hide.detail()).contains("collMod hidden: true").contains("dropped").contains("2026-03-02T10:00:00Z");

    // Pass 2, an hour later: hidden, recorded at T0: nothing to change, the wait is a note.
    ObservedState hidden = posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN);
    Plan waiting = at(T0.plus(Duration.ofHours(1))).plan(Specs.spec(DROP), hidden, ME);
    assertThat(types(waiting)).containsExactly("DropScheduled posts.legacy_1");
    assertThat(waiting.hasChanges()).isFalse();
    assertThat(waiting.reports()).isEmpty();
    var scheduled = (Action.DropScheduled) waiting.actions().get(0);
    assertThat(scheduled.hiddenAt()).isEqualTo(T0);
    assertThat(scheduled.dropAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));

    // One second before the time: still waiting.
    assertThat(types(at(T0.plus(Duration.ofHours(24)).minusSeconds(1)).plan(Specs.spec(DROP), hidden, ME)))
        .containsExactly("DropScheduled posts.legacy_1");

    // The first pass at or after it: the drop.
    Plan due = at(T0.plus(Duration.ofHours(24))).plan(Specs.spec(DROP), hidden, ME);
    assertThat(types(due)).containsExactly("DropIndex posts.legacy_1");
    assertThat(due.actions().get(0).detail()).contains("hidden since 2026-03-01T10:00:00Z");
  }

  @Test
  void aRestartKeepsTheRecordedTimeAndTheClockGoesOn() {
    ObservedState hidden = posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN);
    // The operator restarted 20 hours in: a new planner, the same record read back.
    Planner afterRestart = at(T0.plus(Duration.ofHours(20)));
    Plan plan = afterRestart.plan(Specs.spec(DROP), hidden, ME);
    assertThat(types(plan)).containsExactly("DropScheduled posts.legacy_1");
    assertThat(((Action.DropScheduled) plan.actions().get(0)).dropAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));
    // Not a new HideIndex: the wait did not start again.
    assertThat(plan.actions()).noneMatch(a -> a instanceof Action.HideIndex);
    assertThat(types(at(T0.plus(Duration.ofHours(25))).plan(Specs.spec(DROP), hidden, ME)))
        .containsExactly("DropIndex posts.legacy_1");
  }

  @Test
  void declaredAgainBeforeTheDropUnhidesItWithoutARebuild() {
    String back = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_1, keys: [{field: legacy}]}
        policy: {unmanagedIndexes: Drop}
        """;
    Plan plan = at(T0.plus(Duration.ofHours(2))).plan(Specs.spec(back),
        posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN), ME);
    assertThat(types(plan)).containsExactly("UnhideIndex posts.legacy_1");
    assertThat(plan.actions().get(0).detail()).contains("collMod hidden: false").contains("no rebuild");
  }

  @Test
  void declaredAgainAsHiddenOnlyForgetsTheRecord() {
    String back = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
              - {name: legacy_1, keys: [{field: legacy}], hidden: true}
        policy: {unmanagedIndexes: Drop}
        """;
    Plan plan = at(T0.plus(Duration.ofHours(2))).plan(Specs.spec(back),
        posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN), ME);
    assertThat(types(plan)).containsExactly("ForgetHidden posts.legacy_1");
  }

  @Test
  void anIndexAPersonHidBeforeStartsItsWaitWhenFirstSeen() {
    Plan plan = at(T0).plan(Specs.spec(DROP), posts(List.of(), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN), ME);
    assertThat(types(plan)).containsExactly("HideIndex posts.legacy_1");
    var hide = (Action.HideIndex) plan.actions().get(0);
    assertThat(hide.alreadyHidden()).isTrue();
    assertThat(hide.dropAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));
    assertThat(hide.detail()).contains("already hidden");
  }

  @Test
  void anIndexAPersonUnhidDuringTheWaitIsHiddenAgainAndWaitsTheWholeHiddenForAgain() {
    Instant now = T0.plus(Duration.ofHours(30)); // past the first wait: it must still not be dropped
    Plan plan = at(now).plan(Specs.spec(DROP), posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY), ME);
    assertThat(types(plan)).containsExactly("HideIndex posts.legacy_1");
    var hide = (Action.HideIndex) plan.actions().get(0);
    assertThat(hide.alreadyHidden()).isFalse();
    assertThat(hide.at()).isEqualTo(now);
    assertThat(hide.dropAfter()).isEqualTo(now.plus(Duration.ofHours(24)));
  }

  @Test
  void immediateDropsAtOnceAndHiddenForIsTaken() {
    ObservedState visible = posts(List.of(), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY);
    assertThat(types(at(T0).plan(Specs.spec(DROP.replace("Drop}", "Drop, dropStrategy: Immediate}")), visible, ME)))
        .containsExactly("DropIndex posts.legacy_1");
    Plan thirty = at(T0).plan(Specs.spec(DROP.replace("Drop}", "Drop, hiddenFor: 30m}")), visible, ME);
    assertThat(((Action.HideIndex) thirty.actions().get(0)).dropAfter()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    ObservedState hidden = posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN);
    assertThat(types(at(T0.plus(Duration.ofMinutes(30))).plan(Specs.spec(DROP.replace("Drop}", "Drop, hiddenFor: 30m}")),
        hidden, ME))).containsExactly("DropIndex posts.legacy_1");
  }

  @Test
  void backToReportUnhidesWhatWasHiddenForTheDrop() {
    String report = DROP.replace("policy: {unmanagedIndexes: Drop}", "policy: {unmanagedIndexes: Report}");
    Plan plan = at(T0.plus(Duration.ofHours(1))).plan(Specs.spec(report),
        posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN), ME);
    assertThat(types(plan)).containsExactly("UnhideIndex posts.legacy_1", "Unmanaged posts.legacy_1");
  }

  @Test
  void theRecordOfAnIndexDroppedByHandIsForgotten() {
    Plan plan = at(T0.plus(Duration.ofHours(1))).plan(Specs.spec(DROP),
        posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}"), ME);
    assertThat(types(plan)).containsExactly("ForgetHidden posts.legacy_1");
  }

  @Test
  void aRecreateRebuildsAtOnceWithoutHidingTheNameItNeeds() {
    // Hiding the old definition would hide the very name the declared one needs, for all of
    // hiddenFor: a Recreate drops and rebuilds at once, whatever the dropStrategy.
    String recreate = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_1, keys: [{field: legacy}], sparse: true}
        policy: {onConflict: Recreate}
        """;
    Plan plan = at(T0).plan(Specs.spec(recreate), posts(List.of(), LEGACY), ME);
    assertThat(types(plan)).containsExactly("RecreateIndex posts.legacy_1");
    assertThat(plan.actions()).noneMatch(a -> a instanceof Action.HideIndex);
  }

  @Test
  void anIndexHiddenForARecreateByAnEarlierVersionIsRebuiltAtOnceOrUnhiddenUnderReport() {
    String recreate = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_1, keys: [{field: legacy}], sparse: true}
        policy: {onConflict: Recreate}
        """;
    ObservedState hidden = posts(hiddenAt(T0), LEGACY_HIDDEN);
    // An hour into the wait an earlier version planned: rebuilt now, not after the day.
    assertThat(types(at(T0.plus(Duration.ofHours(1))).plan(Specs.spec(recreate), hidden, ME)))
        .containsExactly("RecreateIndex posts.legacy_1");
    // Back to Report before then: the conflict is reported, and the index unhidden.
    Plan report = at(T0.plus(Duration.ofHours(2))).plan(Specs.spec(recreate.replace("Recreate", "Report")), hidden, ME);
    assertThat(types(report)).containsExactly("UnhideIndex posts.legacy_1", "Conflict posts.legacy_1");
  }

  @Test
  void putBackUnderItsOwnNameWithOtherOptionsUnderRecreateIsRebuiltVisibleAtOnce() {
    // legacy_1 left the spec and is hidden, waiting for its drop; it comes back sparse.
    String back = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_1, keys: [{field: legacy}], sparse: true}
        policy: {unmanagedIndexes: Drop, onConflict: Recreate}
        """;
    Plan plan = at(T0.plus(Duration.ofHours(2))).plan(Specs.spec(back), posts(hiddenAt(T0), LEGACY_HIDDEN), ME);
    assertThat(types(plan)).containsExactly("RecreateIndex posts.legacy_1");
    var rebuild = (Action.RecreateIndex) plan.actions().get(0);
    assertThat(rebuild.index().hidden()).as("built as declared: visible").isFalse();
    assertThat(rebuild.index().sparse()).isTrue();
  }

  @Test
  void aHiddenIndexDeclaredAgainUnderAnotherNameIsUnhiddenAndKeptNotBuiltTwice() {
    // legacy_1 left the spec and is hidden; the spec now declares the same keys as legacy_renamed.
    String renamed = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_renamed, keys: [{field: legacy}]}
        policy: {unmanagedIndexes: Drop}
        """;
    Plan plan = at(T0.plus(Duration.ofHours(2))).plan(Specs.spec(renamed), posts(hiddenAt(T0), LEGACY_HIDDEN), ME);
    // As for a visible twin: kept under its old name (NameMismatch), and unhidden as declared.
    assertThat(types(plan)).containsExactly("UnhideIndex posts.legacy_1", "NameMismatch posts.legacy_renamed");
    assertThat(plan.actions().get(1).detail()).contains("present as legacy_1").contains("unhidden");
    assertThat(plan.actions()).noneMatch(a -> a.type() == ActionType.CreateIndex || a.type() == ActionType.WaitsForDrop
        || a.type() == ActionType.DropScheduled || a.type() == ActionType.DropIndex);
    // The next pass, unhidden and its record cleared: only the note.
    assertThat(types(at(T0.plus(Duration.ofDays(2))).plan(Specs.spec(renamed), posts(List.of(), LEGACY), ME)))
        .containsExactly("NameMismatch posts.legacy_renamed");
  }

  @Test
  void aTwinAPersonHidIsUnhiddenAsDeclaredAndATwinDeclaredHiddenIsHidden() {
    String renamed = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_renamed, keys: [{field: legacy}]%s}
        """;
    // Hidden by hand, no record: a collMod on the twin, as a declared index hidden by hand gets.
    Plan unhide = at(T0).plan(Specs.spec(renamed.formatted("")), posts(List.of(), LEGACY_HIDDEN), ME);
    assertThat(types(unhide)).containsExactly("ModifyIndex posts.legacy_1", "NameMismatch posts.legacy_renamed");
    assertThat(unhide.actions().get(0).detail()).contains("hidden true -> false");
    Plan hide = at(T0).plan(Specs.spec(renamed.formatted(", hidden: true")), posts(List.of(), LEGACY), ME);
    assertThat(types(hide)).containsExactly("ModifyIndex posts.legacy_1", "NameMismatch posts.legacy_renamed");
    assertThat(hide.actions().get(0).detail()).contains("hidden false -> true");
    // An exact twin is preferred to one that differs only in hidden.
    Plan exact = at(T0).plan(Specs.spec(renamed.formatted("")), posts(List.of(), LEGACY_HIDDEN.replace("legacy_1",
        "legacy_a"), LEGACY.replace("legacy_1", "legacy_b")), ME);
    assertThat(types(exact)).containsExactly("NameMismatch posts.legacy_renamed", "Unmanaged posts.legacy_a");
    assertThat(exact.actions().get(0).detail()).contains("present as legacy_b");
  }

  @Test
  void aRecordFromTheFutureRestartsTheWaitFromNowNeitherEarlyNorForever() {
    // The clock went back a year (or another replica's ran ahead): the record says hidden in the future.
    Instant future = T0.plus(Duration.ofDays(365));
    Plan plan = at(T0).plan(Specs.spec(DROP), posts(hiddenAt(future), "{v: 2, key: {a: 1}, name: 'a_1'}",
        LEGACY_HIDDEN), ME);
    assertThat(types(plan)).as("not dropped: it has not been hidden for hiddenFor as far as this clock knows")
        .containsExactly("HideIndex posts.legacy_1");
    var hide = (Action.HideIndex) plan.actions().get(0);
    assertThat(hide.alreadyHidden()).as("hidden already: only the time is recorded again").isTrue();
    assertThat(hide.at()).isEqualTo(T0);
    assertThat(hide.dropAfter()).as("not a year and a day away").isEqualTo(T0.plus(Duration.ofHours(24)));
    // With the time recorded again: a wait, then the drop a full hiddenFor after it was noticed.
    ObservedState rerecorded = posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN);
    assertThat(types(at(T0.plus(Duration.ofHours(23))).plan(Specs.spec(DROP), rerecorded, ME)))
        .containsExactly("DropScheduled posts.legacy_1");
    assertThat(types(at(T0.plus(Duration.ofHours(24))).plan(Specs.spec(DROP), rerecorded, ME)))
        .containsExactly("DropIndex posts.legacy_1");
  }

  @Test
  void deletingTheSchemaUnhidesWhatItHidForADropUnderRetainAndDelete() {
    ObservedState hidden = posts(hiddenAt(T0), "{v: 2, key: {a: 1}, name: 'a_1'}", LEGACY_HIDDEN);
    // Retain: the database is left as the application needs it, so nothing stays hidden.
    Plan retain = at(T0.plus(Duration.ofHours(1))).planDeletion(Specs.spec(DROP), hidden, ME, false);
    assertThat(types(retain)).containsExactly("UnhideIndex posts.legacy_1", "Release posts.");
    assertThat(retain.actions().get(0).detail()).contains("deleted");
    // Delete drops only the declared indexes: an undeclared one goes back as it was, visible.
    Plan delete = at(T0.plus(Duration.ofHours(1))).planDeletion(Specs.spec(DROP), hidden, ME, true);
    assertThat(types(delete)).containsExactly("DropIndex posts.a_1", "UnhideIndex posts.legacy_1", "Release posts.");
    // Another schema's collection: untouched.
    Owner other = new Owner("team", "other", "uid-2");
    assertThat(types(at(T0).planDeletion(Specs.spec(DROP), hidden, other, false))).isEmpty();
  }

  @Test
  void aNewIndexNeedingTheHiddenOnesKeyPatternWaitsForItsDrop() {
    String renamed = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: legacy_renamed, keys: [{field: legacy}], expireAfterSeconds: 60}
        policy: {unmanagedIndexes: Drop}
        """;
    Plan plan = at(T0).plan(Specs.spec(renamed), posts(List.of(), LEGACY), ME);
    // No CreateIndex: the server refuses a second index with the same keys (and collation,
    // partial filter, unique, sparse); a TTL does not tell them apart.
    assertThat(types(plan)).containsExactly("HideIndex posts.legacy_1", "WaitsForDrop posts.legacy_renamed");
    Plan due = at(T0.plus(Duration.ofDays(1))).plan(Specs.spec(renamed), posts(hiddenAt(T0), LEGACY_HIDDEN), ME);
    assertThat(types(due)).containsExactly("DropIndex posts.legacy_1", "CreateIndex posts.legacy_renamed");
  }
}
