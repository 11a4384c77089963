package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * How often each index of the managed collections was used, from {@code $indexStats}: one
 * aggregation per collection. The counts are those of the member that answers (the primary), since
 * its start or the index's creation.
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexStats/
 */
public final class IndexStatsReader {
  /** @param since when the server started counting; null when it did not say */
  public record Usage(String collection, String index, long ops, Instant since) {}

  /** @param note why there are no counts (a server without $indexStats), else null */
  public record Stats(List<Usage> usages, String note) {}

  private final Retrier retrier;

  public IndexStatsReader(Retrier retrier) {
    this.retrier = retrier;
  }

  /** The counts of every index but _id_; a server that refuses $indexStats gives a note, not a failure. */
  public Stats read(MongoDatabase db, List<String> collections) {
    List<Usage> out = new ArrayList<>();
    for (String c : collections) {
      List<Document> docs;
      try {
        docs = retrier.call(Op.of("aggregate $indexStats", c), () -> db.getCollection(c)
            .aggregate(List.of(new Document("$indexStats", new Document()))).into(new ArrayList<>()));
      } catch (Failure.Permanent e) {
        if (e.reason() == Reason.AuthenticationFailed) throw e;
        return new Stats(List.of(), "the server does not answer $indexStats (" + e.getMessage()
            + "): unused indexes are not reported");
      }
      for (Document d : docs) {
        if (!(d.get("name") instanceof String name) || Planner.ID_INDEX.equals(name)) continue;
        Document accesses = d.get("accesses") instanceof Document a ? a : new Document();
        long ops = accesses.get("ops") instanceof Number n ? n.longValue() : 0;
        Instant since = accesses.get("since") instanceof Date at ? at.toInstant() : null;
        out.add(new Usage(c, name, ops, since));
      }
    }
    return new Stats(out, null);
  }
}
