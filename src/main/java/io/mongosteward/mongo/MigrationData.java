package io.mongosteward.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
   * Copies {@code documents} into {@code archive}, idempotently by _id: one unordered insertMany; a
   * document whose _id is there already (an earlier attempt's copy) is replaced, never doubled.
   */
  public void archive(MongoCollection<Document> archive, List<Document> documents) {
    if (documents.isEmpty()) return;
    retrier.run(Op.of("insert", name(archive)), () -> {
      try {
        archive.insertMany(documents, new InsertManyOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        List<WriteModel<Document>> replace = new ArrayList<>();
        for (BulkWriteError error : e.getWriteErrors()) {
          if (error.getCode() != ErrorClassifier.DUPLICATE_KEY) throw e;
          Document d = documents.get(error.getIndex());
          replace.add(new ReplaceOneModel<>(Filters.eq("_id", d.get("_id")), d));
        }
        if (e.getWriteConcernError() != null) throw e;
        archive.bulkWrite(replace, new BulkWriteOptions().ordered(false));
      }
    });
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

  /**
   * Applies the updates in one unordered bulk write.
   *
   * @return how many matched their filter; the others were changed by someone else since they were read
   */
  public long conditionalSet(MongoCollection<Document> collection, List<ConditionalSet> sets) {
    if (sets.isEmpty()) return 0;
    List<WriteModel<Document>> models = new ArrayList<>(sets.size());
    for (ConditionalSet s : sets) {
      // Top-level equalities: _id makes it an index lookup; source and target as they were read.
      Document filter = new Document("_id", s.id()).append(s.source(), s.sourceRead());
      filter.append(s.target(), s.targetRead() == MISSING ? new Document("$exists", false) : s.targetRead());
      models.add(new UpdateOneModel<>(filter, Updates.set(s.target(), s.value())));
    }
    return retrier.call(Op.of("update", name(collection)),
        () -> collection.bulkWrite(models, new BulkWriteOptions().ordered(false)).getMatchedCount());
  }

  private static String name(MongoCollection<?> c) {
    return c.getNamespace().getCollectionName();
  }
}
