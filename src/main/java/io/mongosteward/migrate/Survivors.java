package io.mongosteward.migrate;

import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.mongo.DuplicateGroups.Member;
import io.mongosteward.plan.BsonOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which document of a duplicate group stays: the oldest (or newest) by keepBy, _id breaking ties
 * (the smallest for Oldest, the largest for Newest), so that a re-run keeps the same one. Pure.
 *
 * <p>When array keys put a document in several groups, a document kept for one group is kept for
 * the others, and one removed for one group is not counted again for another: only such documents
 * are remembered, so memory stays small when keys are plain values.
 */
final class Survivors {
  /** The decision for one group: who stays (null when nobody is left to keep), and who goes, in order. */
  record Decision(Object survivor, List<Object> losers) {}

  private final Comparator<Member> order;
  private final Set<Object> keptArrayKeyed = new HashSet<>();
  private final Set<Object> removedArrayKeyed = new HashSet<>();

  Survivors(KeepPolicy keep) {
    Comparator<Member> byKeep = (a, b) -> BsonOrder.INSTANCE.compare(a.by(), b.by());
    Comparator<Member> byId = (a, b) -> BsonOrder.INSTANCE.compare(a.id(), b.id());
    Comparator<Member> oldest = byKeep.thenComparing(byId);
    this.order = keep == KeepPolicy.Newest ? oldest.reversed() : oldest;
  }

  Decision decide(List<Member> members) {
    List<Member> sorted = new ArrayList<>();
    for (Member m : members) {
      if (!removedArrayKeyed.contains(m.id())) sorted.add(m);
    }
    sorted.sort(order);
    if (sorted.isEmpty()) return new Decision(null, List.of());
    Member survivor = sorted.stream().filter(m -> keptArrayKeyed.contains(m.id())).findFirst().orElse(sorted.get(0));
    List<Object> losers = new ArrayList<>();
    for (Member m : sorted) {
      if (m == survivor) continue;
      losers.add(m.id());
      if (m.arrayKey()) {
        removedArrayKeyed.add(m.id());
        keptArrayKeyed.remove(m.id()); // kept for another key: two kept documents here cannot both stay
      }
    }
    if (survivor.arrayKey()) keptArrayKeyed.add(survivor.id());
    return new Decision(survivor.id(), losers);
  }
}
