package io.mongosteward.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.client.AggregateIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationAlternate;
import com.mongodb.client.model.CollationCaseFirst;
import com.mongodb.client.model.CollationMaxVariable;
import com.mongodb.client.model.CollationStrength;
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
  private static final org.bson.BsonNull NULL = org.bson.BsonNull.VALUE;
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
    try {
      return count(collection, index, asIndexed(index));
    } catch (MongoCommandException e) {
      if (!ErrorClassifier.isUnsupported(e)) throw e;
      // FerretDB v1 implements neither $ifNull nor every $unwind form: group the plain values.
      Document plain = new Document();
      for (int i = 0; i < index.keys().size(); i++) {
        plain.append("k" + i, "$" + index.keys().get(i).field());
      }
      return count(collection, index, List.of(new Document("$group", new Document("_id", new Document("k", plain))
          .append("n", new Document("$sum", 1)))));
    }
  }

  /**
   * One group per key as the unique index sees it (https://www.mongodb.com/docs/manual/core/index-unique/):
   * a missing field is null; each element of an array is a key of its own (a multikey index), and
   * one document counts once per key; the index's collation compares the strings.
   */
  private static List<Bson> asIndexed(IndexDefinition index) {
    List<KeyPart> keys = index.keys();
    List<Bson> stages = new ArrayList<>();
    Document project = new Document("_id", 1);
    for (int i = 0; i < keys.size(); i++) {
      project.append("k" + i, new Document("$ifNull", List.of("$" + keys.get(i).field(), NULL)));
    }
    stages.add(new Document("$project", project));
    for (int i = 0; i < keys.size(); i++) {
      // An empty array, or a path into an array without the field, is also a null key.
      stages.add(new Document("$unwind", new Document("path", "$k" + i).append("preserveNullAndEmptyArrays", true)));
    }
    Document nulls = new Document("_id", 1);
    for (int i = 0; i < keys.size(); i++) {
      nulls.append("k" + i, new Document("$ifNull", List.of("$k" + i, NULL)));
    }
    stages.add(new Document("$project", nulls));
    stages.add(new Document("$group", new Document("_id", new Document("k", keyDocument(keys, "$")).append("d", "$_id"))));
    stages.add(new Document("$group", new Document("_id", new Document("k", keyDocument(keys, "$_id.k.")))
        .append("n", new Document("$sum", 1))));
    return stages;
  }

  /** {k0: "<prefix>k0", k1: "<prefix>k1"...}. */
  private static Document keyDocument(List<KeyPart> keys, String prefix) {
    Document d = new Document();
    for (int i = 0; i < keys.size(); i++) {
      d.append("k" + i, prefix + "k" + i);
    }
    return d;
  }

  private Duplicates count(MongoCollection<Document> collection, IndexDefinition index, List<Bson> grouping) {
    List<KeyPart> keys = index.keys();
    List<Bson> base = new ArrayList<>();
    Bson scope = scope(index);
    if (scope != null) base.add(new Document("$match", scope));
    base.addAll(grouping);
    base.add(new Document("$match", new Document("n", new Document("$gt", 1))));
    Collation collation = collationOf(index);

    List<Bson> count = new ArrayList<>(base);
    count.add(new Document("$group", new Document("_id", null).append("groups", new Document("$sum", 1))));
    Document counted = collated(collection.aggregate(count), collation).allowDiskUse(true).first();
    long groups = counted == null ? 0 : ((Number) counted.get("groups")).longValue();

    List<Bson> sample = new ArrayList<>(base);
    sample.add(new Document("$sort", new Document("n", -1)));
    sample.add(new Document("$limit", SAMPLES));
    List<String> samples = new ArrayList<>();
    for (Document d : collated(collection.aggregate(sample), collation).allowDiskUse(true)) {
      Document id = d.get("_id", Document.class).get("k", Document.class);
      String key = keys.stream()
          .map(k -> io.mongosteward.plan.Quoting.name(k.field()) + "=" + (id == null ? null : id.get("k" + keys.indexOf(k))))
          .collect(Collectors.joining(", "));
      samples.add("{" + key + "} x" + d.get("n"));
    }
    return new Duplicates(groups, samples);
  }

  private static AggregateIterable<Document> collated(AggregateIterable<Document> it, Collation collation) {
    return collation == null ? it : it.collation(collation);
  }

  /**
   * The collation the index compares with, when declared; else the collection's default applies
   * to the aggregation as it does to the index.
   */
  private static Collation collationOf(IndexDefinition index) {
    if (!(index.createOptions().get("collation") instanceof java.util.Map<?, ?> c)) {
      return null;
    }
    Collation.Builder b = Collation.builder();
    c.forEach((k, v) -> {
      switch (String.valueOf(k)) {
        case "locale" -> b.locale(String.valueOf(v));
        case "strength" -> b.collationStrength(CollationStrength.fromInt(((Number) v).intValue()));
        case "caseLevel" -> b.caseLevel((Boolean) v);
        case "caseFirst" -> b.collationCaseFirst(CollationCaseFirst.fromString(String.valueOf(v)));
        case "numericOrdering" -> b.numericOrdering((Boolean) v);
        case "alternate" -> b.collationAlternate(CollationAlternate.fromString(String.valueOf(v)));
        case "maxVariable" -> b.collationMaxVariable(CollationMaxVariable.fromString(String.valueOf(v)));
        case "normalization" -> b.normalization((Boolean) v);
        case "backwards" -> b.backwards((Boolean) v);
        default -> { } // version and fields the driver does not take
      }
    });
    return b.build();
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
