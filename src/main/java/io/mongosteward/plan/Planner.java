package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.ConflictPolicy;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.DropStrategy;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.api.v1alpha1.PolicySpec;
import io.mongosteward.api.v1alpha1.UnmanagedIndexPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Desired spec + observed state -> ordered plan. Pure: no I/O, and the clock is injected, so every
 * case is a unit test. Per collection: the claim, drops that free a key pattern, rebuilds, in-place
 * changes, creations, then drops of indexes whose replacement now exists; counters come last.
 *
 * <p>Under policy.dropStrategy HideFirst a drop of an undeclared index (unmanagedIndexes: Drop)
 * goes hide, wait, drop: the first pass hides the index and records when (the record is part of
 * the observed state, so a restart keeps the time); passes before hiddenFor has passed note the
 * wait; the first pass after it drops. An index declared again before then, under its own name or
 * as the twin of a new name, is unhidden. An index a person hid before the drop was planned starts
 * its wait when first seen; one a person unhid meanwhile is hidden again, and its wait starts
 * again: it is never dropped before it has been hidden for the whole of hiddenFor. A record from
 * the future (the clock went back) is recorded again at now. A Recreate is never hidden first:
 * hiding the old definition would hide the name the declared one needs, for all of hiddenFor.
 */
public final class Planner {
  /** MongoDB's own index on _id: never reported, never dropped. */
  public static final String ID_INDEX = "_id_";
  /** Properties that tell two indexes with the same keys apart (mongod 5.0 and later). */
  private static final Set<String> SIGNATURE = Set.of("keys", "collation", "partialFilterExpression", "unique", "sparse");

  private final Clock clock;

  public Planner() {
    this(Clock.systemUTC());
  }

