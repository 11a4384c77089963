package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The fast path (one $group, read into memory) gives exactly the groups and counts of the
 * unique-index pipeline, in the same order, with one aggregation; and it stands aside for array
 * keys and for more members than its bound, where only the unique-index pipeline is right.
 */
class DuplicateGroupsIT {
  private static final MongoBackend BACKEND = MongoBackend.MONGO_JAVA_SERVER;
  private static final ClientRegistry CLIENTS = new ClientRegistry(retrier());
  private static final AtomicInteger DB = new AtomicInteger();

  private static MongoCollection<Document> posts() {
    MongoDatabase db = CLIENTS.connect(MongoUri.parse(BACKEND.uri()), null).getDatabase("it_groups_" + DB.incrementAndGet());
    return db.getCollection("posts");
  }

  private static Retrier retrier() {
    return new Retrier(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200), 2.0), Redactor.none());
  }

  private record Read(DuplicateGroups.Count count, List<Set<Object>> groups, long aggregates) {}

  private static Read read(MongoCollection<Document> posts, List<String> keys, long skip, int memoryMembers) {
    String db = posts.getNamespace().getDatabaseName();
    long before = BACKEND.serverCommands().in(db).stream().filter(c -> c.name().equals("aggregate")).count();
    try (DuplicateGroups g = new DuplicateGroups(retrier(), posts, keys, "at", Duration.ofSeconds(30), 2, skip, false,
        memoryMembers)) {
      DuplicateGroups.Count count = g.count();
      List<Set<Object>> groups = new ArrayList<>();
      for (DuplicateGroups.Group group = g.next(); group != null; group = g.next()) {
        groups.add(group.members().stream().map(DuplicateGroups.Member::id).collect(Collectors.toCollection(TreeSet::new)));
      }
      long after = BACKEND.serverCommands().in(db).stream().filter(c -> c.name().equals("aggregate")).count();
      return new Read(count, groups, after - before);
    }
  }

  private static Document post(int id, Object key) {
    Document d = new Document("_id", id).append("at", 1000 - id);
    if (key != null) d.append("k", key);
    return d;
  }

  @Test
  void withoutArraysOneAggregationGivesTheUniqueIndexGroupsInTheSameOrder() {
    MongoCollection<Document> posts = posts();
    // Scalar repeats of several types, a missing field and a null (one key to a unique index), and singles.
    posts.insertMany(List.of(post(1, "a"), post(2, "a"), post(3, "a"), post(4, "b"), post(5, 7), post(6, 7),
        post(7, null), post(8, null).append("k", null), post(9, "c"), post(10, new Document("x", 1)), post(11, new Document("x", 1))));

    Read fast = read(posts, List.of("k"), 0, DuplicateGroups.MEMORY_MEMBERS);
    Read full = read(posts, List.of("k"), 0, 0);

    assertThat(fast.groups()).isEqualTo(full.groups()).hasSize(4)
        .contains(Set.of(1, 2, 3), Set.of(5, 6), Set.of(7, 8), Set.of(10, 11));
    assertThat(fast.count()).isEqualTo(full.count()).isEqualTo(new DuplicateGroups.Count(4, 9));
    assertThat(fast.aggregates()).as("count and groups from one aggregation").isEqualTo(1);
    assertThat(full.aggregates()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aResumedDryRunSkipsTheSameGroupsOnEitherPath() {
    MongoCollection<Document> posts = posts();
    List<Document> docs = new ArrayList<>();
    for (int i = 1; i <= 30; i++) docs.add(post(i, "key" + (i % 6)));
    posts.insertMany(docs);

    Read fast = read(posts, List.of("k"), 4, DuplicateGroups.MEMORY_MEMBERS);
    Read full = read(posts, List.of("k"), 4, 0);

    assertThat(fast.groups()).isEqualTo(full.groups()).hasSize(2);
    assertThat(fast.count()).as("the count covers the skipped groups too").isEqualTo(new DuplicateGroups.Count(6, 30));
  }

  @Test
  void anArrayKeyAnywhereTakesTheUniqueIndexPipeline() {
    MongoCollection<Document> posts = posts();
    // 3 holds "a" among its elements: a unique index sees it repeat "a" (with 1) and "b" (with 2).
    posts.insertMany(List.of(post(1, "a"), post(2, "b"), post(3, List.of("a", "b", "z")), post(4, "c"), post(5, "c")));

    Read fast = read(posts, List.of("k"), 0, DuplicateGroups.MEMORY_MEMBERS);

    assertThat(fast.groups()).containsExactly(Set.of(1, 3), Set.of(2, 3), Set.of(4, 5));
    assertThat(fast.groups()).isEqualTo(read(posts, List.of("k"), 0, 0).groups());
  }

  @Test
  void moreMembersThanTheBoundTakesTheStreamedPipeline() {
    MongoCollection<Document> posts = posts();
    List<Document> docs = new ArrayList<>();
    for (int i = 1; i <= 40; i++) docs.add(post(i, i % 10));
    posts.insertMany(docs);

    Read bounded = read(posts, List.of("k"), 0, 39);

    assertThat(bounded.groups()).isEqualTo(read(posts, List.of("k"), 0, DuplicateGroups.MEMORY_MEMBERS).groups())
        .hasSize(10);
    assertThat(bounded.count()).isEqualTo(new DuplicateGroups.Count(10, 40));
    assertThat(bounded.aggregates()).as("the fast path tried once, then count and groups streamed").isEqualTo(3);
  }

  @Test
  void compoundKeysGroupAsAUniqueIndexDoes() {
    MongoCollection<Document> posts = posts();
    posts.insertMany(List.of(new Document("_id", 1).append("a", 1).append("b", "x"),
        new Document("_id", 2).append("a", 1).append("b", "x"), new Document("_id", 3).append("a", 1),
        new Document("_id", 4).append("a", 1).append("b", null), new Document("_id", 5).append("a", 2).append("b", "x"),
        new Document("_id", 6).append("b", "x"), new Document("_id", 7).append("a", null).append("b", "x"),
        new Document("_id", 8).append("a", 1L).append("b", "y"), new Document("_id", 9).append("a", 1.0).append("b", "y")));

    Read fast = read(posts, List.of("a", "b"), 0, DuplicateGroups.MEMORY_MEMBERS);

    assertThat(fast.groups()).isEqualTo(read(posts, List.of("a", "b"), 0, 0).groups())
        .containsExactlyInAnyOrder(Set.of(1, 2), Set.of(3, 4), Set.of(6, 7), Set.of(8, 9));
  }

  private static List<Document> now(MongoCollection<Document> posts) {
    return posts.find().into(new ArrayList<>());
  }

  /**
   * Whether each pair (loser, survivor) still shares a key, read after the search, on either path:
   * numbers by value, missing as null, an array by its elements, an empty array only with another,
   * a compound key when each field shares a value; a deleted survivor or loser shares nothing.
   */
  @Test
  void aPairStillSharesAKeyOnlyAsAUniqueIndexWouldStillRefuseIt() {
    MongoCollection<Document> posts = posts();
    posts.insertMany(List.of(new Document("_id", 1).append("k", 1).append("j", "x"),
        new Document("_id", 2).append("k", 1.0).append("j", "x"), new Document("_id", 3).append("j", "x"),
        new Document("_id", 4).append("k", null).append("j", "x"), new Document("_id", 5).append("k", List.of(7, 8)),
        new Document("_id", 6).append("k", List.of(8, 9)), new Document("_id", 7).append("k", List.of(9)),
        new Document("_id", 8).append("k", List.of()), new Document("_id", 9).append("k", List.of()),
        new Document("_id", 10).append("k", 1).append("j", "y")));
    for (int memoryMembers : new int[] {DuplicateGroups.MEMORY_MEMBERS, 0}) {
      try (DuplicateGroups g = new DuplicateGroups(retrier(), posts, List.of("k"), "at", Duration.ofSeconds(30), 2, 0,
          false, memoryMembers)) {
        g.count();
        assertThat(g.stillDuplicates(now(posts), List.of(2, 4, 6, 7, 9, 3, 5, 42, 1), List.of(1, 3, 5, 5, 8, 8, 42, 1, 10)))
            .as("memoryMembers %d", memoryMembers).containsExactly(2, 4, 6, 9, 1);
      }
      try (DuplicateGroups g = new DuplicateGroups(retrier(), posts, List.of("k", "j"), "at", Duration.ofSeconds(30), 2,
          0, false, memoryMembers)) {
        g.count();
        assertThat(g.stillDuplicates(now(posts), List.of(2, 4, 10), List.of(1, 3, 1))).as("compound, memoryMembers %d", memoryMembers)
            .containsExactly(2, 4);
      }
    }
  }
}
