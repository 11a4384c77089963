package io.mongosteward.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.KeyPart;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Counts the duplicate key groups that keep a unique index from being built, with a few sample
 * keys: a bounded aggregation (time limit, allowDiskUse) over the index's fields only.
 */
public final class DuplicateFinder implements DuplicateCounter {
  public static final int SAMPLES = 5;
  private final Duration limit;

  /** @param limit the bound on each of its two aggregations, client and server side */
  public DuplicateFinder(Duration limit) {
    this.limit = limit;
  }

  public record Duplicates(long groups, List<String> samples) {
    public String describe() {
      return groups + " duplicate key group" + (groups == 1 ? "" : "s") + ", e.g. " + String.join("; ", samples);
    }
  }

  /** The message of a unique index that duplicates block, with what to do about it. */
  public static String blockedMessage(Duplicates found, IndexDefinition index) {
    return found.describe() + "; run a MongoMigration with deduplicate.keys "
        + index.keys().stream().map(KeyPart::field).toList() + ", then apply again";
  }

  @Override
  public Duplicates find(MongoCollection<Document> source, IndexDefinition index) {
    // withTimeout bounds the command on both sides: the driver sends it on as maxTimeMS.
    MongoCollection<Document> collection = source.withTimeout(limit.toMillis(), TimeUnit.MILLISECONDS);
    List<KeyPart> keys = index.keys();
    Document groupId = new Document();
    for (int i = 0; i < keys.size(); i++) {
      groupId.append("k" + i, "$" + keys.get(i).field());
    }
    List<Bson> base = new ArrayList<>();
    Bson scope = scope(index);
    if (scope != null) base.add(new Document("$match", scope));
    base.add(new Document("$group", new Document("_id", groupId).append("n", new Document("$sum", 1))));
    base.add(new Document("$match", new Document("n", new Document("$gt", 1))));

    List<Bson> count = new ArrayList<>(base);
    count.add(new Document("$group", new Document("_id", null).append("groups", new Document("$sum", 1))));
    Document counted = collection.aggregate(count).allowDiskUse(true).first();
    long groups = counted == null ? 0 : ((Number) counted.get("groups")).longValue();

    List<Bson> sample = new ArrayList<>(base);
    sample.add(new Document("$sort", new Document("n", -1)));
    sample.add(new Document("$limit", SAMPLES));
    List<String> samples = new ArrayList<>();
    for (Document d : collection.aggregate(sample).allowDiskUse(true)) {
      Document id = d.get("_id", Document.class);
      String key = keys.stream()
          .map(k -> io.mongosteward.plan.Quoting.name(k.field()) + "=" + id.get("k" + keys.indexOf(k)))
          .collect(Collectors.joining(", "));
      samples.add("{" + key + "} x" + d.get("n"));
    }
    return new Duplicates(groups, samples);
  }

  /** Only the documents the index would hold: its partial filter, or for sparse, those with a key. */
  private static Bson scope(IndexDefinition index) {
    Object partial = index.createOptions().get("partialFilterExpression");
    if (partial instanceof java.util.Map<?, ?> m) {
      Document d = new Document();
      m.forEach((k, v) -> d.append(String.valueOf(k), v));
      return d;
    }
    if (index.sparse()) {
      return Filters.or(index.keys().stream().map(k -> Filters.exists(k.field())).toList());
    }
    return null;
  }
}
