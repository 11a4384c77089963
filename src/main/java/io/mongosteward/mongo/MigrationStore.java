package io.mongosteward.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Quoting;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The migrations' records in the database's {@code mongosteward} collection, next to (and apart
 * from) the schema records of {@link MetadataStore}: one lease per collection a migration runs on,
 * and one run record per migration and spec hash (the ledger, holding the checkpoint).
 *
 * <pre>
 * {_id: "lease:posts", kind: "migration-lease", collection, migration, owner, runner, takenAt, renewedAt, expiresAt}
 * {_id: "migration:posts:bots/dedupe:9f2c...", kind: "migration-run", collection, migration, owner, specHash,
 *  type, dryRun, state, runner, startedAt, updatedAt, endedAt, message, checkpoint: {...}, history: [...]}
 * </pre>
 *
 * Every write to a run record is fenced by its {@code runner}: a runner whose record another runner
 * took over writes nothing more.
 */
public final class MigrationStore {
  static final String KIND_LEASE = "migration-lease";
  static final String KIND_RUN = "migration-run";

  private final Retrier retrier;

  public MigrationStore(Retrier retrier) {
    this.retrier = retrier;
  }

  /** Who holds a collection's lease, and until when. */
  public record Holder(String migration, String runner, Instant expiresAt) {
    public String describe() {
      return "migration " + Quoting.name(migration) + " (runner " + Quoting.name(runner) + ") holds its lease until "
          + expiresAt;
    }
  }

  public static String leaseId(String collection) {
    return "lease:" + collection;
  }

  public static String runId(String collection, String migration, String specHash) {
    return "migration:" + collection + ":" + migration + ":" + specHash;
  }

