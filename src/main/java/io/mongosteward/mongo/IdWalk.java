package io.mongosteward.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.mongosteward.failure.Failure;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Reads a collection in {@code _id} order, a page at a time, from any point. A range query on
 * {@code _id} only reaches values of the same type ({@code {$gt: ObjectId(..)}} never matches a
 * string), so the walk goes through the types one after the other in MongoDB's order, each with
 * {@code {_id: {$type: t, $gt: last}}}: every document is read once whatever its {@code _id}'s type,
 * and each query is a bounded range of the {@code _id} index.
 */
public final class IdWalk {
  /** The types an _id can have, in MongoDB's order: a position's {@code bracket} is an index here. */
  public static final List<List<String>> BRACKETS = List.of(List.of("minKey"), List.of("null"), List.of("number"),
      List.of("string"), List.of("object"), List.of("binData"), List.of("objectId"), List.of("bool"),
      List.of("date"), List.of("timestamp"), List.of("maxKey"));
  /** Types that hold at most one _id value: done after one page. */
  private static final List<String> SINGLE = List.of("minKey", "null", "maxKey");
  private static final int BAD_VALUE = 2;

  private final Retrier retrier;

  public IdWalk(Retrier retrier) {
    this.retrier = retrier;
  }

  /**
   * A page of documents after a position.
   *
   * @param bracket the place of the last row's _id type in {@link #BRACKETS}; with lastId, where the next page starts
   * @param lastId the last row's _id, or null when the next page starts at the beginning of {@code bracket}
   * @param rows empty at the end of the collection
   */
  public record Page(List<Document> rows, int bracket, Object lastId) {}

  /**
   * Up to {@code limit} documents after ({@code bracket}, {@code lastId}), with {@code projection}.
   */
  public Page next(MongoCollection<Document> collection, Bson projection, int bracket, Object lastId, int limit) {
    int b = bracket;
    Object last = lastId;
    while (b < BRACKETS.size()) {
      List<String> types = BRACKETS.get(b);
      Bson filter = last == null ? Filters.type("_id", types.get(0))
          : Filters.and(Filters.type("_id", types.get(0)), Filters.gt("_id", last));
      List<Document> rows = new ArrayList<>();
      try {
        retrier.run(Op.of("find", collection.getNamespace().getCollectionName()), () -> {
          rows.clear();
          collection.find(filter).projection(projection).sort(Sorts.ascending("_id")).limit(limit).into(rows);
        });
      } catch (Failure.Permanent e) {
        if (e.code() != BAD_VALUE) throw e;
        rows.clear(); // the server does not know this type (FerretDB and MinKey): it holds none
      }
      if (!rows.isEmpty()) {
        Object id = rows.get(rows.size() - 1).get("_id");
        return SINGLE.contains(types.get(0)) ? new Page(rows, b + 1, null) : new Page(rows, b, id);
      }
      b++;
      last = null;
    }
    return new Page(List.of(), BRACKETS.size(), null);
  }
}