  /** @param clock when hides are recorded and waits end: injected, so that no test waits a day */
  public Planner(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param owner the schema this plan is for: collections and counters another schema manages
   *     are reported and left alone, and unclaimed ones are claimed first
   */
  public Plan plan(MongoSchemaSpec spec, ObservedState observed, Owner owner) {
    return plan(spec, observed, Objects.requireNonNull(owner, "owner"), true);
  }

  /** Without ownership records, for tests of the index logic alone. */
  Plan plan(MongoSchemaSpec spec, ObservedState observed) {
    return plan(spec, observed, null, false);
  }

  private Plan plan(MongoSchemaSpec spec, ObservedState observed, Owner owner, boolean owned) {
    List<Action> actions = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    for (CollectionSpec collection : spec.getCollections()) {
      String id = ManagedRecord.collectionId(collection.getName());
      declared.add(id);
      ManagedRecord record = observed.records().get(id);
      if (owned && !ownership(id, collection.getName(), "", record, owner, actions)) {
        continue;
      }
      actions.addAll(planCollection(collection, observed, record, spec));
    }
    for (CounterSpec counter : spec.getCounters()) {
      String id = ManagedRecord.counterId(counter.getCollection(), counter.getName());
      declared.add(id);
      if (owned && !ownership(id, counter.getCollection(), counter.getName(), observed.records().get(id), owner, actions)) {
        continue;
      }
      actions.addAll(planCounter(counter, observed.counter(counter.getCollection(), counter.getName())));
    }
    if (owned) {
      observed.records().values().stream()
          .filter(r -> !declared.contains(r.id()) && r.owner().sameAs(owner))
          .forEach(r -> actions.add(release(r.id())));
    }
    return new Plan(actions);
  }

  /**
   * What deleting the schema does: with {@code dropIndexes} (deletionPolicy Delete) drop the
   * declared indexes that exist, in the collections this schema manages; with either policy,
   * unhide the indexes it hid on their way to a drop; then release every record it holds.
   * Undeclared indexes and _id_ stay, visible.
   */
  public Plan planDeletion(MongoSchemaSpec spec, ObservedState observed, Owner owner, boolean dropIndexes) {
    List<Action> actions = new ArrayList<>();
    for (CollectionSpec c : spec.getCollections()) {
      ManagedRecord record = observed.records().get(ManagedRecord.collectionId(c.getName()));
      if (record != null && !record.owner().sameAs(owner)) {
        continue;
      }
      Set<String> dropped = new HashSet<>();
      if (dropIndexes) {
        Set<String> existing = new HashSet<>();
        observed.indexesOf(c.getName()).forEach(i -> existing.add(i.name()));
        c.getIndexes().stream().filter(i -> existing.contains(i.getName())).forEach(i -> {
          dropped.add(i.getName());
          actions.add(new Action.DropIndex(c.getName(), i.getName(), "deletionPolicy: Delete"));
        });
      }
      if (record != null) {
        // Hidden on the way to a drop this schema will no longer make: the record goes with the
        // schema, so unhide it now, or it would stay hidden for good with nothing to say why.
        observed.indexesOf(c.getName()).stream()
            .filter(i -> i.hidden() && record.hiddenAt(i.name()) != null && !dropped.contains(i.name()))
            .forEach(i -> actions.add(new Action.UnhideIndex(c.getName(), i.name(),
                "the schema is deleted before its drop; left visible, as it was before it was hidden")));
      }
    }
    observed.records().values().stream().filter(r -> r.owner().sameAs(owner)).forEach(r -> actions.add(release(r.id())));
    return new Plan(actions);
  }

  /** Adds a claim or a report; false when another schema manages the target. */
  private static boolean ownership(String id, String collection, String name, ManagedRecord record, Owner owner,
      List<Action> actions) {
    if (record != null && !record.owner().sameAs(owner)) {
      actions.add(new Action.Reported(ActionType.ManagedElsewhere, collection, name, "managed by "
          + record.owner().describeTo(owner) + "; one schema manages a " + (name.isEmpty() ? "collection" : "counter")
          + ": declare it there, or delete that schema first; if it is gone already (deleted while no operator "
          + "watched its namespace), release its record by hand: db." + SpecValidator.METADATA_COLLECTION
          + ".deleteOne({_id: \"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"})"));
      return false;
    }
    // A record the CLI wrote has no uid: the operator stamps its own.
    if (record == null || (record.owner().uid() == null && owner.uid() != null)) {
      actions.add(new Action.Claim(collection, name, id, owner));
    }
    return true;
  }

  private static Action release(String id) {
    String target = id.substring(id.indexOf(':') + 1);
    if (id.startsWith("counter:")) {
      int dollar = target.indexOf('$');
      return new Action.Release(target.substring(0, dollar), target.substring(dollar + 1), id);
    }
    return new Action.Release(target, "", id);
  }

  private List<Action> planCollection(CollectionSpec collection, ObservedState state, ManagedRecord record,
      MongoSchemaSpec spec) {
    String coll = collection.getName();
    List<IndexDefinition> observed = state.indexesOf(coll);
    Map<String, Object> defaultCollation = state.defaultCollationOf(coll);
    Map<String, IndexDefinition> observedByName = new LinkedHashMap<>();
    observed.forEach(o -> observedByName.put(o.name(), o));
    Set<String> declaredNames = new HashSet<>();
    collection.getIndexes().forEach(i -> declaredNames.add(i.getName()));

    List<Action> rebuilds = new ArrayList<>();
    List<Action> modifies = new ArrayList<>();
    List<Action.CreateIndex> creates = new ArrayList<>();
    List<Action> reports = new ArrayList<>();
    Set<String> accounted = new HashSet<>(Set.of(ID_INDEX));

    for (IndexSpec indexSpec : collection.getIndexes()) {
      IndexDefinition desired = forCollection(IndexDefinitions.fromSpec(indexSpec), defaultCollation);
      IndexDefinition existing = observedByName.get(desired.name());
      if (existing != null) {
        accounted.add(existing.name());
        List<IndexDefinition.Difference> diffs = desired.differencesFrom(existing, defaultCollation);
        if (diffs.isEmpty()) {
          releaseHidden(coll, existing, desired.hidden(), record, "declared as it is", modifies);
          continue;
        }
        Optional<ManagedRecord.Unkept> unkept = unkept(record, desired, diffs);
        if (unkept.isPresent()) {
          reports.add(new Action.Reported(ActionType.Unsupported, coll, desired.name(), "the server does not keep "
              + String.join(", ", unkept.get().options()) + ": it accepted the index and dropped "
              + (unkept.get().options().size() == 1 ? "that option" : "those options") + "; it is not rebuilt for it"));
        } else if (diffs.stream().allMatch(IndexDefinition.Difference::modifiable)) {
          modifies.addAll(modifyKeepingHidden(coll, desired, existing, diffs, record));
          continue;
        } else if (spec.getPolicy().getOnConflict() == ConflictPolicy.Recreate) {
          // At once, whatever the dropStrategy: hiding the old definition first would hide the name
          // the declared one is rebuilt under, and leave the declaration unmet for all of hiddenFor.
          // A hidden-at record of the old one is cleared by the rebuild.
          rebuilds.add(new Action.RecreateIndex(coll, desired, diffs, desired.unique() || existing.unique()));
          continue;
        } else {
          reports.add(new Action.Reported(ActionType.Conflict, coll, desired.name(),
              "exists with another definition: " + diffs
                  + "; set policy.onConflict: Recreate to rebuild it, or rename the index in the spec"));
        }
        releaseHidden(coll, existing, desired.hidden(), record, "no longer to be rebuilt", modifies);
        continue;
      }
      // A twin may differ in hidden alone: an index hidden on its way to a drop and now declared
      // again under a new name is the declared index, unhidden, never built a second time. An
      // exact twin is taken first.
      Optional<IndexDefinition> twin = observed.stream()
          .filter(o -> !declaredNames.contains(o.name()) && !accounted.contains(o.name()))
          .filter(o -> desired.differencesFrom(o, defaultCollation).stream().allMatch(d -> d.property().equals("hidden")))
          .sorted(Comparator.comparing(o -> o.hidden() != desired.hidden()))
          .findFirst();
      if (twin.isPresent()) {
        IndexDefinition t = twin.get();
        accounted.add(t.name());
        boolean unhidden = releaseHidden(coll, t, desired.hidden(), record,
            "declared again as " + Quoting.name(desired.name()), modifies);
        if (!unhidden && t.hidden() != desired.hidden()) {
          // As for a declared index hidden or unhidden by hand: collMod, under the twin's name.
          modifies.add(new Action.ModifyIndex(coll, new IndexDefinition(t.name(), t.keys(), t.unique(), t.sparse(),
              desired.hidden(), t.expireAfterSeconds(), t.partialFilter(), t.collation(), t.typeOptions(),
              t.createOptions()), List.of(new IndexDefinition.Difference("hidden", desired.hidden(), t.hidden(), true))));
        }
        reports.add(new Action.Reported(ActionType.NameMismatch, coll, desired.name(),
            "present as " + Quoting.name(t.name()) + " with the same keys and options; kept as is"
                + (t.hidden() == desired.hidden() ? "" : desired.hidden() ? ", and hidden as declared"
                    : ", and unhidden as declared")));
      } else {
        creates.add(new Action.CreateIndex(coll, desired));
      }
    }

    List<Action> earlyDrops = new ArrayList<>();
    List<Action> lateDrops = new ArrayList<>();
    for (IndexDefinition o : observed) {
      if (accounted.contains(o.name())) {
        continue;
      }
      if (spec.getPolicy().getUnmanagedIndexes() == UnmanagedIndexPolicy.Drop) {
        Optional<Action.CreateIndex> replacedBy = creates.stream()
            .filter(c -> collides(c.index(), o, defaultCollation)).findFirst();
        if (replacedBy.isPresent()) {
          // The new index cannot stand beside it (same key pattern and options): it must go first.
          Action drop = hideFirst(coll, o, record, spec.getPolicy(), new Action.DropIndex(coll, o.name(),
              "not declared (policy.unmanagedIndexes: Drop); it must go before "
                  + Quoting.name(replacedBy.get().name()) + " can be built"
                  + (o.unique() ? ", so uniqueness is NOT enforced until that build ends" : ""), false),
              "dropped: not declared (policy.unmanagedIndexes: Drop)");
          earlyDrops.add(drop);
          if (!(drop instanceof Action.DropIndex)) {
            // Same key pattern: the new index can be built only once the hidden one is gone.
            creates.remove(replacedBy.get());
            reports.add(new Action.Reported(ActionType.WaitsForDrop, coll, replacedBy.get().name(),
                "built once " + Quoting.name(o.name()) + ", which has the same keys and options, is dropped after "
                    + "its hiddenFor (policy.dropStrategy HideFirst)"));
          }
        } else {
          lateDrops.add(hideFirst(coll, o, record, spec.getPolicy(), new Action.DropIndex(coll, o.name(),
              "not declared (policy.unmanagedIndexes: Drop)"
                  + (creates.isEmpty() ? "" : "; dropped after the new indexes exist"), true),
              "dropped: not declared (policy.unmanagedIndexes: Drop)"));
        }
      } else {
        reports.add(new Action.Reported(ActionType.Unmanaged, coll, o.name(),
            "not declared; " + Action.describe(o) + "; add it to the spec or set policy.unmanagedIndexes: Drop"));
        // Hidden on the way to a drop that policy Report no longer makes: back as it was.
        releaseHidden(coll, o, false, record, "policy.unmanagedIndexes is Report again", lateDrops);
      }
    }
    if (record != null) {
      // Hidden-at records of indexes that are gone (dropped by hand, or by an earlier pass whose
      // record update was lost): nothing to wait for.
      record.hidden().stream().filter(h -> !observedByName.containsKey(h.index()))
          .forEach(h -> lateDrops.add(new Action.ForgetHidden(coll, h.index(), "the index no longer exists")));
    }

    List<Action> out = new ArrayList<>(earlyDrops);
    out.addAll(rebuilds);
    out.addAll(modifies);
    out.addAll(creates);
    out.addAll(lateDrops);
    out.addAll(reports);
    return out;
  }

  /**
   * {@code drop} under policy.dropStrategy Immediate or once the index has been hidden for
   * hiddenFor; else a hide (recording the time), or the note of the wait.
   */
  private Action hideFirst(String coll, IndexDefinition observed, ManagedRecord record, PolicySpec policy, Action drop,
      String purpose) {
    if (policy.getDropStrategy() == DropStrategy.Immediate) {
      return drop;
    }
    Instant at = record == null ? null : record.hiddenAt(observed.name());
    Duration wait = PolicyDurations.hiddenFor(policy);
    Instant now = clock.instant();
    if (at == null || !observed.hidden()) {
      // Not hidden on our way to a drop yet, or unhidden by a person since: the wait starts now.
      // Hidden by a person before: nothing to change on the server, only the time to record.
      return new Action.HideIndex(coll, observed.name(), observed.hidden() && at == null, now, now.plus(wait), purpose);
    }
    if (at.isAfter(now)) {
      // Recorded in the future: this clock went back, or another replica's ran ahead. Waiting for
      // at + hiddenFor could take any time; dropping now could come early. The wait starts again
      // now, once: the next pass finds the time in the past.
      return new Action.HideIndex(coll, observed.name(), true, now, now.plus(wait), purpose);
    }
    Instant due = at.plus(wait);
    if (now.isBefore(due)) {
      return new Action.DropScheduled(coll, observed.name(), at, due, purpose);
    }
    return drop instanceof Action.DropIndex d ? new Action.DropIndex(coll, d.name(), d.reason() + "; hidden since " + at
        + ", policy.hiddenFor has passed", d.afterCreates()) : drop;
  }

  /**
   * An index this schema hid on the way to a drop that is no longer wanted: unhide it (when it is
   * hidden and should not be), else forget the record. Nothing when there is no record.
   *
   * @return whether an unhide was added
   */
  private static boolean releaseHidden(String coll, IndexDefinition observed, boolean desiredHidden,
      ManagedRecord record, String why, List<Action> out) {
    if (record == null || record.hiddenAt(observed.name()) == null) {
      return false;
    }
    if (observed.hidden() && !desiredHidden) {
      out.add(new Action.UnhideIndex(coll, observed.name(), why));
      return true;
    }
    out.add(new Action.ForgetHidden(coll, observed.name(), why));
    return false;
  }

  /** In-place changes; an index this schema hid for a drop, and declared unhidden again, is unhidden by its own action. */
  private static List<Action> modifyKeepingHidden(String coll, IndexDefinition desired, IndexDefinition existing,
      List<IndexDefinition.Difference> diffs, ManagedRecord record) {
    List<Action> out = new ArrayList<>();
    boolean unhidden = releaseHidden(coll, existing, desired.hidden(), record, "declared again", out);
    List<IndexDefinition.Difference> rest = unhidden
        ? diffs.stream().filter(d -> !d.property().equals("hidden")).toList() : diffs;
    if (!rest.isEmpty()) {
      out.add(new Action.ModifyIndex(coll, desired, rest));
    }
    return out;
  }

  /**
   * On a collection whose default collation is not simple, a text or 2d index must be created
   * with {locale: "simple"} or mongod refuses it (code 67).
   */
  private static IndexDefinition forCollection(IndexDefinition desired, Map<String, Object> defaultCollation) {
    if (desired.simpleCollationOnly() && desired.collation() == null && !IndexDefinition.isSimple(defaultCollation)) {
      Map<String, Object> options = new LinkedHashMap<>(desired.createOptions());
      options.put("collation", Map.of("locale", "simple"));
      return new IndexDefinition(desired.name(), desired.keys(), desired.unique(), desired.sparse(), desired.hidden(),
          desired.expireAfterSeconds(), desired.partialFilter(), desired.collation(), desired.typeOptions(), options);
    }
    return desired;
  }

  /**
   * Whether two indexes cannot exist together: the same keys with the same collation, partial
   * filter, unique and sparse (mongod 5.0 and later tell indexes apart by these), or two text
   * indexes, of which a collection holds one.
   * https://www.mongodb.com/docs/manual/core/indexes/create-index/#index-names
   */
  private static boolean collides(IndexDefinition desired, IndexDefinition observed, Map<String, Object> defaultCollation) {
    if (desired.isText() && observed.isText()) {
      return true;
    }
    return desired.differencesFrom(observed, defaultCollation).stream().noneMatch(d -> SIGNATURE.contains(d.property()));
  }

  /** The record of options this server dropped from this very declaration, if they are all that differ. */
  private static Optional<ManagedRecord.Unkept> unkept(ManagedRecord record, IndexDefinition desired,
      List<IndexDefinition.Difference> diffs) {
    if (record == null) {
      return Optional.empty();
    }
    String fingerprint = IndexDefinitions.fingerprint(desired);
    return record.unkept().stream()
        .filter(u -> u.index().equals(desired.name()) && u.fingerprint().equals(fingerprint))
        .filter(u -> diffs.stream().allMatch(d -> u.options().contains(d.property())))
        .findFirst();
  }

  private List<Action> planCounter(CounterSpec counter, CounterObservation seen) {
    List<Action> out = new ArrayList<>();
    Long seq = seen == null ? null : seen.seq();
    Long max = seen == null ? null : seen.seedMax();
    String source = seen == null ? null : seen.seedSource();
    if (seen != null && seen.badSeq() != null) {
      // $max never replaces a value that is not a number: a seed would be reported as done, and not be.
      out.add(new Action.Reported(ActionType.Unsupported, counter.getCollection(), counter.getName(),
          "its document's seq holds " + seen.badSeq() + ", which $max cannot raise: set seq to a number"
              + (source == null ? "" : " (at least the max of " + source + ")") + ", or delete the document"));
      return out;
    }
    if (seen != null && seen.undetermined() != null) {
      // Seeding below the true max would hand out ids twice: better no seed, and a person told.
      out.add(new Action.Reported(ActionType.Unsupported, counter.getCollection(), counter.getName(),
          "cannot find the max of " + source + ": " + seen.undetermined() + "; the counter is not seeded"));
      return out;
    }
    if (seq == null) {
      out.add(new Action.SeedCounter(counter.getCollection(), counter.getName(), null,
          max == null ? 0 : Math.max(max, 0), source));
    } else if (max != null && seq < max) {
      out.add(new Action.SeedCounter(counter.getCollection(), counter.getName(), seq, max, source));
    }
    if (seen != null && !seen.ignoredTypes().isEmpty()) {
      out.add(new Action.Reported(ActionType.Unsupported, counter.getCollection(), counter.getName(),
          source + " also holds values that are not numbers (" + String.join(", ", seen.ignoredTypes())
              + "); they are left out of the max: make the field numeric in every document"));
    }
    return out;
  }
}
