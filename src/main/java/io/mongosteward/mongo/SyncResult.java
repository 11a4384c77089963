package io.mongosteward.mongo;

import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
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

  /** True when MongoDB matches the spec after this pass: not while a declared index waits for a drop. */
  public boolean converged() {
    return remainingReports().isEmpty() && !plan.waitsForDrop() && (!plan.hasChanges() || (!dryRun && outcomes.stream().allMatch(Outcome::applied)));
  }
}
