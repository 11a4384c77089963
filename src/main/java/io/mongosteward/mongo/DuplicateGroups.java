package io.mongosteward.mongo;

import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.cursor.TimeoutMode;
import io.mongosteward.plan.BsonOrder;
import io.mongosteward.plan.FieldPath;
import io.mongosteward.plan.IndexKeys;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonNull;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The groups of documents whose keys repeat, in key order, each with its members' {@code _id} and
 * keep-by value: one aggregation over the key fields, keepBy and _id only (allowDiskUse; each
 * command bounded by {@code limit}, sent on as maxTimeMS), read through a cursor a batch at a time.
 *
 * <p>Keys are taken as a unique index takes them (https://www.mongodb.com/docs/manual/core/index-unique/):
 * a missing field is null; each element of an array is a key of its own, and a document is a
 * member of one group per element. A server that implements neither {@code $ifNull} nor
 * {@code $push} in a group (FerretDB v1, whose {@code $group} is also quadratic in the number of
 * groups: 32 s for 20,000 documents) gets a sorted scan instead: an aggregation projecting the key
 * fields, keepBy and _id, sorted by the keys then _id (allowDiskUse, each getMore bounded), whose
 * runs of equal keys are the groups. There a key is the whole field value, and the count is unknown.
 *
 * <p>Most collections have no array in the keys, and few duplicates. So the first aggregation groups
 * by the whole key value in one {@code $group}, flagging a group where a key is an array: when no
 * group is flagged and the members are at most {@code memoryMembers}, those are the groups (read
 * into memory, and counted there); otherwise the unique-index pipeline below runs, streamed and
 * counted on the server. On mongo-java-server at 100,000 documents this makes a pass one
 * aggregation of about 0.6 s (alone on the server) instead of two of about 3 s each.
 *
 * <p>When a read fails (a cut connection, a cursor the server dropped), the aggregation is run
 * again on the next call: groups already delivered are passed over when {@code skipDelivered}
 * (a dry run, where nothing changes), else they are found again only if they still hold duplicates.
 */
public final class DuplicateGroups implements AutoCloseable {
  /**
   * A group member: its _id, its keep-by value (null when missing), whether one of its keys is an
   * array, and for such a member every key it has, each with the number of documents holding it
   * (empty for a member without array keys, and on the fallback).
   */
  public record Member(Object id, Object by, boolean arrayKey, List<KeyCount> keys) {
    public Member(Object id, Object by, boolean arrayKey) {
      this(id, by, arrayKey, List.of());
    }
  }

  /** One key of a document (as the server grouped it: equal keys are equal objects), and how many documents hold it. */
  public record KeyCount(Object key, long holders) {}

  /** A key that repeats, with every document that has it. */
  public record Group(List<Member> members) {}

  /** The duplicate groups and the documents in them (a document counts once per group it is in). */
  public record Count(long groups, long documents) {}

  /** Group members read into memory at most, on the fast path (about 200 bytes each). */
  public static final int MEMORY_MEMBERS = 20_000;

  private enum Mode { UNKNOWN, MEMORY, INDEXED, SCAN }

  private final Retrier retrier;
  private final MongoCollection<Document> collection;
  private final List<String> keys;
  private final String keepBy;
  private final int batchSize;
  private final int memoryMembers;
  private final boolean skipDelivered;
  private final String name;
  private Mode mode = Mode.UNKNOWN;
  private MongoCursor<Document> cursor;
  private final Deque<Group> buffer = new ArrayDeque<>();
  /** Scan mode: the run of equal keys being read, and its key. */
  private List<Member> run = new ArrayList<>();
  private Object[] runKey;
  /** Scan mode: groups still to pass over after (re)opening. */
  private long toPass;
  private long skip;
  private long delivered;
  private boolean exhausted;
  /** The fast path's count of every group it read (the skipped ones too). */
  private Count memoryCount;
  /** Whether the fast path was found not to fit (arrays, too many members): not tried again. */
  private boolean memoryRefused;

  /**
   * @param limit the bound on each command (the aggregation, each getMore, each member read)
   * @param batchSize groups per cursor batch
   * @param skip groups to pass over first (a dry run resuming after them)
   * @param skipDelivered whether a re-run aggregation passes over the groups delivered before it
   */
  public DuplicateGroups(Retrier retrier, MongoCollection<Document> collection, List<String> keys, String keepBy,
      Duration limit, int batchSize, long skip, boolean skipDelivered) {
    this(retrier, collection, keys, keepBy, limit, batchSize, skip, skipDelivered, MEMORY_MEMBERS);
  }

  /** @param memoryMembers the fast path's bound on members read into memory (0: never take it) */
  DuplicateGroups(Retrier retrier, MongoCollection<Document> collection, List<String> keys, String keepBy,
      Duration limit, int batchSize, long skip, boolean skipDelivered, int memoryMembers) {
    this.memoryMembers = memoryMembers;
    this.retrier = retrier;
    this.collection = collection.withTimeout(limit.toMillis(), TimeUnit.MILLISECONDS);
    this.keys = List.copyOf(keys);
    this.keepBy = keepBy;
    this.batchSize = Math.max(1, batchSize);
    this.skip = skip;
    this.skipDelivered = skipDelivered;
    this.name = collection.getNamespace().getCollectionName();
  }

  /** Whether groups follow a unique index's semantics (arrays as several keys); false on the fallback. */
  public boolean indexed() {
    return mode != Mode.SCAN;
  }

  /**
   * Counts the groups and their documents: the same aggregation, summed on the server; null on a
   * server that only allows the sorted scan (counting would cost a scan of its own).
   */
  public Count count() {
    Document total = new Document("$group", new Document("_id", null).append("groups", new Document("$sum", 1))
        .append("documents", new Document("$sum", "$n")));
    return retrier.call(Op.of("aggregate", name), () -> {
      if (mode == Mode.UNKNOWN) loadInMemory();
      if (mode == Mode.MEMORY) return memoryCount;
      if (mode != Mode.SCAN) {
        List<Bson> pipeline = new ArrayList<>(groupStages(false));
        pipeline.add(total);
        try {
          Document d = collection.aggregate(pipeline).allowDiskUse(true).first();
          mode = Mode.INDEXED;
          return countOf(d);
        } catch (com.mongodb.MongoCommandException e) {
          if (!ErrorClassifier.isUnsupported(e)) throw e;
          mode = Mode.SCAN;
        }
      }
      return null;
    });
  }

  private static Count countOf(Document d) {
    return d == null ? new Count(0, 0)
        : new Count(((Number) d.get("groups")).longValue(), ((Number) d.get("documents")).longValue());
  }

  /** The next group in key order, or null after the last. */
  public Group next() {
    if (buffer.isEmpty() && !exhausted) {
      retrier.run(Op.of("aggregate", name), this::fill);
    }
    Group g = buffer.pollFirst();
    if (g != null) delivered++;
    return g;
  }

  /**
   * Of the losers (each with its survivor at the same index in {@code survivorOf}; {@code losersNow}
   * those of them that exist, as just read), those that still share a key with their survivor: one
   * find of the survivors' key fields by _id. A loser
   * or a survivor the application moved to another key since the search, or a survivor it deleted,
   * keeps the loser; the final pass or a re-run chooses again, so that a key never loses its last
   * document and a document that is no duplicate any more stays.
   *
   * <p>The keys are compared here (a find by _id is index-backed on every server, where an
   * aggregation's {@code $match} is not on mongo-java-server): on the sorted scan as it grouped them,
   * the whole field values; otherwise as a unique index takes them ({@link IndexKeys}), which is
   * stricter than the search where a compound key's fields run through one array of documents (the
   * index pairs them per element, the search unwinds each alone): a document the index would accept
   * beside its survivor stays. A document beyond that model (an empty array or a scalar in the middle of
   * a path, parallel arrays) shares nothing, so it stays too, and a unique index build names it if it
   * is a duplicate after all.
   */
  public Set<Object> stillDuplicates(List<Document> losersNow, List<Object> losers, List<Object> survivorOf) {
    Map<Object, Document> now = new HashMap<>();
    losersNow.forEach(d -> now.put(d.get("_id"), d));
    Set<Object> survivors = new LinkedHashSet<>();
    survivorOf.forEach(id -> {
      if (id != null) survivors.add(id);
    });
    Map<Object, Document> survivorsNow = new HashMap<>();
    if (!survivors.isEmpty()) {
      retrier.run(Op.of("find", name), () -> {
        survivorsNow.clear();
        for (Document d : collection.find(new Document("_id", new Document("$in", List.copyOf(survivors))))
            .projection(keyFields())) {
          survivorsNow.put(d.get("_id"), d);
        }
      });
    }
    Set<Object> out = new LinkedHashSet<>();
    // A survivor's keys are made once for all its losers in the batch (up to batchSize of them).
    Map<Document, Set<List<Object>>> survivorKeys = new java.util.IdentityHashMap<>();
    for (int i = 0; i < losers.size(); i++) {
      Document loser = now.get(losers.get(i));
      Document survivor = survivorsNow.get(survivorOf.get(i));
      if (loser != null && survivor != null && shareAKey(loser, survivor, survivorKeys)) out.add(losers.get(i));
    }
    return out;
  }

  private boolean shareAKey(Document a, Document b, Map<Document, Set<List<Object>>> keysOfB) {
    if (mode == Mode.SCAN) {
      for (String k : keys) {
        Object x = FieldPath.orNull(a, k);
        Object y = FieldPath.orNull(b, k);
        // As IndexKeys: undefined is no null, and values it cannot compare share nothing.
        if (IndexKeys.beyondModel(x) || IndexKeys.beyondModel(y)
            || x instanceof org.bson.BsonUndefined != y instanceof org.bson.BsonUndefined || !BsonOrder.same(x, y)) {
          return false;
        }
      }
      return true;
    }
    return IndexKeys.share(IndexKeys.of(a, keys), keysOfB.computeIfAbsent(b, d -> IndexKeys.of(d, keys)));
  }

  /** Reads the next cursor batch into the buffer; on any error, closes the cursor for the next call to reopen. */
  private void fill() {
    try {
      for (int reopened = 0; ; reopened++) {
        try {
          if (cursor == null) open();
          if (exhausted) return; // the fast path read every group at once
          readBatch();
          return;
        } catch (MongoCursorNotFoundException e) {
          // The server dropped an idle cursor (a slow throttle): run the aggregation again.
          closeCursor();
          if (reopened > 0) throw e;
        }
      }
    } catch (RuntimeException e) {
      closeCursor();
      buffer.clear();
      throw e;
    }
  }

  private void open() {
    long pass = skip + (skipDelivered ? delivered : 0);
    if (mode == Mode.UNKNOWN && loadInMemory()) return;
    if (mode != Mode.SCAN) {
      try {
        List<Bson> pipeline = new ArrayList<>(groupStages(true));
        pipeline.add(new Document("$sort", new Document("_id", 1)));
        if (pass > 0) pipeline.add(new Document("$skip", pass));
        cursor = aggregate(pipeline);
        mode = Mode.INDEXED;
        return;
      } catch (com.mongodb.MongoCommandException e) {
        if (!ErrorClassifier.isUnsupported(e)) throw e;
        mode = Mode.SCAN;
      }
    }
    Document fields = keyFields();
    Document sort = new Document();
    keys.forEach(k -> sort.put(k, 1));
    sort.put("_id", 1);
    run = new ArrayList<>();
    runKey = null;
    toPass = pass;
    cursor = aggregate(List.of(new Document("$project", fields), new Document("$sort", sort)));
  }

  /**
   * The fast path: one {@code $group} by the whole key values, keeping groups that repeat or hold an
   * array key. True when it holds the groups (no array key, at most memoryMembers members): they are
   * in the buffer, counted, and the cursor is done. False leaves the unique-index pipeline to run;
   * the mode is unknown again, for that pipeline to decide between itself and the scan.
   */
  private boolean loadInMemory() {
    if (memoryRefused || memoryMembers <= 0) return false;
    memoryRefused = !readInMemory();
    return !memoryRefused;
  }

  private boolean readInMemory() {
    List<Group> groups = new ArrayList<>();
    long members = 0;
    long count = 0;
    try {
      try (MongoCursor<Document> c = aggregate(simpleStages())) {
        while (c.hasNext()) {
          Document d = c.next();
          List<Document> m = d.getList("m", Document.class);
          if (((Number) d.get("w")).longValue() > m.size()) return false; // an array key: see simpleStages
          members += m.size();
          if (members > memoryMembers) return false;
          if (count++ < skip) continue;
          List<Member> list = new ArrayList<>(m.size());
          m.forEach(x -> list.add(new Member(x.get("i"), x.get("b"), false)));
          groups.add(new Group(list));
        }
      }
    } catch (com.mongodb.MongoCommandException e) {
      if (!ErrorClassifier.isUnsupported(e)) throw e;
      mode = Mode.SCAN;
      return false;
    }
    mode = Mode.MEMORY;
    memoryCount = new Count(count, members);
    buffer.addAll(groups);
    exhausted = true;
    return true;
  }

  /**
   * The fast path's pipeline: one $group by the key values, the groups that repeat or where some key
   * is an array, in key order. A missing field groups as null: a bare field path does that for one
   * key, and $ifNull for each field of a compound key (a document _id would leave a missing field
   * out). Each member weighs 1, or 2 when a key of it is an array, so that one comparison keeps both
   * kinds of group, and a group weighing more than its members holds an array key. No $project
   * before the $group and no second condition after it: on mongo-java-server the two made the
   * aggregation about a third slower (MigrationBench's 100,000 posts, alone on the server: medians of
   * 0.58 s without them, 0.78 s with them), and mongod reads only the fields a $group uses anyway.
   */
  private List<Bson> simpleStages() {
    BsonNull nil = BsonNull.VALUE;
    Object key;
    List<Object> arrays = new ArrayList<>();
    if (keys.size() == 1) {
      key = "$" + keys.get(0);
      arrays.add(new Document("$isArray", key));
    } else {
      Document compound = new Document();
      for (int i = 0; i < keys.size(); i++) {
        String field = "$" + keys.get(i);
        compound.append("k" + i, new Document("$ifNull", Arrays.asList(field, nil)));
        arrays.add(new Document("$isArray", field));
      }
      key = compound;
    }
    Object anArray = arrays.size() == 1 ? arrays.get(0) : new Document("$or", arrays);
    return List.of(
        new Document("$group", new Document("_id", key)
            .append("m", new Document("$push", new Document("i", "$_id").append("b", "$" + keepBy)))
            .append("w", new Document("$sum", new Document("$cond", Arrays.asList(anArray, 2, 1))))),
        new Document("$match", new Document("w", new Document("$gt", 1))),
        new Document("$sort", new Document("_id", 1)));
  }

  /** The projection the scan reads: _id, the key fields and keepBy. */
  private Document keyFields() {
    Document fields = new Document("_id", 1);
    keys.forEach(k -> fields.put(k, 1));
    fields.put(keepBy, 1);
    return fields;
  }

  private MongoCursor<Document> aggregate(List<Bson> pipeline) {
    // ITERATION: the bound applies to each command of the cursor, not to its whole (throttled) life.
    return collection.aggregate(pipeline).allowDiskUse(true).batchSize(batchSize)
        .timeoutMode(TimeoutMode.ITERATION).cursor();
  }

  private void readBatch() {
    if (mode == Mode.SCAN) {
      readScan();
      return;
    }
    List<Document> raw = new ArrayList<>();
    // What the cursor holds without another getMore, and at least one (which may fetch a batch).
    while (raw.size() < batchSize && (raw.isEmpty() || cursor.available() > 0)) {
      if (!cursor.hasNext()) {
        exhausted = true;
        closeCursor();
        break;
      }
      raw.add(cursor.next());
    }
    for (Document d : raw) {
      List<Member> members = new ArrayList<>();
      for (Object o : d.getList("m", Object.class)) {
        Document m = (Document) o;
        List<KeyCount> keyCounts = new ArrayList<>();
        List<?> ks = m.get("ks", List.class);
        if (ks != null) {
          for (Object k : ks) {
            Document kc = (Document) k;
            keyCounts.add(new KeyCount(kc.get("k"), ((Number) kc.get("n")).longValue()));
          }
        }
        members.add(new Member(m.get("i"), m.get("b"), Boolean.TRUE.equals(m.get("a")), keyCounts));
      }
      buffer.add(new Group(members));
    }
  }

  /** Scan mode: documents in key order until a group is complete (or the end), runs of one key dropped. */
  private void readScan() {
    while (buffer.isEmpty()) {
      if (!cursor.hasNext()) {
        endRun();
        exhausted = true;
        closeCursor();
        return;
      }
      Document d = cursor.next();
      Object[] key = new Object[keys.size()];
      for (int i = 0; i < key.length; i++) key[i] = FieldPath.orNull(d, keys.get(i));
      if (runKey == null || !sameKey(runKey, key)) {
        endRun();
        runKey = key;
      }
      run.add(new Member(d.get("_id"), FieldPath.orNull(d, keepBy), false));
    }
  }

  private void endRun() {
    if (run.size() > 1) {
      if (toPass > 0) {
        toPass--;
      } else {
        buffer.add(new Group(run));
      }
    }
    run = new ArrayList<>();
  }

  private static boolean sameKey(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      if (!BsonOrder.same(a[i], b[i])) return false;
    }
    return true;
  }

  /**
   * As a unique index sees the keys: $ifNull makes a missing field null, $unwind makes each element
   * of an array a key, a first group makes a document count once per key, the second groups the keys.
   *
   * <p>An empty array is a key of its own, not null: a multikey index stores {@code []} as the key
   * {@code undefined} (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-multikey/),
   * so a unique index rejects two documents with {@code []} but accepts one with {@code []} beside
   * one with null or no field. $unwind (preserveNullAndEmptyArrays) turns {@code []} into a missing
   * field, so each key carries a flag {@code e<i>}, true for an empty array: no real value can
   * collide with it, since the flag is part of the key beside the value.
   *
   * <p>With members, each member whose key is an array also carries all its keys with the number of
   * documents holding each (the groups are undone into documents and made again), so that choosing
   * survivors can tell a document that alone holds a key: the groups of one document with keys of
   * their own only (scalar keys, no duplicates) are dropped before that.
   */
  private List<Bson> groupStages(boolean withMembers) {
    BsonNull nil = BsonNull.VALUE;
    List<Bson> stages = new ArrayList<>();
    Document project = new Document("_id", 1).append("b", "$" + keepBy);
    List<Object> arrays = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String field = "$" + keys.get(i);
      project.append("k" + i, new Document("$ifNull", Arrays.asList(field, nil)));
      project.append("e" + i, new Document("$eq", Arrays.asList(field, new Document("$literal", List.of()))));
      arrays.add(new Document("$isArray", field));
    }
    if (withMembers) project.append("a", arrays.size() == 1 ? arrays.get(0) : new Document("$or", arrays));
    stages.add(new Document("$project", project));
    for (int i = 0; i < keys.size(); i++) {
      stages.add(new Document("$unwind", new Document("path", "$k" + i).append("preserveNullAndEmptyArrays", true)));
    }
    Document nulls = new Document("_id", 1).append("b", 1);
    if (withMembers) nulls.append("a", 1);
    Document key = new Document();
    for (int i = 0; i < keys.size(); i++) {
      nulls.append("k" + i, new Document("$ifNull", Arrays.asList("$k" + i, nil))).append("e" + i, 1);
      key.append("k" + i, "$k" + i).append("e" + i, "$e" + i);
    }
    stages.add(new Document("$project", nulls));
    Document perDocument = new Document("_id", new Document("k", key).append("d", "$_id"));
    if (withMembers) perDocument.append("b", new Document("$first", "$b")).append("a", new Document("$first", "$a"));
    stages.add(new Document("$group", perDocument));
    Document perKey = new Document("_id", "$_id.k").append("n", new Document("$sum", 1));
    if (!withMembers) {
      stages.add(new Document("$group", perKey));
      stages.add(new Document("$match", new Document("n", new Document("$gt", 1))));
      return stages;
    }
    perKey.append("m", new Document("$push", new Document("i", "$_id.d").append("b", "$b").append("a", "$a")))
        .append("arr", new Document("$max", "$a"));
    stages.add(new Document("$group", perKey));
    // Keys that repeat, and the keys of documents with an array key (one of those may hold a key alone).
    stages.add(new Document("$match", new Document("$or", List.of(new Document("n", new Document("$gt", 1)),
        new Document("arr", true)))));
    stages.add(new Document("$unwind", "$m"));
    stages.add(new Document("$group", new Document("_id", "$m.i").append("b", new Document("$first", "$m.b"))
        .append("a", new Document("$first", "$m.a"))
        .append("ks", new Document("$push", new Document("k", "$_id").append("n", "$n")))));
    stages.add(new Document("$project", new Document("b", 1).append("a", 1).append("ks", 1)
        .append("all", new Document("$cond", Arrays.asList("$a", "$ks", new Document("$literal", List.of()))))));
    stages.add(new Document("$unwind", "$ks"));
    stages.add(new Document("$group", new Document("_id", "$ks.k").append("n", new Document("$sum", 1))
        .append("m", new Document("$push", new Document("i", "$_id").append("b", "$b").append("a", "$a")
            .append("ks", "$all")))));
    stages.add(new Document("$match", new Document("n", new Document("$gt", 1))));
    return stages;
  }

  private void closeCursor() {
    if (cursor != null) {
      try {
        cursor.close();
      } catch (RuntimeException ignored) {
        // the connection is gone already
      }
      cursor = null;
    }
  }

  @Override
  public void close() {
    closeCursor();
  }
}
