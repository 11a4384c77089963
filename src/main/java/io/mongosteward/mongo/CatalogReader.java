package io.mongosteward.mongo;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.CounterObservation;
import io.mongosteward.plan.DefaultCollation;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.ManagedRecord;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Planner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * Reads what the planner needs, and nothing else: the metadata records in one find, one
 * listIndexes per managed collection (for a schema no record names yet, one listCollections first
 * and a listIndexes per collection that exists), the documents of the counters of each counter
 * collection in one find, and per counter the max of its seed field (both with projections; after
 * such a listCollections, neither for a collection it did not find).
 */
public final class CatalogReader {
  private final Retrier retrier;
  private final MetadataStore metadata;
  private final SeedMaxReader seeds;

  public CatalogReader(Retrier retrier) {
    this.retrier = retrier;
    this.metadata = new MetadataStore(retrier);
    this.seeds = new SeedMaxReader();
  }

  /**
   * @param owner whose records to read besides the declared ones; null reads none
   */
  public ObservedState observe(MongoDatabase db, MongoSchemaSpec spec, Owner owner) {
    Map<String, ManagedRecord> records = owner == null ? Map.of() : metadata.read(db, recordIds(spec), owner);
    Map<String, Document> existing = newSchema(spec, owner, records) ? existingCollections(db, spec) : null;
    Map<String, List<IndexDefinition>> indexes = new HashMap<>();
    Map<String, Map<String, Object>> collations = new HashMap<>();
    for (CollectionSpec c : spec.getCollections()) {
      if (existing != null && !existing.containsKey(c.getName())) {
        indexes.put(c.getName(), List.of());
        continue;
      }
      List<Document> entries = listIndexes(db, c.getName());
      indexes.put(c.getName(), entries.stream().map(IndexDefinitions::fromListIndexes).toList());
      Map<String, Object> collation = defaultCollation(db, c, entries, existing == null ? null : existing.get(c.getName()));
      if (collation != null) collations.put(c.getName(), collation);
    }
    Map<String, CounterObservation> counters = new HashMap<>();
    Map<String, List<CounterSpec>> byCollection = new LinkedHashMap<>();
    spec.getCounters().forEach(c -> byCollection.computeIfAbsent(c.getCollection(), k -> new ArrayList<>()).add(c));
    byCollection.forEach((collection, declared) -> {
      Map<Object, Document> docs = absent(existing, collection) ? Map.of() : counterDocuments(db, collection, declared);
      declared.forEach(c -> counters.put(ManagedRecord.counterId(collection, c.getName()),
          observeCounter(db, c, docs.get(c.getName()), existing)));
    });
    return new ObservedState(indexes, collations, counters, records);
  }

  /** The ids of the collection and counter records {@code owner} holds (its uid included). */
  public List<String> recordsOf(MongoDatabase db, Owner owner) {
    return metadata.read(db, List.of(), owner).values().stream().filter(r -> r.owner().sameAs(owner))
        .map(ManagedRecord::id).toList();
  }

  /**
   * No record names any declared collection: a schema met for the first time, whose collections
   * are likely not there yet. One listCollections then tells which exist, and only those are
   * listed: converging an empty database costs one command here instead of one per collection.
   * A schema with records (the steady case) lists each collection directly, as that is what it
   * would read anyway.
   */
  private static boolean newSchema(MongoSchemaSpec spec, Owner owner, Map<String, ManagedRecord> records) {
    return owner != null && spec.getCollections().size() > 1 && spec.getCollections().stream()
        .noneMatch(c -> records.containsKey(ManagedRecord.collectionId(c.getName())));
  }

  /**
   * The declared collections that exist, by name, with their listCollections entry; and of the
   * counters' collections and their seeds' (the same command), those that exist, whose counter
   * documents and seed max are then read only if they do.
   */
  private Map<String, Document> existingCollections(MongoDatabase db, MongoSchemaSpec spec) {
    Set<String> named = new LinkedHashSet<>();
    spec.getCollections().forEach(c -> named.add(c.getName()));
    spec.getCounters().forEach(c -> {
      named.add(c.getCollection());
      if (c.getSeedFrom() != null) named.add(c.getSeedFrom().getCollection());
    });
    List<String> names = List.copyOf(named);
    return retrier.call(Op.of("listCollections", ""), () -> {
      Map<String, Document> out = new HashMap<>();
      // Filtered here too: mongo-java-server ignores the filter.
      for (Document d : db.listCollections().filter(Filters.in("name", names))) {
        if (d.get("name") instanceof String name && names.contains(name)) out.put(name, d);
      }
      return out;
    });
  }

