package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.CounterObservation;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.ObservedState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * Reads what the planner needs, and nothing else: one listIndexes per managed collection and,
 * per counter, its document and the max of its seed field, both with projections.
 */
public final class CatalogReader {
  private final Retrier retrier;

  public CatalogReader(Retrier retrier) {
    this.retrier = retrier;
  }

  public ObservedState observe(MongoDatabase db, MongoSchemaSpec spec) {
    Map<String, List<IndexDefinition>> indexes = new HashMap<>();
    for (CollectionSpec c : spec.getCollections()) {
      indexes.put(c.getName(), listIndexes(db, c.getName()));
    }
    Map<String, CounterObservation> counters = new HashMap<>();
    for (CounterSpec counter : spec.getCounters()) {
      counters.put(counter.getName(), observeCounter(db, counter));
    }
    return new ObservedState(indexes, counters);
  }

  public List<IndexDefinition> listIndexes(MongoDatabase db, String collection) {
    // The driver answers an empty list for a collection that does not exist yet.
    return retrier.call("listIndexes " + collection, () -> {
      List<IndexDefinition> out = new ArrayList<>();
      for (Document d : db.getCollection(collection).listIndexes()) {
        out.add(IndexDefinitions.fromListIndexes(d));
      }
      return out;
    });
  }

  public CounterObservation observeCounter(MongoDatabase db, CounterSpec counter) {
    Long seq = retrier.call("read counter " + counter.getName(), () -> {
      Document doc = db.getCollection(counter.getCollection()).find(Filters.eq("_id", counter.getName()))
          .projection(Projections.include("seq")).first();
      return doc == null ? null : toLong(doc.get("seq"), 0L);
    });
    Long max = null;
    String source = null;
    if (counter.getSeedFrom() != null) {
      String field = counter.getSeedFrom().getField();
      source = counter.getSeedFrom().getCollection() + "." + field;
      // Index-backed when the field is indexed: sort(-1).limit(1), numbers only, one field back.
      max = retrier.call("read max " + source, () -> {
        Document top = db.getCollection(counter.getSeedFrom().getCollection())
            .find(Filters.type(field, "number"))
            .sort(Sorts.descending(field))
            .projection(Projections.fields(Projections.include(field), Projections.excludeId()))
            .limit(1).first();
        return top == null ? null : toLong(valueAt(top, field), null);
      });
    }
    return new CounterObservation(counter.getCollection(), counter.getName(), seq, max, source);
  }

  private static Object valueAt(Document doc, String dottedField) {
    Object current = doc;
    for (String part : dottedField.split("\\.")) {
      if (!(current instanceof Document d)) return null;
      current = d.get(part);
    }
    return current;
  }

  /** Whole ids stay whole; a fractional max rounds up, so the next id is still above it. */
  static Long toLong(Object value, Long otherwise) {
    if (value instanceof Integer || value instanceof Long) return ((Number) value).longValue();
    if (value instanceof Double d) return (long) Math.ceil(d);
    if (value instanceof Decimal128 d) return d.bigDecimalValue().setScale(0, RoundingMode.CEILING).longValue();
    if (value instanceof BigDecimal d) return d.setScale(0, RoundingMode.CEILING).longValue();
    return otherwise;
  }
}
