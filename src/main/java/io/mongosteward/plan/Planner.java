package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.ConflictPolicy;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.api.v1alpha1.UnmanagedIndexPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Desired spec + observed state -> ordered plan. Pure: no I/O, no clock, so every case is a
 * unit test. Per collection, drops come first (they free names and key patterns), then rebuilds,
 * in-place changes and creations; counters come last.
 */
public final class Planner {
  /** MongoDB's own index on _id: never reported, never dropped. */
  public static final String ID_INDEX = "_id_";

  public Plan plan(MongoSchemaSpec spec, ObservedState observed) {
    List<Action> actions = new ArrayList<>();
    for (CollectionSpec collection : spec.getCollections()) {
      actions.addAll(planCollection(collection, observed.indexesOf(collection.getName()), spec));
    }
    for (CounterSpec counter : spec.getCounters()) {
      planCounter(counter, observed.counters().get(counter.getName())).ifPresent(actions::add);
    }
    return new Plan(actions);
  }

  private List<Action> planCollection(CollectionSpec collection, List<IndexDefinition> observed, MongoSchemaSpec spec) {
    String coll = collection.getName();
    Map<String, IndexDefinition> observedByName = new LinkedHashMap<>();
    observed.forEach(o -> observedByName.put(o.name(), o));
    Set<String> declaredNames = new HashSet<>();
    collection.getIndexes().forEach(i -> declaredNames.add(i.getName()));

    List<Action> drops = new ArrayList<>();
    List<Action> rebuilds = new ArrayList<>();
    List<Action> modifies = new ArrayList<>();
    List<Action> creates = new ArrayList<>();
    List<Action> reports = new ArrayList<>();
    Set<String> accounted = new HashSet<>(Set.of(ID_INDEX));

    for (IndexSpec indexSpec : collection.getIndexes()) {
      IndexDefinition desired = IndexDefinitions.fromSpec(indexSpec);
      IndexDefinition existing = observedByName.get(desired.name());
      if (existing != null) {
        accounted.add(existing.name());
        List<IndexDefinition.Difference> diffs = desired.differencesFrom(existing);
        if (diffs.isEmpty()) {
          continue;
        }
        if (diffs.stream().allMatch(IndexDefinition.Difference::modifiable)) {
          modifies.add(new Action.ModifyIndex(coll, desired, diffs));
        } else if (spec.getPolicy().getOnConflict() == ConflictPolicy.Recreate) {
          rebuilds.add(new Action.RecreateIndex(coll, desired, diffs));
        } else {
          reports.add(new Action.Reported(ActionType.Conflict, coll, desired.name(),
              "exists with another definition: " + diffs
                  + "; set policy.onConflict: Recreate to rebuild it, or rename the index in the spec"));
        }
        continue;
      }
      Optional<IndexDefinition> twin = observed.stream()
          .filter(o -> !declaredNames.contains(o.name()) && !accounted.contains(o.name()))
          .filter(o -> desired.differencesFrom(o).isEmpty())
          .findFirst();
      if (twin.isPresent()) {
        accounted.add(twin.get().name());
        reports.add(new Action.Reported(ActionType.NameMismatch, coll, desired.name(),
            "present as " + twin.get().name() + " with the same keys and options; kept as is"));
      } else {
        creates.add(new Action.CreateIndex(coll, desired));
      }
    }

    for (IndexDefinition o : observed) {
      if (accounted.contains(o.name())) {
        continue;
      }
      if (spec.getPolicy().getUnmanagedIndexes() == UnmanagedIndexPolicy.Drop) {
        drops.add(new Action.DropIndex(coll, o.name(), "not declared (policy.unmanagedIndexes: Drop)"));
      } else {
        reports.add(new Action.Reported(ActionType.Unmanaged, coll, o.name(),
            "not declared; " + Action.describe(o) + "; add it to the spec or set policy.unmanagedIndexes: Drop"));
      }
    }

    List<Action> out = new ArrayList<>(drops);
    out.addAll(rebuilds);
    out.addAll(modifies);
    out.addAll(creates);
    out.addAll(reports);
    return out;
  }

  private Optional<Action> planCounter(CounterSpec counter, CounterObservation seen) {
    Long seq = seen == null ? null : seen.seq();
    Long max = seen == null ? null : seen.seedMax();
    String source = seen == null ? null : seen.seedSource();
    if (seq == null) {
      return Optional.of(new Action.SeedCounter(counter.getCollection(), counter.getName(), null,
          max == null ? 0 : Math.max(max, 0), source));
    }
    if (max != null && seq < max) {
      return Optional.of(new Action.SeedCounter(counter.getCollection(), counter.getName(), seq, max, source));
    }
    return Optional.empty();
  }
}
