package io.mongosteward.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BSONException;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The reads and writes of a migration's batches, each one command retried by the {@link Retrier}
 * and safe to repeat: a retry after a cut connection neither loses nor doubles anything.
 */
public final class MigrationData {
  private final Retrier retrier;

  public MigrationData(Retrier retrier) {
    this.retrier = retrier;
  }

  /** The collection's size from its metadata (the count command): cheap, approximate. */
  public long estimatedCount(MongoCollection<Document> collection) {
    return retrier.call(Op.of("count", name(collection)), collection::estimatedDocumentCount);
  }

  /** Which of {@code ids} are in the collection: one find on _id, projecting _id only. */
  public Set<Object> existing(MongoCollection<Document> collection, Collection<?> ids) {
    Set<Object> out = new HashSet<>();
    if (ids.isEmpty()) return out;
    retrier.run(Op.of("find", name(collection)), () -> {
      out.clear();
      for (Document d : collection.find(Filters.in("_id", List.copyOf(ids))).projection(new Document("_id", 1))) {
        out.add(d.get("_id"));
      }
    });
    return out;
  }

  /** The documents of {@code ids} that exist, whole ({@code projection} null) or projected. */
  public List<Document> read(MongoCollection<Document> collection, Collection<?> ids, Bson projection) {
    List<Document> out = new ArrayList<>();
    if (ids.isEmpty()) return out;
    retrier.run(Op.of("find", name(collection)), () -> {
      out.clear();
      var find = collection.find(Filters.in("_id", List.copyOf(ids)));
      (projection == null ? find : find.projection(projection)).into(out);
    });
    return out;
  }

  /**
   * Copies {@code documents} into {@code archive}, insert-only and idempotent by _id: one unordered
   * insertMany. An _id that is there already is never replaced: when the archive's document equals
   * the one being archived, it is this run's earlier copy (a retry, or a re-run after a crash) and
   * is left as it is; when it differs, the archive holds a document this run did not write, and the
   * copies this call inserted are taken out again before a {@link Failure.Invalid} names the
   * collection and the _id. Nothing of the batch is deleted then: the caller deletes after this returns.
   */
  public void archive(MongoCollection<Document> archive, List<Document> documents) {
    if (documents.isEmpty()) return;
    retrier.run(Op.of("insert", name(archive)), () -> {
      try {
        archive.insertMany(documents, new InsertManyOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null) throw e;
        Map<Object, Document> already = new LinkedHashMap<>();
        Set<Integer> failed = new HashSet<>();
        for (BulkWriteError error : e.getWriteErrors()) {
          if (error.getCode() != ErrorClassifier.DUPLICATE_KEY) throw e;
          Document d = documents.get(error.getIndex());
          already.put(d.get("_id"), d);
          failed.add(error.getIndex());
        }
        List<Document> there = archive.find(Filters.in("_id", List.copyOf(already.keySet()))).into(new ArrayList<>());
        for (Document copy : there) {
          Document ours = already.get(copy.get("_id"));
          if (ours != null && !ours.equals(copy)) {
            List<Object> inserted = new ArrayList<>();
            for (int i = 0; i < documents.size(); i++) {
              if (!failed.contains(i)) inserted.add(documents.get(i).get("_id"));
            }
            if (!inserted.isEmpty()) archive.deleteMany(Filters.in("_id", inserted));
            throw new Failure.Invalid(Reason.InvalidSpec, "the archive collection " + name(archive)
                + " already holds another document with _id " + show(copy.get("_id"))
                + ", which this migration did not write; nothing of this batch was deleted: "
                + "choose an archiveCollection of its own (spec.deduplicate.archiveCollection)");
          }
        }
      }
    });
  }

  /**
   * Takes out of {@code archive} the copies of {@code documents} that equal them (a crashed batch's
   * copies of documents it did not delete); a copy that differs is not this run's, and stays.
   *
   * @return how many copies were deleted
   */
  public long deleteEqualCopies(MongoCollection<Document> archive, List<Document> documents) {
    if (documents.isEmpty()) return 0;
    Map<Object, Document> byId = new LinkedHashMap<>();
    documents.forEach(d -> byId.put(d.get("_id"), d));
    List<Object> equal = new ArrayList<>();
    for (Document copy : read(archive, byId.keySet(), null)) {
      if (copy.equals(byId.get(copy.get("_id")))) equal.add(copy.get("_id"));
    }
    return delete(archive, equal);
  }

