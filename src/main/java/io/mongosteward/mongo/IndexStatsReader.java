package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.plan.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * How often each index of the managed collections was used, from {@code $indexStats}: one
 * aggregation per collection. The counts are those of the member that answers, since its start or
 * the index's creation; through mongos there is one document per shard for each index (with a
 * {@code shard} field), and each is kept as an {@link Access} of that index, so that an index busy
 * on one shard is never taken for unused because another shard has no use for it.
 *
 * <p>Unique and TTL indexes are left out: $indexStats counts user operations only, so neither the
 * uniqueness check on every write nor the TTL monitor's deletes count, and such an index would look
 * unused while it does its job (dropping it on that advice loses a constraint or the expiry).
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexStats/
 */
public final class IndexStatsReader {
  /**
   * The count of one member (a shard's, through mongos).
   *
   * @param source the shard and host that counted, e.g. "shardA/db-a0:27018"; "" when unnamed
   * @param since when it started counting; null when it did not say
   */
  public record Access(String source, long ops, Instant since) {}

  /** One index and what each member that answered counted. */
  public record Usage(String collection, String index, List<Access> accesses) {
    public Usage {
      accesses = List.copyOf(accesses);
    }

    /** An index counted by one unnamed member. */
    public Usage(String collection, String index, long ops, Instant since) {
      this(collection, index, List.of(new Access("", ops, since)));
    }
  }

  /** @param note why there are no counts (a server without $indexStats), else null */
  public record Stats(List<Usage> usages, String note) {}

  private final Retrier retrier;

  public IndexStatsReader(Retrier retrier) {
    this.retrier = retrier;
  }

  /**
   * The counts of every index but _id_, unique and TTL indexes; a server that refuses $indexStats
   * gives a note, not a failure.
   */
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
      // $indexStats' spec (MongoDB 4.2.4+) has the options; a server without it (or one whose spec
      // holds only the key) is answered by listIndexes.
      List<Document> catalog = docs.isEmpty() ? List.of() : retrier.call(Op.of("listIndexes", c), () ->
          db.getCollection(c).listIndexes().into(new ArrayList<>()));
      out.addAll(usages(c, docs, catalog));
    }
    return new Stats(out, null);
  }

  /**
   * @param docs the $indexStats documents of {@code collection}
   * @param catalog its listIndexes documents, for the options a $indexStats spec may not carry
   */
  static List<Usage> usages(String collection, List<Document> docs, List<Document> catalog) {
    Set<String> notCounted = new HashSet<>();
    for (Document index : catalog) {
      if (index.get("name") instanceof String name && enforces(index)) notCounted.add(name);
    }
    Map<String, List<Access>> byIndex = new LinkedHashMap<>();
    for (Document d : docs) {
      if (!(d.get("name") instanceof String name) || Planner.ID_INDEX.equals(name)) continue;
      if (d.get("spec") instanceof Document spec && enforces(spec)) notCounted.add(name);
      Document accesses = d.get("accesses") instanceof Document a ? a : new Document();
      long ops = accesses.get("ops") instanceof Number n ? n.longValue() : 0;
      Instant since = accesses.get("since") instanceof Date at ? at.toInstant() : null;
      String shard = d.get("shard") instanceof String s ? s : "";
      String host = d.get("host") instanceof String h ? h : "";
      String source = shard.isEmpty() ? host : shard + "/" + host;
      byIndex.computeIfAbsent(name, k -> new ArrayList<>()).add(new Access(source, ops, since));
    }
    List<Usage> out = new ArrayList<>();
    byIndex.forEach((name, accesses) -> {
      if (!notCounted.contains(name)) out.add(new Usage(collection, name, accesses));
    });
    return out;
  }

  /** Unique or TTL: the index works without a counted access. */
  private static boolean enforces(Document spec) {
    return Boolean.TRUE.equals(spec.get("unique")) || spec.get("expireAfterSeconds") instanceof Number;
  }
}
