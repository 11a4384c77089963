package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Planner;
import java.util.List;

/**
 * Observe, plan, apply: the one engine behind `plan`, `apply` and the operator. A database that
 * already matches costs one listIndexes per collection, the counter reads, and no write.
 */
public final class SchemaEngine {
  private final CatalogReader reader;
  private final Planner planner;
  private final SchemaApplier applier;

  public SchemaEngine(Retrier retrier, Redactor redactor) {
    this(new CatalogReader(retrier), new Planner(),
        new SchemaApplier(retrier, new DuplicateFinder(60_000), redactor));
  }

  public SchemaEngine(CatalogReader reader, Planner planner, SchemaApplier applier) {
    this.reader = reader;
    this.planner = planner;
    this.applier = applier;
  }

  public Plan plan(MongoDatabase db, MongoSchemaSpec spec) {
    return planner.plan(spec, reader.observe(db, spec));
  }

  /**
   * Drops the declared indexes that exist (deletionPolicy Delete); undeclared ones and _id_ stay.
   */
  public List<Outcome> dropDeclared(MongoDatabase db, MongoSchemaSpec spec) {
    List<io.mongosteward.plan.Action> drops = new java.util.ArrayList<>();
    ObservedState observed = reader.observe(db, spec);
    for (var c : spec.getCollections()) {
      var existing = observed.indexesOf(c.getName()).stream().map(i -> i.name()).collect(java.util.stream.Collectors.toSet());
      c.getIndexes().stream().filter(i -> existing.contains(i.getName()))
          .forEach(i -> drops.add(new io.mongosteward.plan.Action.DropIndex(c.getName(), i.getName(),
              "deletionPolicy: Delete")));
    }
    return drops.isEmpty() ? List.of() : applier.apply(db, drops, spec.getPolicy().getOnConflict());
  }

  /**
   * @param dryRun plan only; the result holds no outcomes
   */
  public SyncResult sync(MongoDatabase db, MongoSchemaSpec spec, boolean dryRun) {
    return sync(db, spec, dryRun, SchemaApplier.Progress.NONE);
  }

  public SyncResult sync(MongoDatabase db, MongoSchemaSpec spec, boolean dryRun, SchemaApplier.Progress progress) {
    ObservedState observed = reader.observe(db, spec);
    Plan plan = planner.plan(spec, observed);
    List<Outcome> outcomes = dryRun || !plan.hasChanges() ? List.of()
        : applier.apply(db, plan.changes(), spec.getPolicy().getOnConflict(), progress);
    return new SyncResult(spec, observed, plan, outcomes, dryRun);
  }
}
