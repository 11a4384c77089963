package io.mongosteward.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.ManagedRecord;
import io.mongosteward.plan.Owner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The metadata collection of a managed database: one small document per managed collection and
 * counter, saying which MongoSchema manages it, so that two schemas never drop and recreate each
 * other's indexes. Documents carry a {@code kind}; migrations keep their leases and ledger here too.
 */
public final class MetadataStore {
  /** The metadata collection's name in every managed database. */
  public static final String COLLECTION = "mongosteward";
  static final String KIND_COLLECTION = "collection";
  static final String KIND_COUNTER = "counter";

  private final Retrier retrier;

  public MetadataStore(Retrier retrier) {
    this.retrier = retrier;
  }

  /** The records of {@code ids}, and every collection or counter record {@code owner} holds. One find. */
  public Map<String, ManagedRecord> read(MongoDatabase db, Collection<String> ids, Owner owner) {
    Bson mine = Filters.and(Filters.eq("owner.namespace", owner.namespace()), Filters.eq("owner.name", owner.name()),
        Filters.in("kind", KIND_COLLECTION, KIND_COUNTER));
    Map<String, ManagedRecord> out = new LinkedHashMap<>();
    retrier.run(Op.of("find", COLLECTION), () -> {
      out.clear();
      for (Document d : records(db).find(Filters.or(Filters.in("_id", List.copyOf(ids)), mine))) {
        ManagedRecord r = toRecord(d);
        if (r != null) out.put(r.id(), r);
      }
    });
    return out;
  }

