package io.mongosteward.mongo;

import com.mongodb.client.MongoClient;
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
import io.mongosteward.plan.ManagedRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Observe, plan, apply: the one engine behind `plan`, `apply` and the operator. A database that
 * already matches costs one listIndexes per collection, the counter reads, and no write; the
 * metadata records are read on the first such pass and whenever something is to change (see
 * {@link #sync}).
 */
public final class SchemaEngine {
  private final CatalogReader reader;
  private final Planner planner;
  private final SchemaApplier applier;
  private final DuplicateCounter duplicates;
  private final Retrier retrier;
  private final Clock clock;
  private final ServerInfo.Reader servers = new ServerInfo.Reader();
  /** Per client (weakly: a closed client leaves with its entries), the records of steady passes. */
  private final Map<MongoClient, Map<RecordsKey, KeptRecords>> kept = Collections.synchronizedMap(new WeakHashMap<>());

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
    this.clock = clock;
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
   * @param builds where index creations go instead of running in the pass (the operator's build
   *     queue); null builds them in the pass
   * @param commitQuorum createIndexes' commitQuorum, or null for the server's default; the caller
   *     decides whether the server takes one ({@link CommitQuorum})
   * @param client the client {@code db} belongs to, or null. With it, a steady pass skips the read
   *     of the metadata records (see {@link SchemaEngine#sync}), and creations of what the server is known
   *     to keep are not read back ({@link ServerInfo.Reader#indexFidelity})
   */
  public record Pass(Owner owner, boolean dryRun, DuplicateCheck check, SchemaApplier.Progress progress,
      BuildHandoff builds, Object commitQuorum, MongoClient client) {
    public Pass(Owner owner, boolean dryRun, DuplicateCheck check, SchemaApplier.Progress progress,
        BuildHandoff builds, Object commitQuorum) {
      this(owner, dryRun, check, progress, builds, commitQuorum, null);
    }

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

  /**
   * One pass. With {@link Pass#client}, the metadata records a steady pass found (every declared
   * collection and counter held by this owner, nothing to change) are kept, and the next pass plans
   * from them without reading them again: if that plan changes anything, the records are read
   * afresh and the plan made again before any write, so every claim, drop or rebuild still rests
   * on what the records say at that moment. Only this owner writes its own records (another schema's
   * claim fails on them), so what a kept copy can miss is a person or the CLI deleting them; a copy
   * older than {@link #RECORDS_MAX_AGE} is read again.
   */
  public SyncResult sync(MongoDatabase db, MongoSchemaSpec spec, Pass pass) {
    RecordsKey key = pass.client() == null || pass.owner() == null ? null
        : new RecordsKey(db.getName(), pass.owner(), CatalogReader.recordIds(spec));
    KeptRecords kept = key == null ? null : keptRecords(pass.client(), key);
    ObservedState observed;
    Plan planned = null;
    if (kept != null) {
      observed = reader.observe(db, spec, null).withRecords(kept.records());
      planned = planner.plan(spec, observed, pass.owner());
      if (planned.hasChanges()) {
        kept = null;
        observed = observed.withRecords(reader.records(db, spec, pass.owner()));
        planned = null;
      }
    } else {
      observed = reader.observe(db, spec, pass.owner());
    }
    if (planned == null) {
      planned = planner.plan(spec, observed, pass.owner());
    }
    if (key != null) {
      keep(pass.client(), key, planned, observed, kept);
    }
    Plan plan = checkDuplicates(db, planned, observed, pass.check());
    List<Outcome> outcomes = pass.dryRun() || !plan.hasChanges() ? List.of()
        : applier.apply(db, plan.changes(), context(spec, pass.owner(), observed, pass.progress(), pass.builds(),
            pass.commitQuorum(), pass.client() != null && plan.changes().stream()
                .anyMatch(a -> a instanceof Action.CreateIndex) ? servers.indexFidelity(pass.client())
                : ServerInfo.IndexFidelity.NONE));
    return new SyncResult(spec, observed, plan, outcomes, pass.dryRun());
  }

  /** How long a steady pass's records are planned from before they are read again. */
  public static final Duration RECORDS_MAX_AGE = Duration.ofHours(1);
  /** How often the kept records are swept for expired copies. */
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
  private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

  private record RecordsKey(String database, Owner owner, Set<String> ids) {}

  private record KeptRecords(Map<String, ManagedRecord> records, Instant readAt) {}

  private KeptRecords keptRecords(MongoClient client, RecordsKey key) {
    Map<RecordsKey, KeptRecords> byKey = kept.get(client);
    KeptRecords k = byKey == null ? null : byKey.get(key);
    return k == null || !clock.instant().isBefore(k.readAt().plus(RECORDS_MAX_AGE)) ? null : k;
  }

  /**
   * Keeps the records of a pass that changes nothing and finds every declared record held by this
   * owner; forgets them otherwise (a change this pass makes, a record another schema holds).
   */
  private void keep(MongoClient client, RecordsKey key, Plan planned, ObservedState observed, KeptRecords before) {
    boolean steady = !planned.hasChanges()
        && planned.actions().stream().noneMatch(a -> a.type() == ActionType.ManagedElsewhere);
    Map<RecordsKey, KeptRecords> byKey = kept.computeIfAbsent(client, c -> new ConcurrentHashMap<>());
    if (!steady) {
      byKey.remove(key);
    } else if (before == null) {
      Instant now = clock.instant();
      // A sweep per pass went over every schema's copy: quadratic in a start's first pass over
      // 1,000 schemas. Expired copies are never planned from, so sweeping once a minute is enough.
      Instant due = nextSweep.get();
      if (!now.isBefore(due) && nextSweep.compareAndSet(due, now.plus(SWEEP_EVERY))) {
        synchronized (kept) { // every client's copies: the sweep may fall to any client's pass
          kept.values().forEach(m -> m.values().removeIf(k -> !now.isBefore(k.readAt().plus(RECORDS_MAX_AGE))));
        }
      }
      byKey.put(key, new KeptRecords(observed.records(), now));
    }
  }

  /**
   * The schema is deleted: drops its declared indexes when {@code dropIndexes} (deletionPolicy
   * Delete), and releases every collection and counter it manages. Undeclared indexes and _id_
   * stay, and so does anything in a collection another schema manages.
   */
  public List<Outcome> delete(MongoDatabase db, MongoSchemaSpec spec, Owner owner, boolean dropIndexes) {
    kept.values().forEach(byKey -> byKey.keySet().removeIf(k -> k.owner().equals(owner)));
    ObservedState observed = reader.observe(db, spec, owner);
    Plan plan = planner.planDeletion(spec, observed, owner, dropIndexes);
    return plan.changes().isEmpty() ? List.of()
        : applier.apply(db, plan.changes(), context(spec, owner, observed, SchemaApplier.Progress.NONE, null, null,
            ServerInfo.IndexFidelity.NONE));
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
      SchemaApplier.Progress progress, BuildHandoff builds, Object commitQuorum, ServerInfo.IndexFidelity fidelity) {
    var connection = spec.getConnection();
    return new SchemaApplier.Context(spec.getPolicy().getOnConflict(), spec.getPolicy().getDropStrategy(), owner, observed,
        Timeouts.of(connection == null ? null : connection.getClientOptions()), progress, builds, commitQuorum,
        fidelity);
  }

  /** The version and index-option behaviour of each client's server, read once per client. */
  public ServerInfo.Reader servers() {
    return servers;
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
