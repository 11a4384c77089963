package io.mongosteward.operator;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.CounterStatus;
import io.mongosteward.api.v1alpha1.HiddenIndexStatus;
import io.mongosteward.api.v1alpha1.IndexRef;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.CounterObservation;
import java.util.ArrayList;
import java.util.List;

/**
 * A sync pass seen as a MongoSchema's status: each declared index's state, the unmanaged indexes,
 * the counters' values. Here rather than in {@code mongo}, which knows passes, not CRD statuses.
 */
public final class SyncStatuses {
  private SyncStatuses() {}

  public static List<IndexStatus> indexStates(SyncResult r) {
    List<IndexStatus> out = new ArrayList<>();
    for (CollectionSpec c : r.spec().getCollections()) {
      for (IndexSpec i : c.getIndexes()) {
        out.add(stateOf(r, c.getName(), i.getName()));
      }
    }
    return out;
  }

  private static IndexStatus stateOf(SyncResult r, String collection, String name) {
    String elsewhere = managedElsewhere(r, collection);
    if (elsewhere != null) {
      return new IndexStatus(collection, name, IndexState.ManagedElsewhere, elsewhere);
    }
    for (Outcome o : r.outcomes()) {
      Action a = o.action();
      if (isIndexAction(a) && a.collection().equals(collection) && a.name().equals(name)) {
        IndexState state = switch (o.result()) {
          case CreateIndex, RecreateIndex -> IndexState.Created;
          case ModifyIndex, UnhideIndex -> IndexState.Modified;
          case ForgetHidden -> IndexState.Present;
          // A declared index hidden for a drop: no plan does so now (a Recreate is not hidden
          // first), but it would not be there as declared.
          case HideIndex -> IndexState.Pending;
          case BlockedByDuplicates -> IndexState.BlockedByDuplicates;
          case Unsupported -> IndexState.Unsupported;
          case Building -> IndexState.Building;
          default -> IndexState.Failed;
        };
        return new IndexStatus(collection, name, state, o.applied() && state != IndexState.Pending ? null : o.message());
      }
    }
    for (Action a : r.plan().actions()) {
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
  private static String managedElsewhere(SyncResult r, String collection) {
    for (Action a : r.remainingReports()) {
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

  /**
   * The indexes hidden before their drop: those waiting, and those this pass hid. Not those this
   * pass dropped or unhid: they are no longer hidden for a drop.
   */
  public static List<HiddenIndexStatus> hiddenIndexes(SyncResult r) {
    List<HiddenIndexStatus> out = new ArrayList<>();
    for (Action a : r.plan().actions()) {
      if (a instanceof Action.DropScheduled d) {
        out.add(new HiddenIndexStatus(d.collection(), d.name(), d.hiddenAt().toString(), d.dropAfter().toString()));
      }
    }
    for (Outcome o : r.outcomes()) {
      if (o.applied() && o.action() instanceof Action.HideIndex h) {
        out.add(new HiddenIndexStatus(h.collection(), h.name(), h.at().toString(), h.dropAfter().toString()));
      }
    }
    return out;
  }

  public static List<IndexRef> unmanagedIndexes(SyncResult r) {
    return r.plan().actions().stream().filter(a -> a.type() == ActionType.Unmanaged)
        .map(a -> new IndexRef(a.collection(), a.name())).toList();
  }

  /** Counter values: at least the seeded target once applied, else what was read. */
  public static List<CounterStatus> counterValues(SyncResult r) {
    List<CounterStatus> out = new ArrayList<>();
    for (CounterSpec c : r.spec().getCounters()) {
      CounterObservation seen = r.observed().counter(c.getCollection(), c.getName());
      Long value = seen == null ? null : seen.seq();
      for (Outcome o : r.outcomes()) {
        if (o.applied() && o.action() instanceof Action.SeedCounter s && s.name().equals(c.getName())
            && s.collection().equals(c.getCollection())) {
          value = value == null ? s.target() : Math.max(value, s.target());
        }
      }
      out.add(new CounterStatus(c.getName(), value));
    }
    return out;
  }
}