  /**
   * Takes the collection's lease for {@code runner}, unless another runner holds it and it has not
   * expired at {@code now}. One atomic findAndModify upsert decides a race: its filter matches a
   * lease that is expired or the runner's own; a missing lease is inserted; a held one makes the
   * insert of the same _id fail with 11000. (findAndModify rather than update: FerretDB answers a
   * refused update upsert malformed.)
   *
   * @param process the process that runs it: a lease that an earlier run of the same migration in
   *     the same process left behind (its release failed with the connection) is its own, and is
   *     taken over at once rather than after it expires. One process runs a migration once at a time.
   * @return null when {@code runner} holds the lease now, else who does
   */
  public Holder takeLease(MongoDatabase db, String collection, String migration, Owner owner, String process,
      String runner, Instant now, Duration ttl) {
    for (int attempt = 0; attempt < 3; attempt++) {
      // Top-level _id: an upsert takes its _id from the filter, and FerretDB only from a top-level field.
      Document filter = new Document("_id", leaseId(collection)).append("$or", List.of(
          new Document("expiresAt", new Document("$lt", Date.from(now))), new Document("runner", runner),
          new Document("migration", migration).append("process", process)));
      Bson update = Updates.combine(Updates.set("kind", KIND_LEASE), Updates.set("collection", collection),
          Updates.set("process", process),
          Updates.set("migration", migration), Updates.set("owner", owner(owner)), Updates.set("runner", runner),
          Updates.set("takenAt", Date.from(now)), Updates.set("renewedAt", Date.from(now)),
          Updates.set("expiresAt", Date.from(now.plus(ttl))));
      try {
        retrier.run(Op.of("findAndModify", MetadataStore.COLLECTION), () -> records(db).findOneAndUpdate(filter, update,
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)));
        return null;
      } catch (Failure.Permanent e) {
        if (e.code() != ErrorClassifier.DUPLICATE_KEY) throw e;
        Holder holder = leaseHolder(db, collection);
        if (holder != null) return holder;
        // Released between the two commands: try again.
      }
    }
    Holder holder = leaseHolder(db, collection);
    return holder != null ? holder : new Holder("?", "?", now);
  }

  /**
   * Moves the lease's expiry on, if {@code runner} still holds it.
   *
   * @return false when another runner took it over (it had expired)
   */
  public boolean renewLease(MongoDatabase db, String collection, String runner, Instant now, Duration ttl) {
    return retrier.call(Op.of("update", MetadataStore.COLLECTION), () -> records(db).updateOne(
        Filters.and(Filters.eq("_id", leaseId(collection)), Filters.eq("runner", runner)),
        Updates.combine(Updates.set("renewedAt", Date.from(now)), Updates.set("expiresAt", Date.from(now.plus(ttl))))))
        .getMatchedCount() == 1;
  }

  /** Deletes the lease if {@code runner} holds it. */
  public void releaseLease(MongoDatabase db, String collection, String runner) {
    retrier.run(Op.of("delete", MetadataStore.COLLECTION), () -> records(db).deleteOne(
        Filters.and(Filters.eq("_id", leaseId(collection)), Filters.eq("runner", runner))));
  }

  /** The lease's holder, or null when there is no lease. */
  public Holder leaseHolder(MongoDatabase db, String collection) {
    Document d = retrier.call(Op.of("find", MetadataStore.COLLECTION), () -> records(db)
        .find(Filters.eq("_id", leaseId(collection))).first());
    if (d == null) return null;
    return new Holder(String.valueOf(d.get("migration")), String.valueOf(d.get("runner")),
        d.get("expiresAt") instanceof Date e ? e.toInstant() : Instant.EPOCH);
  }

  /** The run record, or null. */
  public Document readRun(MongoDatabase db, String runId) {
    return retrier.call(Op.of("find", MetadataStore.COLLECTION), () -> records(db).find(Filters.eq("_id", runId)).first());
  }

  /**
   * Makes {@code runner} the run's, creating the record if it is missing ({@code identity} and a
   * first checkpoint then go in), and replaces its history.
   */
  public void beginAttempt(MongoDatabase db, String runId, Document identity, Document checkpoint, String runner,
      Instant now, List<Document> history) {
    Bson update = Updates.combine(Updates.set("kind", KIND_RUN), Updates.set("runner", runner),
        Updates.set("state", "Running"), Updates.set("updatedAt", Date.from(now)), Updates.set("history", history),
        Updates.unset("endedAt"), Updates.unset("message"), Updates.set("checkpoint", checkpoint),
        Updates.setOnInsert("startedAt", Date.from(now)));
    Bson sets = Updates.combine(update, Updates.combine(identity.entrySet().stream()
        .map(e -> Updates.set(e.getKey(), e.getValue())).toList()));
    retrier.run(Op.of("findAndModify", MetadataStore.COLLECTION), () -> records(db).findOneAndUpdate(
        new Document("_id", runId), sets, new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)));
  }

  /**
   * Writes the checkpoint, if the record is still {@code runner}'s.
   *
   * @return false when another runner took the record over
   */
  public boolean checkpoint(MongoDatabase db, String runId, String runner, Document checkpoint, Instant now) {
    return retrier.call(Op.of("update", MetadataStore.COLLECTION), () -> records(db).updateOne(
        Filters.and(Filters.eq("_id", runId), Filters.eq("runner", runner)),
        Updates.combine(Updates.set("checkpoint", checkpoint), Updates.set("updatedAt", Date.from(now)))))
        .getMatchedCount() == 1;
  }

  /**
   * Ends the attempt: its state (Succeeded, Stopped, Failed), the last checkpoint, a message and the history.
   *
   * @return false when another runner took the record over (nothing was written)
   */
  public boolean finish(MongoDatabase db, String runId, String runner, String state, Document checkpoint,
      String message, Instant now, List<Document> history) {
    return retrier.call(Op.of("update", MetadataStore.COLLECTION), () -> records(db).updateOne(
        Filters.and(Filters.eq("_id", runId), Filters.eq("runner", runner)),
        Updates.combine(Updates.set("state", state), Updates.set("checkpoint", checkpoint),
            Updates.set("message", message), Updates.set("updatedAt", Date.from(now)),
            Updates.set("endedAt", Date.from(now)), Updates.set("history", history))))
        .getMatchedCount() == 1;
  }

  /**
   * Marks a Running record of {@code runner} Stopped, for a runner that cannot do it itself now.
   *
   * @return false when the record is another runner's or not Running
   */
  public boolean markStopped(MongoDatabase db, String runId, String runner, String message, Instant now) {
    return retrier.call(Op.of("update", MetadataStore.COLLECTION), () -> records(db).updateOne(
        Filters.and(Filters.eq("_id", runId), Filters.eq("runner", runner), Filters.eq("state", "Running")),
        Updates.combine(Updates.set("state", "Stopped"), Updates.set("message", message),
            Updates.set("updatedAt", Date.from(now)), Updates.set("endedAt", Date.from(now)))))
        .getMatchedCount() == 1;
  }

  /** Every run record of a collection, oldest first: the ledger. */
  public List<Document> ledger(MongoDatabase db, String collection) {
    return retrier.call(Op.of("find", MetadataStore.COLLECTION), () -> records(db)
        .find(Filters.and(Filters.eq("kind", KIND_RUN), Filters.eq("collection", collection)))
        .sort(new Document("startedAt", 1)).into(new java.util.ArrayList<>()));
  }

  private static Document owner(Owner owner) {
    return new Document("namespace", owner.namespace()).append("name", owner.name()).append("uid", owner.uid());
  }

  public static Document ownerDocument(Owner owner) {
    return owner(owner);
  }

  private static MongoCollection<Document> records(MongoDatabase db) {
    return db.getCollection(MetadataStore.COLLECTION);
  }
}
