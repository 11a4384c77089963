package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Planner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Observe, plan, apply: the one engine behind `plan`, `apply` and the operator. A database that
 * already matches costs one listIndexes per collection, the counter reads, one read of the
 * metadata records, and no write.
 */
public final class SchemaEngine {
  private final CatalogReader reader;
  private final Planner planner;
  private final SchemaApplier applier;
  private final DuplicateCounter duplicates;
  private final Retrier retrier;

  public SchemaEngine(Retrier retrier) {
    this(retrier, new DuplicateFinder(Timeouts.DUPLICATE_SEARCH));
  }

  /** @param duplicates counts what blocks a unique build: {@link DuplicateFinder} but in tests */
  public SchemaEngine(Retrier retrier, DuplicateCounter duplicates) {
    this(retrier, duplicates, Clock.systemUTC());
  }

  /** @param clock when indexes are hidden before a drop, and when their wait ends (see {@link Planner}) */
  public SchemaEngine(Retrier retrier, DuplicateCounter duplicates, Clock clock) {
    this.retrier = retrier;
    this.reader = new CatalogReader(retrier);
    this.planner = new Planner(clock);
    this.duplicates = duplicates;
    this.applier = new SchemaApplier(retrier, duplicates);
  }

  /**
   * Which unique index builds to check for duplicates first, with the bounded count, instead of
   * building. {@link #ALL} for plans and dry runs, so they show BlockedByDuplicates before any
   * build; {@link #NONE} to build straight away and count only when the build fails.
   */
  @FunctionalInterface
  public interface DuplicateCheck extends Predicate<Action> {
    DuplicateCheck ALL = a -> true;
    DuplicateCheck NONE = a -> false;
  }

  /**
   * @param dryRun plan only; the result holds no outcomes
   * @param check which unique builds count their duplicates first
   */
  /**
   * @param builds where index creations go instead of running in the pass (the operator's build
   *     queue); null builds them in the pass
   * @param commitQuorum createIndexes' commitQuorum, or null for the server's default; the caller
   *     decides whether the server takes one ({@link CommitQuorum})
   */
  public record Pass(Owner owner, boolean dryRun, DuplicateCheck check, SchemaApplier.Progress progress,
      BuildHandoff builds, Object commitQuorum) {
    public Pass(Owner owner, boolean dryRun, DuplicateCheck check, SchemaApplier.Progress progress) {
      this(owner, dryRun, check, progress, null, null);
    }

    public static Pass apply(Owner owner) {
      return new Pass(owner, false, DuplicateCheck.NONE, SchemaApplier.Progress.NONE);
    }

    public static Pass dryRun(Owner owner) {
      return new Pass(owner, true, DuplicateCheck.ALL, SchemaApplier.Progress.NONE);
    }
  }

  /** The use counts of the indexes of the declared collections ($indexStats); a note where the server has none. */
  public IndexStatsReader.Stats indexStats(MongoDatabase db, MongoSchemaSpec spec) {
    return new IndexStatsReader(retrier).read(db, spec.getCollections().stream().map(c -> c.getName()).toList());
  }

  /** What apply would do, with unique builds over duplicates shown as BlockedByDuplicates. */
  public Plan plan(MongoDatabase db, MongoSchemaSpec spec, Owner owner) {
    ObservedState observed = reader.observe(db, spec, owner);
    return checkDuplicates(db, planner.plan(spec, observed, owner), observed, DuplicateCheck.ALL);
  }

  public SyncResult sync(MongoDatabase db, MongoSchemaSpec spec, Pass pass) {
    ObservedState observed = reader.observe(db, spec, pass.owner());
    Plan plan = checkDuplicates(db, planner.plan(spec, observed, pass.owner()), observed, pass.check());
    List<Outcome> outcomes = pass.dryRun() || !plan.hasChanges() ? List.of()
        : applier.apply(db, plan.changes(), context(spec, pass.owner(), observed, pass.progress(), pass.builds(),
            pass.commitQuorum()));
    return new SyncResult(spec, observed, plan, outcomes, pass.dryRun());
  }

  /**
   * The schema is deleted: drops its declared indexes when {@code dropIndexes} (deletionPolicy
   * Delete), and releases every collection and counter it manages. Undeclared indexes and _id_
   * stay, and so does anything in a collection another schema manages.
   */
  public List<Outcome> delete(MongoDatabase db, MongoSchemaSpec spec, Owner owner, boolean dropIndexes) {
    ObservedState observed = reader.observe(db, spec, owner);
    Plan plan = planner.planDeletion(spec, observed, owner, dropIndexes);
    return plan.changes().isEmpty() ? List.of()
        : applier.apply(db, plan.changes(), context(spec, owner, observed, SchemaApplier.Progress.NONE, null, null));
  }

  /**
   * The cleanup of {@link #delete} (drops nothing) for a schema known only by its records: one
   * deleted while no operator ran, so that nobody saw it go. Unhides the indexes it hid on their
   * way to a drop and releases every record it holds, in the collections its records name.
   */
  public List<Outcome> releaseGone(MongoDatabase db, Owner gone) {
    MongoSchemaSpec held = new MongoSchemaSpec();
    held.setDatabase(db.getName());
    for (String id : reader.recordsOf(db, gone)) {
      if (id.startsWith("collection:")) {
        held.getCollections().add(new io.mongosteward.api.v1alpha1.CollectionSpec(
            id.substring("collection:".length()), List.of()));
      }
    }
    return delete(db, held, gone, false);
  }

  private static SchemaApplier.Context context(MongoSchemaSpec spec, Owner owner, ObservedState observed,
      SchemaApplier.Progress progress, BuildHandoff builds, Object commitQuorum) {
    var connection = spec.getConnection();
    return new SchemaApplier.Context(spec.getPolicy().getOnConflict(), spec.getPolicy().getDropStrategy(), owner, observed,
        Timeouts.of(connection == null ? null : connection.getClientOptions()), progress, builds, commitQuorum);
  }

  /**
   * Replaces each unique build that {@code check} selects, in a collection that exists, by a
   * BlockedByDuplicates report when the bounded count finds duplicates. A count that fails leaves
   * the build as planned: it then finds out for itself.
   */
  private Plan checkDuplicates(MongoDatabase db, Plan plan, ObservedState observed, DuplicateCheck check) {
    if (plan.actions().stream().noneMatch(a -> uniqueBuild(a) != null && check.test(a))) {
      return plan;
    }
    List<Action> out = new ArrayList<>();
    for (Action a : plan.actions()) {
      IndexDefinition index = uniqueBuild(a);
      if (index == null || !check.test(a) || observed.indexesOf(a.collection()).isEmpty()) {
        out.add(a);
        continue;
      }
      try {
        DuplicateFinder.Duplicates found = retrier.call(Op.of("aggregate", a.collection()),
            () -> duplicates.find(db.getCollection(a.collection()), index));
        out.add(found.groups() == 0 ? a
            : new Action.Reported(ActionType.BlockedByDuplicates, a.collection(), a.name(),
                DuplicateFinder.blockedMessage(found, index)));
      } catch (Failure.Permanent e) {
        out.add(a);
      }
    }
    return new Plan(out);
  }

  /** The index a create or rebuild makes unique, or null. */
  private static IndexDefinition uniqueBuild(Action a) {
    if (a instanceof Action.CreateIndex c && c.index().unique()) return c.index();
    if (a instanceof Action.RecreateIndex r && r.index().unique()) return r.index();
    if (a instanceof Action.ModifyIndex m && m.index().unique()
        && m.changes().stream().anyMatch(d -> d.property().equals("unique"))) return m.index();
    return null;
  }
}
