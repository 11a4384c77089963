package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.mongo.DuplicateGroups.KeyCount;
import io.mongosteward.mongo.DuplicateGroups.Member;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SurvivorsTest {
  private static Member m(Object id, Object by) {
    return new Member(id, by, false);
  }

  @Test
  void oldestKeepsTheSmallestKeepByAndNewestTheLargest() {
    List<Member> group = List.of(m(1, new Date(300)), m(2, new Date(100)), m(3, new Date(200)));
    Survivors.Decision oldest = new Survivors(KeepPolicy.Oldest).decide(group);
    assertThat(oldest.survivor()).isEqualTo(2);
    assertThat(oldest.losers()).containsExactly(3, 1);
    Survivors.Decision newest = new Survivors(KeepPolicy.Newest).decide(group);
    assertThat(newest.survivor()).isEqualTo(1);
    assertThat(newest.losers()).containsExactly(3, 2);
  }

  @Test
  void idBreaksTiesTheSameWayWhateverTheOrderTheMembersCameIn() {
    List<Member> group = new ArrayList<>(List.of(m("c", 5), m("a", 5), m("b", 5), m("d", 9)));
    for (int seed = 0; seed < 20; seed++) {
      Collections.shuffle(group, new Random(seed));
      assertThat(new Survivors(KeepPolicy.Oldest).decide(group).survivor()).isEqualTo("a");
      assertThat(new Survivors(KeepPolicy.Newest).decide(group).survivor()).isEqualTo("d");
    }
    List<Member> tie = new ArrayList<>(List.of(m("c", 5), m("a", 5), m("b", 5)));
    Collections.shuffle(tie, new Random(3));
    assertThat(new Survivors(KeepPolicy.Newest).decide(tie).survivor()).as("Newest: the largest _id").isEqualTo("c");
  }

  @Test
  void aMissingKeepByIsNullAndSortsFirstAsInMongoDb() {
    List<Member> group = List.of(m(1, 7), m(2, null), m(3, 1));
    assertThat(new Survivors(KeepPolicy.Oldest).decide(group).survivor()).isEqualTo(2);
    assertThat(new Survivors(KeepPolicy.Newest).decide(group).survivor()).isEqualTo(1);
  }

  @Test
  void numbersOfMixedTypesCompareByValue() {
    List<Member> group = List.of(m(1, 2.5), m(2, 2L), m(3, 3));
    assertThat(new Survivors(KeepPolicy.Oldest).decide(group).survivor()).isEqualTo(2);
  }

  @Test
  void aDocumentInSeveralGroupsByAnArrayKeyIsKeptOrRemovedConsistently() {
    Survivors s = new Survivors(KeepPolicy.Oldest);
    // doc 1 has tags [x, y]; doc 2 has x; doc 3 has y. Group x: {1, 2}; group y: {1, 3}.
    Survivors.Decision x = s.decide(List.of(new Member(1, 1, true), new Member(2, 2, false)));
    assertThat(x.survivor()).isEqualTo(1);
    Survivors.Decision y = s.decide(List.of(new Member(3, 0, false), new Member(1, 1, true)));
    assertThat(y.survivor()).as("kept for x, so kept for y too, though 3 is older").isEqualTo(1);
    assertThat(y.losers()).containsExactly(3);

    Survivors t = new Survivors(KeepPolicy.Oldest);
    Survivors.Decision first = t.decide(List.of(new Member(5, 0, false), new Member(6, 1, true)));
    assertThat(first.losers()).containsExactly(6);
    Survivors.Decision second = t.decide(List.of(new Member(6, 1, true), new Member(7, 2, false)));
    assertThat(second.survivor()).as("6 is removed already").isEqualTo(7);
    assertThat(second.losers()).as("not counted twice").isEmpty();
  }

  /** Documents with array keys (_id -> keys), grouped as the aggregation groups them; keep by _id. */
  private static Set<Object> run(KeepPolicy keep, Map<Integer, List<String>> docs) {
    Map<String, Long> holders = new java.util.TreeMap<>();
    docs.values().forEach(keys -> keys.forEach(k -> holders.merge(k, 1L, Long::sum)));
    Survivors s = new Survivors(keep);
    Set<Object> removed = new HashSet<>();
    for (Map.Entry<String, Long> key : holders.entrySet()) { // groups in key order
      if (key.getValue() < 2) continue;
      List<Member> group = new ArrayList<>();
      docs.forEach((id, keys) -> {
        if (keys.contains(key.getKey())) {
          group.add(new Member(id, id, true, keys.stream().map(k -> new KeyCount(k, holders.get(k))).toList()));
        }
      });
      Collections.shuffle(group, new Random(key.getKey().hashCode()));
      removed.addAll(s.decide(group).losers());
    }
    Set<Object> left = new HashSet<>(docs.keySet());
    left.removeAll(removed);
    for (String k : holders.keySet()) {
      assertThat(left.stream().anyMatch(id -> docs.get(id).contains(k))).as("key %s keeps a document", k).isTrue();
    }
    return left;
  }

  @Test
  void overlappingArraysKeepOneDocumentPerKeyAndNeverEmptyAKey() {
    // The tester's case: a and c by 1, b by 5 (4 would hold c a second time).
    Map<Integer, List<String>> p = Map.of(1, List.of("a", "c"), 2, List.of("a"), 4, List.of("b", "c"), 5, List.of("b"));
    assertThat(run(KeepPolicy.Oldest, p)).containsExactlyInAnyOrder(1, 5);
  }

  @Test
  void aDocumentThatAloneHoldsAKeyStays() {
    // 2 alone holds z: it stays, and 1 (older, but holding only a) goes.
    Map<Integer, List<String>> p = Map.of(1, List.of("a"), 2, List.of("a", "z"));
    assertThat(run(KeepPolicy.Oldest, p)).containsExactly(2);
    // Two removed for one group must not together empty another key: 2 and 3 both hold v.
    Map<Integer, List<String>> q = Map.of(1, List.of("a"), 2, List.of("a", "v"), 3, List.of("a", "v"));
    Set<Object> left = run(KeepPolicy.Oldest, q);
    assertThat(left).containsAnyOf(2, 3);
  }

  @Test
  void whenNoChoiceSatisfiesTheIndexAKeyStaysHeldTwiceRatherThanEmpty() {
    Map<Integer, List<String>> triangle = Map.of(1, List.of("a", "b"), 2, List.of("b", "c"), 3, List.of("a", "c"));
    assertThat(run(KeepPolicy.Oldest, triangle)).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void randomOverlappingArraysNeverEmptyAKey() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      Map<Integer, List<String>> docs = new java.util.HashMap<>();
      int n = 2 + random.nextInt(8);
      for (int id = 0; id < n; id++) {
        Set<String> keys = new java.util.TreeSet<>();
        int size = 1 + random.nextInt(3);
        while (keys.size() < size) keys.add(String.valueOf((char) ('a' + random.nextInt(6))));
        docs.put(id, List.copyOf(keys));
      }
      run(random.nextBoolean() ? KeepPolicy.Oldest : KeepPolicy.Newest, docs); // asserts every key kept
    }
  }
}
