package io.mongosteward.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.mongosteward.api.v1alpha1.ConflictPolicy;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a plan's changes to one database. Transient errors are retried by the {@link Retrier}
 * and, once exhausted, thrown; a permanent refusal of one action becomes its {@link Outcome} and
 * the other actions still run. Every operation is safe to repeat after a lost reply.
 */
public final class SchemaApplier {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaApplier.class);

  private final Retrier retrier;
  private final DuplicateFinder duplicates;
  private final Redactor redactor;

  public SchemaApplier(Retrier retrier, DuplicateFinder duplicates, Redactor redactor) {
    this.retrier = retrier;
    this.duplicates = duplicates;
    this.redactor = redactor;
  }

  /** Told before each step starts, so that a long index build is not mistaken for a hang. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = step -> { };

    void starting(String step);
  }

  public List<Outcome> apply(MongoDatabase db, List<Action> changes, ConflictPolicy onConflict) {
    return apply(db, changes, onConflict, Progress.NONE);
  }

  public List<Outcome> apply(MongoDatabase db, List<Action> changes, ConflictPolicy onConflict, Progress progress) {
    List<Outcome> outcomes = new ArrayList<>();
    // A collection's creations are contiguous in a plan: batch them into one createIndexes.
    List<Action.CreateIndex> batch = new ArrayList<>();
    for (Action action : changes) {
      if (!batch.isEmpty() && !(action instanceof Action.CreateIndex c && c.collection().equals(batch.get(0).collection()))) {
        progress.starting(describeBatch(batch));
        outcomes.addAll(createBatch(db, batch.get(0).collection(), List.copyOf(batch)));
        batch.clear();
      }
      if (!(action instanceof Action.CreateIndex)) {
        progress.starting(action.type() + " " + action.collection() + "." + action.name());
      }
      if (action instanceof Action.CreateIndex c) {
        batch.add(c);
      } else if (action instanceof Action.DropIndex d) {
        outcomes.add(timed(d, () -> {
          drop(db, d.collection(), d.name());
          return Outcome.applied(d, "dropped", Duration.ZERO);
        }));
      } else if (action instanceof Action.ModifyIndex m) {
        outcomes.add(modify(db, m, onConflict));
      } else if (action instanceof Action.RecreateIndex r) {
        outcomes.add(timed(r, () -> {
          drop(db, r.collection(), r.name());
          return createOne(db, r, r.collection(), r.index());
        }));
      } else if (action instanceof Action.SeedCounter s) {
        outcomes.add(timed(s, () -> seed(db, s)));
      }
    }
    if (!batch.isEmpty()) {
      progress.starting(describeBatch(batch));
      outcomes.addAll(createBatch(db, batch.get(0).collection(), batch));
    }
    outcomes.forEach(this::log);
    return outcomes;
  }

  private static String describeBatch(List<Action.CreateIndex> batch) {
    return "createIndexes " + batch.get(0).collection() + ": "
        + batch.stream().map(Action.CreateIndex::name).collect(java.util.stream.Collectors.joining(", "));
  }

  /** One createIndexes command for all of a collection's new indexes; on refusal, one by one. */
  private List<Outcome> createBatch(MongoDatabase db, String collection, List<Action.CreateIndex> batch) {
    long start = System.nanoTime();
    try {
      runCreate(db, collection, batch.stream().map(Action.CreateIndex::index).toList());
      Duration took = since(start);
      return batch.stream().map(c -> Outcome.applied(c, "created", took)).toList();
    } catch (MongoException e) {
      if (ErrorClassifier.isTransient(e)) throw e;
      if (batch.size() == 1) {
        return List.of(refusal(db, batch.get(0), collection, batch.get(0).index(), e, since(start)));
      }
      // The command is all or nothing: find out which index the server refuses.
      return batch.stream().map(c -> timed(c, () -> createOne(db, c, collection, c.index()))).toList();
    }
  }

  private Outcome createOne(MongoDatabase db, Action action, String collection, IndexDefinition index) {
    long start = System.nanoTime();
    try {
      runCreate(db, collection, List.of(index));
      return Outcome.applied(action, "created", since(start));
    } catch (MongoException e) {
      if (ErrorClassifier.isTransient(e)) throw e;
      return refusal(db, action, collection, index, e, since(start));
    }
  }

  private void runCreate(MongoDatabase db, String collection, List<IndexDefinition> indexes) {
    Document cmd = new Document("createIndexes", collection)
        .append("indexes", indexes.stream().map(IndexDefinitions::toCreateDocument).toList());
    retrier.run("createIndexes " + collection, () -> db.runCommand(cmd));
  }

  private Outcome refusal(MongoDatabase db, Action action, String collection, IndexDefinition index,
      MongoException e, Duration took) {
    String server = ErrorClassifier.describe(e, redactor);
    // Servers word a unique build over duplicates differently (mongod 11000, FerretDB code 1
    // "UNIQUE constraint failed"): counting the duplicates is the one reliable answer.
    if (index.unique() && !ErrorClassifier.isUnsupported(e)) {
      DuplicateFinder.Duplicates found = retrier.call("find duplicates " + collection + "." + index.name(),
          () -> duplicates.find(db.getCollection(collection), index));
      if (found.groups() > 0) {
        return Outcome.refused(action, ActionType.BlockedByDuplicates, found.describe()
            + "; run a MongoMigration with deduplicate.keys " + index.keys().stream().map(k -> k.field()).toList()
            + ", then apply again", took);
      }
    }
    if (ErrorClassifier.isUnsupported(e)) {
      return Outcome.refused(action, ActionType.Unsupported, "the server does not support this index: " + server, took);
    }
    return Outcome.refused(action, ActionType.Failed, server, took);
  }

  private Outcome modify(MongoDatabase db, Action.ModifyIndex m, ConflictPolicy onConflict) {
    long start = System.nanoTime();
    Document index = new Document("name", m.name());
    for (IndexDefinition.Difference d : m.changes()) {
      index.append(d.property(), d.desired());
    }
    try {
      retrier.run("collMod " + m.collection() + "." + m.name(),
          () -> db.runCommand(new Document("collMod", m.collection()).append("index", index)));
      return Outcome.applied(m, "changed in place", since(start));
    } catch (MongoException e) {
      if (ErrorClassifier.isTransient(e)) throw e;
      if (ErrorClassifier.isUnsupported(e) && onConflict == ConflictPolicy.Recreate) {
        drop(db, m.collection(), m.name());
        Outcome rebuilt = createOne(db, m, m.collection(), m.index());
        return rebuilt.applied() ? Outcome.applied(m, "rebuilt: the server has no collMod (policy Recreate)", since(start))
            : rebuilt;
      }
      if (ErrorClassifier.isUnsupported(e)) {
        return Outcome.refused(m, ActionType.Unsupported, "cannot change in place: " + ErrorClassifier.describe(e, redactor)
            + "; set policy.onConflict: Recreate to rebuild instead", since(start));
      }
      return Outcome.refused(m, ActionType.Failed, ErrorClassifier.describe(e, redactor), since(start));
    }
  }

  private void drop(MongoDatabase db, String collection, String name) {
    try {
      retrier.run("dropIndex " + collection + "." + name, () -> db.getCollection(collection).dropIndex(name));
    } catch (MongoException e) {
      // Gone already (perhaps by an earlier attempt whose reply was lost): the goal holds.
      if (ErrorClassifier.codeOf(e) != ErrorClassifier.INDEX_NOT_FOUND) throw e;
    }
  }

  private Outcome seed(MongoDatabase db, Action.SeedCounter s) {
    long start = System.nanoTime();
    // $max never lowers seq, so an application's concurrent $inc is never undone.
    var update = Updates.max("seq", s.target());
    var filter = Filters.eq("_id", s.name());
    try {
      retrier.run("seed counter " + s.name(),
          () -> db.getCollection(s.collection()).updateOne(filter, update, new UpdateOptions().upsert(true)));
    } catch (MongoException e) {
      // Two upserts raced to insert the document; it exists now, so the plain update applies.
      if (!ErrorClassifier.isDuplicateKey(e)) throw e;
      retrier.run("seed counter " + s.name(), () -> db.getCollection(s.collection()).updateOne(filter, update));
    }
    return Outcome.applied(s, "seq >= " + s.target(), since(start));
  }

  /** Runs one step as {@code action}'s outcome, timed as a whole; a permanent error becomes Failed. */
  private Outcome timed(Action action, java.util.function.Supplier<Outcome> step) {
    long start = System.nanoTime();
    try {
      Outcome o = step.get();
      return new Outcome(action, o.result(), o.applied(), o.message(), since(start));
    } catch (MongoException e) {
      if (ErrorClassifier.isTransient(e)) throw e;
      return Outcome.refused(action, ActionType.Failed, ErrorClassifier.describe(e, redactor), since(start));
    }
  }

  private void log(Outcome o) {
    Action a = o.action();
    if (o.applied()) {
      LOG.info("{} {}.{} {} in {} ms", a.type(), a.collection(), a.name(), o.result() == a.type() ? "done" : o.result(),
          o.took().toMillis());
    } else {
      // The message may hold sample key values: those stay in the command's output, not the log.
      LOG.info("{} {}.{} refused ({}) in {} ms", a.type(), a.collection(), a.name(), o.result(), o.took().toMillis());
    }
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