  /** The records of the declared collections and counters, and every one {@code owner} holds: one find. */
  public Map<String, ManagedRecord> records(MongoDatabase db, MongoSchemaSpec spec, Owner owner) {
    return metadata.read(db, recordIds(spec), owner);
  }

  static Set<String> recordIds(MongoSchemaSpec spec) {
    Set<String> ids = new LinkedHashSet<>();
    spec.getCollections().forEach(c -> ids.add(ManagedRecord.collectionId(c.getName())));
    spec.getCounters().forEach(c -> ids.add(ManagedRecord.counterId(c.getCollection(), c.getName())));
    return ids;
  }

  public List<Document> listIndexes(MongoDatabase db, String collection) {
    // The driver answers an empty list for a collection that does not exist yet.
    return retrier.call(Op.of("listIndexes", collection), () -> db.getCollection(collection).listIndexes()
        .into(new ArrayList<>()));
  }

  /**
   * The collection's default collation, which an index declared without one inherits. mongod
   * gives the _id index the collection's default (index_catalog_impl.cpp, getDefaultIdIndexSpec),
   * so listIndexes already tells it; listCollections is asked only when there is no _id index to
   * read and a declared index leaves its collation unset.
   * https://www.mongodb.com/docs/manual/reference/collation/#collation-and-index-use
   */
  private Map<String, Object> defaultCollation(MongoDatabase db, CollectionSpec c, List<Document> entries,
      Document listed) {
    for (Document e : entries) {
      if (Planner.ID_INDEX.equals(e.getString("name"))) {
        return DefaultCollation.fromIdIndex(e);
      }
    }
    boolean inherits = c.getIndexes().stream().anyMatch(i -> i.getCollation() == null);
    if (entries.isEmpty() || !inherits) {
      return null;
    }
    Document info = listed != null ? listed : retrier.call(Op.of("listCollections", c.getName()),
        () -> db.listCollections().filter(Filters.eq("name", c.getName())).first());
    return DefaultCollation.fromListCollections(info);
  }

  /** The documents of one collection's counters, by _id: one find for all of them. */
  private Map<Object, Document> counterDocuments(MongoDatabase db, String collection, List<CounterSpec> declared) {
    List<String> ids = declared.stream().map(CounterSpec::getName).distinct().toList();
    return retrier.call(Op.of("find", collection), () -> {
      Map<Object, Document> found = new HashMap<>();
      db.getCollection(collection).find(ids.size() == 1 ? Filters.eq("_id", ids.get(0)) : Filters.in("_id", ids))
          .projection(Projections.include("seq")).forEach(d -> found.put(d.get("_id"), d));
      return found;
    });
  }

  /** Whether the listCollections of this pass, if it made one, found {@code collection} missing. */
  private static boolean absent(Map<String, Document> existing, String collection) {
    return existing != null && !existing.containsKey(collection);
  }

  private CounterObservation observeCounter(MongoDatabase db, CounterSpec counter, Document doc,
      Map<String, Document> existing) {
    // A document without seq starts at 0, as an application's $inc would; one whose seq is not a
    // number cannot be raised by $max, and is reported.
    Object raw = doc == null ? null : doc.get("seq");
    Long seq = doc == null ? null : raw == null ? Long.valueOf(0) : SeedMaxReader.toLong(raw);
    String badSeq = raw != null && seq == null ? describe(raw) : null;
    if (counter.getSeedFrom() == null) {
      return new CounterObservation(counter.getCollection(), counter.getName(), badSeq == null ? seq : null, null, null,
          List.of(), null, badSeq);
    }
    String collection = counter.getSeedFrom().getCollection();
    String field = counter.getSeedFrom().getField();
    SeedMaxReader.SeedMax max = absent(existing, collection)
        ? seeds.read(java.util.Collections.emptyIterator(), field) : retrier.call(Op.of("find", collection), () -> {
      // Index-backed when the field is indexed: descending, one field back, read until the
      // first document whose value is one plain number (see SeedMaxReader).
      try (MongoCursor<Document> cursor = db.getCollection(collection).find()
          .sort(Sorts.descending(field))
          .projection(Projections.fields(Projections.include(field), Projections.excludeId()))
          .batchSize(SeedMaxReader.BATCH).limit(SeedMaxReader.MAX_DOCUMENTS).cursor()) {
        return seeds.read(cursor, field);
      }
    });
    return new CounterObservation(counter.getCollection(), counter.getName(), badSeq == null ? seq : null, max.max(),
        collection + "." + field, max.ignoredTypes(), max.undetermined(), badSeq);
  }

  private static String describe(Object value) {
    return value instanceof List<?> ? "an array" : value instanceof String ? "a string"
        : "a " + value.getClass().getSimpleName() + (value instanceof Number || value instanceof Decimal128
            ? " out of the 64-bit range" : "");
  }
}
