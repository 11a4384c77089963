package io.mongosteward.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.mongosteward.api.v1alpha1.ConflictPolicy;
import io.mongosteward.api.v1alpha1.DropStrategy;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.ManagedRecord;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Quoting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a plan's changes to one database. Each action is isolated: a permanent refusal
 * becomes that action's {@link Outcome} and the other actions still run. A transient failure
 * (retries exhausted) and refused credentials end the pass: the server is gone for all of them.
 * Every operation is safe to repeat after a lost reply.
 */
public final class SchemaApplier {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaApplier.class);
  /** collMod refusals that mean "this server cannot do that in place" for prepareUnique: unknown field, bad option. */
  private static final Set<Integer> NO_PREPARE_UNIQUE = Set.of(40415, 72);
  /** collMod refusals of the hidden option by a server older than 4.4: unknown field, bad option. */
  private static final Set<Integer> NO_HIDDEN = Set.of(40415, 72);
  private static final int CANNOT_CONVERT_INDEX_TO_UNIQUE = 359;
  private static final Document PING = new Document("ping", 1);

  private final Retrier retrier;
  private final DuplicateCounter duplicates;
  private final MetadataStore metadata;
  private final CatalogReader reader;
  private final IndexBuilds builds = new IndexBuilds(IndexBuilds.CHECK_EVERY);

  public SchemaApplier(Retrier retrier, DuplicateCounter duplicates) {
    this.retrier = retrier;
    this.duplicates = duplicates;
    this.metadata = new MetadataStore(retrier);
    this.reader = new CatalogReader(retrier);
  }

  /** Told before each step starts, so that a long index build is not mistaken for a hang. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = step -> { };

    void starting(String step);
  }

  /**
   * @param observed what the plan was made from: the collections' default collations, for the
   *     read-back of what was built
   * @param builds where creations go instead of running in the pass; null builds them in the pass
   * @param commitQuorum createIndexes' commitQuorum (an Integer or a String), or null for the server's default
   * @param fidelity what the server is known to keep of an index specification
   *     ({@link ServerInfo.Reader#indexFidelity}): an acknowledged creation of nothing else is not read back
   */
  public record Context(ConflictPolicy onConflict, DropStrategy dropStrategy, Owner owner, ObservedState observed,
      Timeouts timeouts, Progress progress, BuildHandoff builds, Object commitQuorum, ServerInfo.IndexFidelity fidelity) {
    public Context(ConflictPolicy onConflict, DropStrategy dropStrategy, Owner owner, ObservedState observed,
        Timeouts timeouts, Progress progress) {
      this(onConflict, dropStrategy, owner, observed, timeouts, progress, null, null, ServerInfo.IndexFidelity.NONE);
    }

    public Context(ConflictPolicy onConflict, DropStrategy dropStrategy, Owner owner, ObservedState observed,
        Timeouts timeouts, Progress progress, BuildHandoff builds, Object commitQuorum) {
      this(onConflict, dropStrategy, owner, observed, timeouts, progress, builds, commitQuorum,
          ServerInfo.IndexFidelity.NONE);
    }

    /** The same, building in the calling thread: what a handed-off build runs with. */
    Context inline() {
      return new Context(onConflict, dropStrategy, owner, observed, timeouts, Progress.NONE, null, commitQuorum,
          fidelity);
    }
  }

  /** Refusals of an option createIndexes does not know (an old server, or one that is not mongod). */
  private static final Set<Integer> UNKNOWN_OPTION = Set.of(2, 9, 40415, 72);

  public List<Outcome> apply(MongoDatabase db, List<Action> changes, Context ctx) {
    return new Run(db, ctx).apply(changes);
  }

  /** One apply: what it has done so far decides what comes next (a lost claim, a failed build). */
  private final class Run {
    private final MongoDatabase db;
    private final Context ctx;
    private final List<Outcome> outcomes = new ArrayList<>();
    /** Collections and counters another schema claimed first: nothing in them is touched. */
    private final Map<String, Owner> lost = new LinkedHashMap<>();
    /** Collections where a creation or rebuild failed: their old indexes stay. */
    private final Set<String> failedBuilds = new HashSet<>();
    /** Collections whose new indexes are still building apart from this pass: their old indexes stay too. */
    private final Set<String> pendingBuilds = new HashSet<>();
    /** Said once the server refused commitQuorum and the build went on without it. */
    private String quorumNote;
    /**
     * Creations whose acknowledgement proves what was built (see {@link Context#fidelity}): not
     * read back. By identity: an action's record hash walks its whole index definition.
     */
    private final Set<Action> proven = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The outcomes of the claims the one insert made: logged in one line. */
    private final Set<Outcome> claimedTogether = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Each collection's hidden-at list as this run has left it, from the observed record on. */
    private final Map<String, List<ManagedRecord.Hidden>> hidden = new HashMap<>();

    Run(MongoDatabase db, Context ctx) {
      this.db = db;
      this.ctx = ctx;
    }

    List<Outcome> apply(List<Action> changes) {
      Map<Action, Outcome> claimed = claimNew(changes);
      // A collection's creations are contiguous in a plan: batch them into one createIndexes.
      List<Action.CreateIndex> batch = new ArrayList<>();
      // Counter seeds go last, together (one update per counters collection), when every claim has
      // run; each outcome keeps its place in the plan's order.
      Map<Integer, Action.SeedCounter> seeds = new LinkedHashMap<>();
      for (Action action : changes) {
        if (!batch.isEmpty() && !(action instanceof Action.CreateIndex c && c.collection().equals(batch.get(0).collection()))) {
          createBatch(List.copyOf(batch));
          batch.clear();
        }
        Owner holder = lost.get(targetOf(action));
        if (claimed.containsKey(action)) {
          outcomes.add(claimed.get(action));
        } else if (holder != null) {
          outcomes.add(Outcome.refused(action, ActionType.ManagedElsewhere, "managed by " + holder.describeTo(ctx.owner()),
              Duration.ZERO));
        } else if (action instanceof Action.CreateIndex c) {
          batch.add(c);
        } else if (action instanceof Action.SeedCounter seed) {
          seeds.put(outcomes.size(), seed);
          outcomes.add(null);
        } else {
          ctx.progress().starting(action.type() + " " + action.subject());
          outcomes.add(one(action));
        }
      }
      if (!batch.isEmpty()) {
        createBatch(batch);
      }
      if (!seeds.isEmpty()) {
        Map<Action, Outcome> seeded = seedAll(List.copyOf(seeds.values()));
        seeds.forEach((at, seed) -> outcomes.set(at, seeded.get(seed)));
      }
      readBack(changes);
      log(outcomes, claimedTogether);
      return outcomes;
    }

    private Outcome one(Action action) {
      if (action instanceof Action.Claim c) {
        return timed(c, () -> claim(c));
      } else if (action instanceof Action.Release r) {
        return timed(r, () -> {
          metadata.release(db, r.recordId(), ctx.owner());
          return Outcome.applied(r, "released", Duration.ZERO);
        });
      } else if (action instanceof Action.DropIndex d) {
        if (d.afterCreates() && pendingBuilds.contains(d.collection())) {
          return Outcome.refused(d, ActionType.Building, "kept until the new index of " + Quoting.name(d.collection())
              + " is built", Duration.ZERO);
        }
        if (d.afterCreates() && failedBuilds.contains(d.collection())) {
          return Outcome.refused(d, ActionType.Failed, "kept: a new index of " + Quoting.name(d.collection())
              + " was not built, and this one may be what still enforces its constraint", Duration.ZERO);
        }
        return timed(d, () -> {
          drop(d.collection(), d.name());
          forgetHidden(d.collection(), d.name());
          return Outcome.applied(d, "dropped", Duration.ZERO);
        });
      } else if (action instanceof Action.ModifyIndex m) {
        return timed(m, () -> modify(m));
      } else if (action instanceof Action.RecreateIndex r) {
        return timed(r, () -> {
          Outcome o = rebuild(r, r.index(), "rebuilt"
              + (r.uniquenessGap() ? "; uniqueness was NOT enforced while it rebuilt" : ""));
          if (o.applied()) {
            forgetHidden(r.collection(), r.name());
          }
          return o;
        });
      } else if (action instanceof Action.HideIndex h) {
        return timed(h, () -> hide(h));
      } else if (action instanceof Action.UnhideIndex u) {
        return timed(u, () -> {
          collMod(u.collection(), new Document("name", u.name()).append("hidden", false));
          forgetHidden(u.collection(), u.name());
          return Outcome.applied(u, "unhidden", Duration.ZERO);
        });
      } else if (action instanceof Action.ForgetHidden f) {
        return timed(f, () -> {
          forgetHidden(f.collection(), f.name());
          return Outcome.applied(f, "forgotten", Duration.ZERO);
        });
      } else if (action instanceof Action.SeedCounter s) {
        return timed(s, () -> seed(s));
      }
      throw new IllegalArgumentException("not a change: " + action.type());
    }

    /**
     * The claims of records the pass did not find, all in one insert before anything else runs
     * (each still precedes what it guards). A record someone created since the observation goes
     * through the single claim, which says who holds it; a claim that stamps this operator's uid
     * on a record the CLI wrote is a single claim too.
     */
    private Map<Action, Outcome> claimNew(List<Action> changes) {
      List<Action.Claim> fresh = changes.stream().filter(a -> a instanceof Action.Claim).map(a -> (Action.Claim) a)
          .filter(c -> !ctx.observed().records().containsKey(c.recordId())).toList();
      Map<Action, Outcome> out = new HashMap<>();
      if (fresh.isEmpty()) {
        return out;
      }
      ctx.progress().starting("Claim " + fresh.stream().map(Action::subject).collect(Collectors.joining(", ")));
      long start = System.nanoTime();
      List<String> taken;
      try {
        taken = metadata.claimAll(db, fresh.stream().map(Action.Claim::recordId).toList(), fresh.get(0).owner());
      } catch (Failure.Permanent e) {
        if (e.reason() == Reason.AuthenticationFailed) throw e;
        fresh.forEach(c -> out.put(c, Outcome.refused(c, resultOf(e), e.getMessage(), since(start))));
        return out;
      }
      Duration took = since(start);
      for (Action.Claim c : fresh) {
        if (taken.contains(c.recordId())) {
          out.put(c, timed(c, () -> claim(c)));
        } else {
          Outcome o = Outcome.applied(c, "claimed", took);
          out.put(c, o);
          claimedTogether.add(o);
        }
      }
      return out;
    }

    private Outcome claim(Action.Claim c) {
      Owner holder = metadata.claim(db, c.recordId(), c.owner());
      if (holder == null) {
        return Outcome.applied(c, "claimed", Duration.ZERO);
      }
      lost.put(targetOf(c), holder);
      return Outcome.refused(c, ActionType.ManagedElsewhere, "managed by " + holder.describeTo(ctx.owner())
          + ", which claimed it first", Duration.ZERO);
    }

    /** One createIndexes command for all of a collection's new indexes; on refusal, one by one. */
    private void createBatch(List<Action.CreateIndex> batch) {
      String collection = batch.get(0).collection();
      if (ctx.builds() != null) {
        List<String> names = batch.stream().map(Action.CreateIndex::name).toList();
        List<Outcome> got = ctx.builds().submit(collection, batch,
            some -> new Run(db, ctx.inline()).buildApart(ctx.builds().admin(), collection, some),
            () -> IndexBuildsInProgress.find(ctx.builds().admin(), db, collection, names)
                .map(IndexBuildsInProgress.Running::progress).orElse(null));
        outcomes.addAll(got);
        if (got.stream().anyMatch(o -> o.result() == ActionType.Building)) {
          pendingBuilds.add(collection);
        } else if (got.stream().anyMatch(o -> !o.applied())) {
          failedBuilds.add(collection);
        }
        return;
      }
      ctx.progress().starting("createIndexes " + Quoting.name(collection) + ": "
          + batch.stream().map(c -> Quoting.name(c.name())).collect(Collectors.joining(", ")));
      long start = System.nanoTime();
      try {
        Document reply = runCreate(collection, batch.stream().map(Action.CreateIndex::index).toList());
        Duration took = since(start);
        batch.forEach(c -> outcomes.add(Outcome.applied(c, created(), took)));
        if (acknowledged(reply)) {
          batch.stream().filter(c -> ctx.fidelity().keeps(c.index())).forEach(proven::add);
        }
      } catch (Failure.Permanent e) {
        if (batch.size() == 1) {
          outcomes.add(refusal(batch.get(0), collection, batch.get(0).index(), e, since(start)));
        } else {
          // The command is all or nothing: find out which index the server refuses.
          batch.forEach(c -> outcomes.add(timed(c, () -> createOne(c, collection, c.index()))));
        }
      }
      if (outcomes.stream().anyMatch(o -> !o.applied() && batch.contains(o.action()))) {
        failedBuilds.add(collection);
      }
    }

    /**
     * A handed-off build, on the build's own thread. A build of the same index that the server is
     * already running (started by this operator before a restart or a failover, or by anyone) is
     * waited for rather than started again: found in $currentOp where the server has it, else
     * from createIndexes' code 276.
     */
    List<Outcome> buildApart(MongoDatabase admin, String collection, List<Action.CreateIndex> batch) {
      List<String> names = batch.stream().map(Action.CreateIndex::name).toList();
      var running = IndexBuildsInProgress.find(admin, db, collection, names);
      if (running.isPresent()) {
        return building(batch, "a build of " + String.join(", ", running.get().indexes()) + " is already running on the "
            + "server (started before a restart or a failover, or by someone else): waiting for it, not starting "
            + "another" + (running.get().progress() == null ? "" : "; progress " + running.get().progress()));
      }
      try {
        return apply(new ArrayList<Action>(batch));
      } catch (Failure.Transient e) {
        if (!IndexBuildsInProgress.alreadyInProgress(e)) throw e;
        return building(batch, "the server says a build of this index is already in progress (code 276, "
            + "IndexBuildAlreadyInProgress): waiting for it, not starting another");
      }
    }

    private static List<Outcome> building(List<Action.CreateIndex> batch, String message) {
      return batch.stream().map(c -> Outcome.refused(c, ActionType.Building, message, Duration.ZERO)).toList();
    }

    private Outcome createOne(Action action, String collection, IndexDefinition index) {
      long start = System.nanoTime();
      try {
        runCreate(collection, List.of(index));
        return Outcome.applied(action, created(), since(start));
      } catch (Failure.Permanent e) {
        return refusal(action, collection, index, e, since(start));
      }
    }

    private Document runCreate(String collection, List<IndexDefinition> indexes) {
      Document cmd = new Document("createIndexes", collection)
          .append("indexes", indexes.stream().map(IndexDefinitions::toCreateDocument).toList());
      if (ctx.commitQuorum() != null && quorumNote == null) {
        try {
          return sendCreate(collection, new Document(cmd).append("commitQuorum", ctx.commitQuorum()));
        } catch (Failure.Permanent e) {
          if (!refusesCommitQuorum(e)) throw e;
          // https://www.mongodb.com/docs/manual/reference/command/createIndexes/: 4.4 and later know it.
          quorumNote = "built without spec.policy.commitQuorum: the server refused it (" + e.getMessage() + ")";
          LOG.info("createIndexes on {}: {}", collection, quorumNote);
        }
      }
      return sendCreate(collection, cmd);
    }

    private Document sendCreate(String collection, Document cmd) {
      Op op = Op.of("createIndexes", collection);
      if (ctx.observed().indexesOf(collection).isEmpty()) {
        // The collection did not exist when observed (every collection lists its _id index): the
        // build has no document to scan and takes what any command takes, so it runs in this
        // thread under every command's bound (timeoutMS), not on a watched thread of its own
        // under the build's bound; a thread handoff per collection was most of what converging
        // an empty database cost beyond its createIndexes. Should someone fill the collection
        // in between and the build outlast that bound, the pass fails as transient, and the next
        // one, finding the collection, waits for the build the server carries on with.
        return retrier.call(op, () -> db.runCommand(cmd));
      }
      MongoDatabase bounded = db.withTimeout(ctx.timeouts().indexBuild().toMillis(), TimeUnit.MILLISECONDS);
      AtomicReference<Document> reply = new AtomicReference<>();
      retrier.run(op, () -> builds.await(op, () -> reply.set(bounded.runCommand(cmd)), () -> db.runCommand(PING)));
      return reply.get();
    }

    private String created() {
      return quorumNote == null ? "created" : "created; " + quorumNote;
    }

    private Outcome refusal(Action action, String collection, IndexDefinition index, Failure.Permanent e, Duration took) {
      if (e.reason() == Reason.AuthenticationFailed) {
        throw e;
      }
      // Servers word a unique build over duplicates differently (mongod 11000, FerretDB code 1
      // "UNIQUE constraint failed"): counting the duplicates is the one reliable answer.
      if (index.unique() && e.reason() == Reason.Failed) {
        try {
          DuplicateFinder.Duplicates found = retrier.call(Op.of("aggregate", collection),
              () -> duplicates.find(db.getCollection(collection), index));
          if (found.groups() > 0) {
            return Outcome.refused(action, ActionType.BlockedByDuplicates, DuplicateFinder.blockedMessage(found, index),
                took);
          }
        } catch (Failure.Permanent counting) {
          return Outcome.refused(action, ActionType.Failed, e.getMessage() + "; counting its duplicates failed too: "
              + counting.getMessage(), took);
        }
      }
      return Outcome.refused(action, resultOf(e), e.getMessage(), took);
    }

    private Outcome modify(Action.ModifyIndex m) {
      long start = System.nanoTime();
      Document change = new Document("name", m.name());
      boolean toUnique = false;
      for (IndexDefinition.Difference d : m.changes()) {
        if (d.property().equals("unique")) {
          toUnique = true;
        } else {
          change.append(d.property(), d.desired());
        }
      }
      try {
        if (change.size() > 1) {
          collMod(m.collection(), change);
        }
        if (toUnique) {
          // prepareUnique first: new duplicates are refused from then on; then the conversion,
          // which fails with 359 and changes nothing while old duplicates remain.
          // https://www.mongodb.com/docs/manual/reference/command/collMod/#convert-an-existing-index-to-a-unique-index
          collMod(m.collection(), new Document("name", m.name()).append("prepareUnique", true));
          collMod(m.collection(), new Document("name", m.name()).append("unique", true));
        }
        return Outcome.applied(m, "changed in place (collMod)", since(start));
      } catch (Failure.Permanent e) {
        boolean unsupported = e.reason() == Reason.Unsupported || (toUnique && NO_PREPARE_UNIQUE.contains(e.code()));
        if (toUnique && e.code() == CANNOT_CONVERT_INDEX_TO_UNIQUE) {
          return refusal(m, m.collection(), m.index(), new Failure.Permanent(Reason.Failed, e.code(), e.getMessage()),
              since(start));
        }
        if (unsupported && ctx.onConflict() == ConflictPolicy.Recreate) {
          return rebuild(m, m.index(), "rebuilt: the server cannot change it in place (policy Recreate)"
              + (toUnique || m.index().unique() ? "; uniqueness was not enforced while it rebuilt" : ""));
        }
        if (unsupported) {
          return Outcome.refused(m, ActionType.Unsupported, "cannot change in place: " + e.getMessage()
              + "; set policy.onConflict: Recreate to rebuild instead", since(start));
        }
        return refusal(m, m.collection(), m.index(), e, since(start));
      }
    }

    /**
     * collMod hidden: true, checked in listIndexes (a server that accepts the option without
     * keeping it would otherwise have its index dropped unhidden), and only then the time recorded.
     * https://www.mongodb.com/docs/manual/reference/command/collMod/#hide-an-index-from-the-query-planner
     */
    private Outcome hide(Action.HideIndex h) {
      if (!h.alreadyHidden()) {
        try {
          collMod(h.collection(), new Document("name", h.name()).append("hidden", true));
        } catch (Failure.Permanent e) {
          if (e.reason() != Reason.Unsupported && !NO_HIDDEN.contains(e.code())) throw e;
          return Outcome.refused(h, ActionType.Unsupported, "cannot hide it before the drop: " + e.getMessage()
              + "; set spec.policy.dropStrategy: Immediate to drop without hiding", Duration.ZERO);
        }
        boolean listedHidden = reader.listIndexes(db, h.collection()).stream()
            .anyMatch(d -> h.name().equals(d.getString("name")) && Boolean.TRUE.equals(d.get("hidden")));
        if (!listedHidden) {
          return Outcome.refused(h, ActionType.Unsupported, "the server accepted collMod hidden: true but does not "
              + "list the index as hidden; set spec.policy.dropStrategy: Immediate to drop without hiding", Duration.ZERO);
        }
      }
      List<ManagedRecord.Hidden> list = hiddenOf(h.collection());
      list.removeIf(x -> x.index().equals(h.name()));
      list.add(new ManagedRecord.Hidden(h.name(), h.at()));
      if (ctx.owner() != null) {
        metadata.recordHidden(db, h.collection(), ctx.owner(), list);
      }
      return Outcome.applied(h, (h.alreadyHidden() ? "found hidden" : "hidden") + "; " + h.purpose() + " after "
          + h.dropAfter(), Duration.ZERO);
    }

    /** Clears an index's hidden-at time, when the record holds one: after a drop, an unhide, or when it is stale. */
    private void forgetHidden(String collection, String index) {
      List<ManagedRecord.Hidden> list = hiddenOf(collection);
      if (list.removeIf(x -> x.index().equals(index)) && ctx.owner() != null) {
        metadata.recordHidden(db, collection, ctx.owner(), list);
      }
    }

    private List<ManagedRecord.Hidden> hiddenOf(String collection) {
      return hidden.computeIfAbsent(collection, c -> {
        ManagedRecord r = ctx.observed().records().get(ManagedRecord.collectionId(c));
        return new ArrayList<>(r == null ? List.of() : r.hidden());
      });
    }

    private void collMod(String collection, Document index) {
      retrier.run(Op.of("collMod", collection), () -> db.runCommand(new Document("collMod", collection).append("index", index)));
    }

    /**
     * Drop, then build under the same name. A unique index over duplicates could not be built: its
     * duplicates are counted before the drop, which then never happens. A build that fails anyway
     * puts the old definition back, so that a failed rebuild leaves what was there.
     */
    private Outcome rebuild(Action action, IndexDefinition index, String message) {
      String collection = action.collection();
      if (index.unique()) {
        DuplicateFinder.Duplicates found = retrier.call(Op.of("aggregate", collection),
            () -> duplicates.find(db.getCollection(collection), index));
        if (found.groups() > 0) {
          failedBuilds.add(collection);
          return Outcome.refused(action, ActionType.BlockedByDuplicates, DuplicateFinder.blockedMessage(found, index)
              + "; the index was left as it is", Duration.ZERO);
        }
      }
      IndexDefinition old = ctx.observed().indexesOf(collection).stream().filter(i -> i.name().equals(index.name()))
          .findFirst().orElse(null);
      drop(collection, index.name());
      Outcome built = createOne(action, collection, index);
      if (built.applied()) {
        return Outcome.applied(action, message, built.took());
      }
      failedBuilds.add(collection);
      if (old == null) {
        return built;
      }
      try {
        runCreate(collection, List.of(old));
        return new Outcome(action, built.result(), false, built.message() + "; the previous definition was put back",
            built.took());
      } catch (Failure.Permanent e) {
        return new Outcome(action, built.result(), false, built.message()
            + "; putting the previous definition back failed too: " + e.getMessage(), built.took());
      }
    }

    private void drop(String collection, String name) {
      try {
        retrier.run(Op.of("dropIndexes", collection + "." + name), () -> db.getCollection(collection).dropIndex(name));
      } catch (Failure.Permanent e) {
        // Gone already (perhaps by an earlier attempt whose reply was lost): the goal holds.
        if (e.code() != ErrorClassifier.INDEX_NOT_FOUND) throw e;
      }
    }

    /**
     * The seeds of one counters collection in one unordered update: each statement is the single
     * seed's $max upsert, so each holds alone. A statement that lost the upsert race (duplicate
     * key: an application's first $inc, or another operator, inserted the document meanwhile) is
     * sent again as the plain update, as a single seed does; any other refusal sends that
     * collection's seeds one by one, so that the one the server refuses is the one reported.
     */
    private Map<Action, Outcome> seedAll(List<Action.SeedCounter> seeds) {
      Map<Action, Outcome> out = new HashMap<>();
      Map<String, List<Action.SeedCounter>> byCollection = new LinkedHashMap<>();
      seeds.forEach(s -> byCollection.computeIfAbsent(s.collection(), k -> new ArrayList<>()).add(s));
      for (var entry : byCollection.entrySet()) {
        List<Action.SeedCounter> group = entry.getValue();
        if (group.size() == 1) {
          ctx.progress().starting(group.get(0).type() + " " + group.get(0).subject());
          out.put(group.get(0), timed(group.get(0), () -> seed(group.get(0))));
          continue;
        }
        ctx.progress().starting("SeedCounter " + group.stream().map(Action::subject).collect(Collectors.joining(", ")));
        List<UpdateOneModel<Document>> models = group.stream().map(s -> new UpdateOneModel<Document>(
            Filters.eq("_id", s.name()), Updates.max("seq", s.target()), new UpdateOptions().upsert(true))).toList();
        List<Integer> raced = new ArrayList<>();
        long start = System.nanoTime();
        try {
          retrier.run(Op.of("update", entry.getKey()), () -> {
            raced.clear();
            try {
              db.getCollection(entry.getKey()).bulkWrite(models, new BulkWriteOptions().ordered(false));
            } catch (MongoBulkWriteException e) {
              if (e.getWriteConcernError() != null
                  || e.getWriteErrors().stream().anyMatch(w -> w.getCode() != ErrorClassifier.DUPLICATE_KEY)) {
                throw e;
              }
              e.getWriteErrors().forEach(w -> raced.add(w.getIndex()));
            }
          });
        } catch (Failure.Permanent e) {
          if (e.reason() == Reason.AuthenticationFailed) throw e;
          group.forEach(s -> out.put(s, timed(s, () -> seed(s))));
          continue;
        }
        Duration took = since(start);
        for (int i = 0; i < group.size(); i++) {
          Action.SeedCounter s = group.get(i);
          out.put(s, raced.contains(i) ? timed(s, () -> seed(s))
              : Outcome.applied(s, "seq >= " + s.target(), took));
        }
      }
      return out;
    }

    private Outcome seed(Action.SeedCounter s) {
      // $max never lowers seq, so an application's concurrent $inc is never undone.
      var update = Updates.max("seq", s.target());
      var filter = Filters.eq("_id", s.name());
      Op op = Op.of("update", s.collection() + "." + s.name());
      try {
        retrier.run(op, () -> db.getCollection(s.collection()).updateOne(filter, update, new UpdateOptions().upsert(true)));
      } catch (Failure.Permanent e) {
        // Two upserts raced to insert the document; it exists now, so the plain update applies.
        if (e.code() != ErrorClassifier.DUPLICATE_KEY) throw e;
        retrier.run(op, () -> db.getCollection(s.collection()).updateOne(filter, update));
      }
      return Outcome.applied(s, "seq >= " + s.target(), Duration.ZERO);
    }

    /**
     * Reads each changed collection's indexes back once: an option the server accepted but did
     * not keep (FerretDB drops sparse) is reported as Unsupported, and recorded, so that no later
     * pass rebuilds for it.
     */
    private void readBack(List<Action> changes) {
      Map<String, List<Integer>> built = new LinkedHashMap<>();
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome o = outcomes.get(i);
        if (o.applied() && indexOf(o.action()) != null && !proven.contains(o.action())) {
          built.computeIfAbsent(o.action().collection(), k -> new ArrayList<>()).add(i);
        }
      }
      for (var entry : built.entrySet()) {
        String collection = entry.getKey();
        Map<String, IndexDefinition> listed = new LinkedHashMap<>();
        reader.listIndexes(db, collection).forEach(d -> {
          IndexDefinition def = IndexDefinitions.fromListIndexes(d);
          listed.put(def.name(), def);
        });
        List<ManagedRecord.Unkept> unkept = new ArrayList<>();
        for (int i : entry.getValue()) {
          Outcome o = outcomes.get(i);
          IndexDefinition wanted = indexOf(o.action());
          IndexDefinition got = listed.get(wanted.name());
          if (got == null) {
            outcomes.set(i, Outcome.refused(o.action(), ActionType.Failed, "the server acknowledged it, but does not list it",
                o.took()));
            continue;
          }
          List<String> dropped = wanted.differencesFrom(got, ctx.observed().defaultCollationOf(collection)).stream()
              .map(IndexDefinition.Difference::property).toList();
          if (!dropped.isEmpty()) {
            unkept.add(new ManagedRecord.Unkept(wanted.name(), IndexDefinitions.fingerprint(wanted), dropped));
            outcomes.set(i, Outcome.refused(o.action(), ActionType.Unsupported, "the server accepted it but did not keep "
                + String.join(", ", dropped) + "; it is kept without, and not rebuilt for it", o.took()));
          }
        }
        if (!unkept.isEmpty() && ctx.owner() != null && !lost.containsKey(collection)) {
          metadata.recordUnkept(db, collection, ctx.owner(), unkept);
        }
      }
    }

    private Outcome timed(Action action, Supplier<Outcome> step) {
      long start = System.nanoTime();
      try {
        Outcome o = step.get();
        return new Outcome(action, o.result(), o.applied(), o.message(), since(start));
      } catch (Failure.Permanent e) {
        if (e.reason() == Reason.AuthenticationFailed) throw e;
        return Outcome.refused(action, resultOf(e), e.getMessage(), since(start));
      }
    }
  }

  /**
   * A createIndexes reply that says every index in it now exists as specified: mongod's shape,
   * numIndexesAfter, or its note when they all existed already (a server that keeps its options
   * answers 85 or 86 to the same name with other keys or options).
   */
  static boolean acknowledged(Document reply) {
    return reply != null && reply.get("ok") instanceof Number ok && ok.doubleValue() == 1
        && (reply.get("numIndexesAfter") instanceof Number || reply.containsKey("note"));
  }

  /** An unknown-field or bad-option refusal that names commitQuorum. */
  static boolean refusesCommitQuorum(Failure.Permanent e) {
    return (UNKNOWN_OPTION.contains(e.code()) || e.reason() == Reason.Unsupported)
        && String.valueOf(e.getMessage()).contains("commitQuorum");
  }

  private static IndexDefinition indexOf(Action a) {
    if (a instanceof Action.CreateIndex c) return c.index();
    if (a instanceof Action.RecreateIndex r) return r.index();
    if (a instanceof Action.ModifyIndex m) return m.index();
    return null;
  }

  /** The record key of what an action touches: its collection, or for a counter, the counter. */
  private static String targetOf(Action a) {
    boolean counter = a instanceof Action.SeedCounter || ((a instanceof Action.Claim || a instanceof Action.Release)
        && !a.name().isEmpty());
    return counter ? ManagedRecord.counterId(a.collection(), a.name()) : ManagedRecord.collectionId(a.collection());
  }

  private static ActionType resultOf(Failure.Permanent e) {
    return switch (e.reason()) {
      case Unsupported -> ActionType.Unsupported;
      case NotAuthorized -> ActionType.NotAuthorized;
      default -> ActionType.Failed;
    };
  }

  /**
   * One line per outcome, but one for all of a collection's indexes one createIndexes built, and
   * one for all the records one insert claimed: a line per index, then per claim, was much of the
   * time of a converge on a fast server.
   */
  private static void log(List<Outcome> outcomes, Set<Outcome> claimedTogether) {
    if (!claimedTogether.isEmpty()) {
      List<Outcome> claims = outcomes.stream().filter(claimedTogether::contains).toList();
      LOG.info("Claim {} records in one insert ({}) done in {} ms", claims.size(), claims.stream()
          .map(x -> x.action().subject()).collect(Collectors.joining(", ")), claims.get(0).took().toMillis());
    }
    for (int i = 0; i < outcomes.size(); ) {
      Outcome o = outcomes.get(i);
      if (claimedTogether.contains(o)) {
        i++;
        continue;
      }
      int j = i + 1;
      while (j < outcomes.size() && builtTogether(o, outcomes.get(j))) j++;
      if (j - i > 1) {
        LOG.info("CreateIndex {}: {} indexes ({}) done in {} ms", Quoting.name(o.action().collection()), j - i,
            outcomes.subList(i, j).stream().map(x -> Quoting.name(x.action().name())).collect(Collectors.joining(", ")),
            o.took().toMillis());
      } else {
        log(o);
      }
      i = j;
    }
  }

  private static boolean builtTogether(Outcome a, Outcome b) {
    return a.action() instanceof Action.CreateIndex && b.action() instanceof Action.CreateIndex && a.applied()
        && b.applied() && a.result() == ActionType.CreateIndex && b.result() == ActionType.CreateIndex
        && a.action().collection().equals(b.action().collection()) && a.took().equals(b.took());
  }

  private static void log(Outcome o) {
    Action a = o.action();
    if (o.result() == ActionType.Building) {
      LOG.debug("{} {} building apart from the pass", a.type(), a.subject());
    } else if (o.applied()) {
      LOG.info("{} {} {} in {} ms", a.type(), a.subject(), o.result() == a.type() ? "done" : o.result(), o.took().toMillis());
    } else {
      // The message may hold sample key values: those stay in the command's output, not the log.
      LOG.info("{} {} refused ({}) in {} ms", a.type(), a.subject(), o.result(), o.took().toMillis());
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