  /**
   * Records {@code owner} as the manager, unless another holds the record.
   *
   * @return null when claimed, else the owner that holds it
   */
  public Owner claim(MongoDatabase db, String id, Owner owner) {
    List<Bson> sets = new ArrayList<>(List.of(Updates.set("owner.namespace", owner.namespace()),
        Updates.set("owner.name", owner.name()), Updates.set("kind", kindOf(id)), Updates.setOnInsert("since", new Date())));
    // Top-level equalities, not $and: an upsert must take its _id from the filter, and FerretDB
    // does so only from a top-level field.
    Document filter = new Document("_id", id).append("owner.namespace", owner.namespace())
        .append("owner.name", owner.name());
    if (owner.uid() != null) {
      sets.add(Updates.set("owner.uid", owner.uid()));
      filter.append("$or", List.of(new Document("owner.uid", null), new Document("owner.uid", owner.uid())));
    }
    try {
      // No match means the record is missing (the upsert inserts it) or held by another (the
      // insert of the same _id fails with 11000): one atomic command decides the race.
      // findAndModify rather than update: FerretDB answers a refused update upsert malformed.
      retrier.run(Op.of("findAndModify", COLLECTION), () -> records(db).findOneAndUpdate(filter, Updates.combine(sets),
          new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)));
      return null;
    } catch (Failure.Permanent e) {
      if (e.code() != ErrorClassifier.DUPLICATE_KEY) throw e;
      ManagedRecord held = read(db, List.of(id), owner).get(id);
      if (held == null) {
        throw e; // not the record's _id that collided: some index on the metadata collection
      }
      return held.owner();
    }
  }

  /**
   * Claims records that did not exist when the pass observed them, in one round trip: one
   * unordered insert of them all. The _id index decides each race atomically: a duplicate-key
   * error means someone holds that record now (another schema, or this one through an attempt
   * whose reply was lost), and the caller asks {@link #claim} about those few to learn which.
   *
   * @return the ids whose insert met an existing record; the others are claimed
   */
  public List<String> claimAll(MongoDatabase db, List<String> ids, Owner owner) {
    Date now = new Date();
    List<Document> docs = ids.stream().map(id -> {
      Document o = new Document("namespace", owner.namespace()).append("name", owner.name());
      if (owner.uid() != null) o.append("uid", owner.uid());
      return new Document("_id", id).append("owner", o).append("kind", kindOf(id)).append("since", now);
    }).toList();
    List<String> taken = new ArrayList<>();
    retrier.run(Op.of("insert", COLLECTION), () -> {
      taken.clear();
      try {
        records(db).insertMany(docs, new InsertManyOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null
            || e.getWriteErrors().stream().anyMatch(w -> w.getCode() != ErrorClassifier.DUPLICATE_KEY)) {
          throw e;
        }
        e.getWriteErrors().forEach(w -> taken.add(ids.get(w.getIndex())));
      }
    });
    return taken;
  }

  private static String kindOf(String id) {
    return id.startsWith("counter:") ? KIND_COUNTER : KIND_COLLECTION;
  }

  /** Forgets one record, if {@code owner} holds it. */
  public void release(MongoDatabase db, String id, Owner owner) {
    retrier.run(Op.of("delete", COLLECTION), () -> records(db).deleteOne(Filters.and(Filters.eq("_id", id),
        ownedBy(owner))));
  }

  /** Forgets every collection and counter record {@code owner} holds: the schema is gone. */
  public long releaseAll(MongoDatabase db, Owner owner) {
    return retrier.call(Op.of("delete", COLLECTION), () -> records(db).deleteMany(Filters.and(
        Filters.in("kind", KIND_COLLECTION, KIND_COUNTER), ownedBy(owner))).getDeletedCount());
  }

  /** Replaces what a collection's record says the server did not keep. */
  public void recordUnkept(MongoDatabase db, String collection, Owner owner, List<ManagedRecord.Unkept> unkept) {
    List<Document> docs = unkept.stream().map(u -> new Document("index", u.index())
        .append("fingerprint", u.fingerprint()).append("options", u.options())).toList();
    retrier.run(Op.of("update", COLLECTION), () -> records(db).updateOne(Filters.and(
        Filters.eq("_id", ManagedRecord.collectionId(collection)), ownedBy(owner)), Updates.set("unkept", docs)));
  }

  /**
   * Replaces a collection's hidden-at list: the indexes this schema hid before dropping them, with
   * when. Written only after the collMod succeeded, and again after a drop or an unhide.
   */
  public void recordHidden(MongoDatabase db, String collection, Owner owner, List<ManagedRecord.Hidden> hidden) {
    List<Document> docs = hidden.stream().map(h -> new Document("index", h.index()).append("at", Date.from(h.at())))
        .toList();
    retrier.run(Op.of("update", COLLECTION), () -> records(db).updateOne(Filters.and(
        Filters.eq("_id", ManagedRecord.collectionId(collection)), ownedBy(owner)), Updates.set("hidden", docs)));
  }

  private static Bson ownedBy(Owner owner) {
    Bson f = Filters.and(Filters.eq("owner.namespace", owner.namespace()), Filters.eq("owner.name", owner.name()));
    return owner.uid() == null ? f
        : Filters.and(f, Filters.or(Filters.eq("owner.uid", null), Filters.eq("owner.uid", owner.uid())));
  }

  private static MongoCollection<Document> records(MongoDatabase db) {
    return db.getCollection(COLLECTION);
  }

  private static ManagedRecord toRecord(Document d) {
    Object id = d.get("_id");
    Document owner = d.get("owner") instanceof Document o ? o : null;
    if (!(id instanceof String s) || owner == null || !(owner.get("namespace") instanceof String ns)
        || !(owner.get("name") instanceof String name)) {
      return null;
    }
    List<ManagedRecord.Unkept> unkept = new ArrayList<>();
    if (d.get("unkept") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Document u && u.get("index") instanceof String index
            && u.get("fingerprint") instanceof String fp && u.get("options") instanceof List<?> options) {
          unkept.add(new ManagedRecord.Unkept(index, fp, options.stream().map(String::valueOf).toList()));
        }
      }
    }
    List<ManagedRecord.Hidden> hidden = new ArrayList<>();
    if (d.get("hidden") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Document h && h.get("index") instanceof String index && h.get("at") instanceof Date at) {
          hidden.add(new ManagedRecord.Hidden(index, at.toInstant()));
        }
      }
    }
    // Shared: the operator keeps each schema's records between passes, and a schema's records
    // repeat its owner (and schemas of one shape repeat their ids), each decoded as a new string.
    return new ManagedRecord(shared(s), new Owner(shared(ns), shared(name),
        owner.get("uid") instanceof String uid ? shared(uid) : null), unkept, hidden);
  }

  /** Short strings interned; long ones (the user's to make) kept as read, off the JVM's string table. */
  private static String shared(String s) {
    return s.length() <= 64 ? s.intern() : s;
  }
}
