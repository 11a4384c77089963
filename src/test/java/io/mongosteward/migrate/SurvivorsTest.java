package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.mongo.DuplicateGroups.Member;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
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
}
