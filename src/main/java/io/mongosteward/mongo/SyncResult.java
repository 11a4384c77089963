package io.mongosteward.mongo;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.CounterStatus;
import io.mongosteward.api.v1alpha1.IndexRef;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.CounterObservation;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/** One observe-plan-apply pass: what was found, planned and done, and the states that follow. */
public record SyncResult(MongoSchemaSpec spec, ObservedState observed, Plan plan, List<Outcome> outcomes, boolean dryRun) {

  /** Items that still need a person: planned reports and refused changes. */
  public List<Action> remainingReports() {
    List<Action> out = new ArrayList<>(plan.reports());
    for (Outcome o : outcomes) {
      if (!o.applied()) {
        out.add(new Action.Reported(o.result(), o.action().collection(), o.action().name(), o.message()));
      }
    }
    return out;
  }

  /** True when MongoDB matches the spec after this pass. */
  public boolean converged() {
    return remainingReports().isEmpty() && (!plan.hasChanges() || (!dryRun && outcomes.stream().allMatch(Outcome::applied)));
  }

  public List<IndexStatus> indexStates() {
    List<IndexStatus> out = new ArrayList<>();
    for (CollectionSpec c : spec.getCollections()) {
      for (IndexSpec i : c.getIndexes()) {
        out.add(stateOf(c.getName(), i.getName()));
      }
    }
    return out;
  }

  private IndexStatus stateOf(String collection, String name) {
    String elsewhere = managedElsewhere(collection);
    if (elsewhere != null) {
      return new IndexStatus(collection, name, IndexState.ManagedElsewhere, elsewhere);
    }
    for (Outcome o : outcomes) {
      Action a = o.action();
      if (isIndexAction(a) && a.collection().equals(collection) && a.name().equals(name)) {
        IndexState state = switch (o.result()) {
          case CreateIndex, RecreateIndex -> IndexState.Created;
          case ModifyIndex -> IndexState.Modified;
          case BlockedByDuplicates -> IndexState.BlockedByDuplicates;
          case Unsupported -> IndexState.Unsupported;
          default -> IndexState.Failed;
        };
        return new IndexStatus(collection, name, state, o.applied() ? null : o.message());
      }
    }
    for (Action a : plan.actions()) {
      if (isIndexAction(a) && a.collection().equals(collection) && a.name().equals(name)) {
        return switch (a.type()) {
          case Conflict -> new IndexStatus(collection, name, IndexState.Conflict, a.detail());
          case NameMismatch -> new IndexStatus(collection, name, IndexState.Present, a.detail());
          // Found before any build: the count of a plan or dry run, or of a resync that recounts
          // instead of rebuilding; and options the server did not keep, found by an earlier build.
          case BlockedByDuplicates -> new IndexStatus(collection, name, IndexState.BlockedByDuplicates, a.detail());
          case Unsupported -> new IndexStatus(collection, name, IndexState.Unsupported, a.detail());
          default -> new IndexStatus(collection, name, IndexState.Pending, a.detail());
        };
      }
    }
    return new IndexStatus(collection, name, IndexState.Present, null);
  }

  /** Why another schema holds the collection, planned or found out when the claim lost a race; else null. */
  private String managedElsewhere(String collection) {
    for (Action a : remainingReports()) {
      if (a.type() == ActionType.ManagedElsewhere && a.collection().equals(collection) && a.name().isEmpty()) {
        return a.detail();
      }
    }
    return null;
  }

  private static boolean isIndexAction(Action a) {
    return a != null && a.type() != ActionType.SeedCounter && a.type() != ActionType.Unmanaged
        && a.type() != ActionType.DropIndex;
  }

  public List<IndexRef> unmanagedIndexes() {
    return plan.actions().stream().filter(a -> a.type() == ActionType.Unmanaged)
        .map(a -> new IndexRef(a.collection(), a.name())).toList();
  }

  /** Counter values: at least the seeded target once applied, else what was read. */
  public List<CounterStatus> counterValues() {
    List<CounterStatus> out = new ArrayList<>();
    for (CounterSpec c : spec.getCounters()) {
      CounterObservation seen = observed.counters().get(c.getName());
      Long value = seen == null ? null : seen.seq();
      for (Outcome o : outcomes) {
        if (o.applied() && o.action() instanceof Action.SeedCounter s && s.name().equals(c.getName())) {
          value = value == null ? s.target() : Math.max(value, s.target());
        }
      }
      out.add(new CounterStatus(c.getName(), value));
    }
    return out;
  }
}