  /**
   * Whether the collection exists: listCollections filtered by name, the names compared here too
   * (mongo-java-server ignores the filter).
   */
  public boolean collectionExists(MongoDatabase db, String collection) {
    return retrier.call(Op.of("listCollections", collection), () -> {
      for (String name : db.listCollectionNames().filter(Filters.eq("name", collection))) {
        if (name.equals(collection)) return true;
      }
      return false;
    });
  }

  private static String show(Object id) {
    return id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
  }

  /** Deletes {@code ids} from the collection: one deleteMany on _id. */
  public long delete(MongoCollection<Document> collection, Collection<?> ids) {
    if (ids.isEmpty()) return 0;
    return retrier.call(Op.of("delete", name(collection)),
        () -> collection.deleteMany(Filters.in("_id", List.copyOf(ids))).getDeletedCount());
  }

  /**
   * One conditional update: set {@code target} to {@code value} in the document {@code id}, only
   * while {@code source} and {@code target} still hold what was read.
   *
   * @param targetRead what target held, or {@link #MISSING} when it was not there
   */
  public record ConditionalSet(Object id, String source, Object sourceRead, String target, Object targetRead,
      Object value) {}

  /** Marks a field that was not in the document. */
  public static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "(missing)";
    }
  };

  /** A document the server refused to update (a target it cannot write in it, say): left as it is. */
  public record Rejected(Object id, String message) {}

  /**
   * @param matched how many matched their filter; the others (but the rejected) were changed by
   *     someone else since they were read
   * @param rejected the updates the server refused one by one (write errors), which matched nothing
   */
  public record SetResult(long matched, List<Rejected> rejected) {}

  /**
   * Applies the updates in one unordered bulk write. A per-document write error (code 28
   * PathNotViable: {@code target} cannot be created in that document, say) does not fail the
   * others: it is returned as rejected. A write concern error, or a transient one, is thrown.
   */
  public SetResult conditionalSet(MongoCollection<Document> collection, List<ConditionalSet> sets) {
    if (sets.isEmpty()) return new SetResult(0, List.of());
    List<WriteModel<Document>> models = new ArrayList<>(sets.size());
    for (ConditionalSet s : sets) {
      // Top-level equalities: _id makes it an index lookup; source and target as they were read.
      Document filter = new Document("_id", s.id()).append(s.source(), s.sourceRead());
      filter.append(s.target(), s.targetRead() == MISSING ? new Document("$exists", false) : s.targetRead());
      models.add(new UpdateOneModel<>(filter, Updates.set(s.target(), s.value())));
    }
    return retrier.call(Op.of("update", name(collection)), () -> {
      try {
        return new SetResult(collection.bulkWrite(models, new BulkWriteOptions().ordered(false)).getMatchedCount(),
            List.of());
      } catch (MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null) throw e;
        List<Rejected> rejected = new ArrayList<>();
        for (BulkWriteError error : e.getWriteErrors()) {
          if (ErrorClassifier.TRANSIENT_CODES.contains(error.getCode())) throw e;
          rejected.add(new Rejected(sets.get(error.getIndex()).id(), "code " + error.getCode() + ": "
              + error.getMessage()));
        }
        return new SetResult(e.getWriteResult().wasAcknowledged() ? e.getWriteResult().getMatchedCount() : 0,
            rejected);
      } catch (BSONException e) {
        // FerretDB v1 answers an update with a write error without "n": the driver cannot read the
        // reply of the bulk write, nor say which update failed. One update per document then.
        return oneByOne(collection, sets, models);
      }
    });
  }

  private static SetResult oneByOne(MongoCollection<Document> collection, List<ConditionalSet> sets,
      List<WriteModel<Document>> models) {
    long matched = 0;
    List<Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      UpdateOneModel<Document> m = (UpdateOneModel<Document>) models.get(i);
      try {
        matched += collection.updateOne(m.getFilter(), m.getUpdate()).getMatchedCount();
      } catch (MongoWriteException e) {
        if (e.getError().getCategory() == com.mongodb.ErrorCategory.DUPLICATE_KEY
            || ErrorClassifier.TRANSIENT_CODES.contains(e.getError().getCode())) {
          throw e;
        }
        rejected.add(new Rejected(sets.get(i).id(), "code " + e.getError().getCode() + ": " + e.getError().getMessage()));
      } catch (BSONException e) {
        rejected.add(new Rejected(sets.get(i).id(), "the server refused the update (its reply: " + e.getMessage() + ")"));
      }
    }
    return new SetResult(matched, rejected);
  }

  private static String name(MongoCollection<?> c) {
    return c.getNamespace().getCollectionName();
  }
}
