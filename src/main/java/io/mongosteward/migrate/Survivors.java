package io.mongosteward.migrate;

import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.mongo.DuplicateGroups.KeyCount;
import io.mongosteward.mongo.DuplicateGroups.Member;
import io.mongosteward.plan.BsonOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which documents of a duplicate group stay: the oldest (or newest) by keepBy, _id breaking ties
 * (the smallest for Oldest, the largest for Newest), so that a re-run keeps the same one. Pure.
 *
 * <p>Array keys put a document in several groups (one per element), decided one after the other
 * in key order. Then, in this order of priority:
 * <ol>
 *   <li>No key loses its last document. A member stays when it was kept for an earlier group (the
 *       others of that group may be gone), or when it is the last remaining holder of one of its
 *       keys (by the holder counts the aggregation gave, less the holders this run removed).</li>
 *   <li>No key is held by two survivors, where the first rule allows: if nobody must stay, the
 *       survivor is the first in keep order that shares no key with a document kept earlier
 *       outside this group (keeping it would hold that key twice), else the first in keep order.</li>
 * </ol>
 * Without array keys this is the plain choice: the first in keep order stays, the others go. With
 * them, the first rule can leave a key with two documents when no choice satisfies both (three
 * documents {@code [a,b]}, {@code [b,c]}, {@code [a,c]}: one leaves a key empty, two hold one twice).
 * Only documents with array keys are remembered, so memory stays small when keys are plain values.
 * What is remembered lasts one pass: a run resumed after a stop starts from what the collection
 * holds then (still never emptying a key, but possibly keeping other documents than an
 * uninterrupted run would).
 */
final class Survivors {
  /**
   * The decision for one group: who stays (null when nobody is left to keep), and who goes, in
   * order; {@code heldTwice}, the members that stay besides the survivor so that no other key loses
   * its last document (the group's key stays held by more than one).
   */
  record Decision(Object survivor, List<Object> losers, int heldTwice) {
    Decision(Object survivor, List<Object> losers) {
      this(survivor, losers, 0);
    }
  }

  private final Comparator<Member> order;
  /** Documents with array keys kept for a group, and the keys they hold (key -> a keeper). */
  private final Set<Object> keptArrayKeyed = new HashSet<>();
  private final Map<Object, Object> keptKeys = new HashMap<>();
  /** Documents with array keys removed for a group, and how many holders of each key were removed. */
  private final Set<Object> removedArrayKeyed = new HashSet<>();
  private final Map<Object, Long> removedHolders = new HashMap<>();

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
    Set<Object> here = new HashSet<>();
    sorted.forEach(m -> here.add(m.id()));
    Member survivor = sorted.stream().filter(this::mustStay).findFirst()
        .or(() -> sorted.stream().filter(m -> !sharesAKeyKeptElsewhere(m, here)).findFirst())
        .orElse(sorted.get(0));
    List<Object> losers = new ArrayList<>();
    List<Member> staying = new ArrayList<>();
    staying.add(survivor);
    for (Member m : sorted) {
      if (m == survivor) continue;
      if (mustStay(m)) {
        staying.add(m); // the key of this group stays held twice rather than another losing its last document
        continue;
      }
      losers.add(m.id());
      if (m.arrayKey()) {
        removedArrayKeyed.add(m.id());
        for (KeyCount k : m.keys()) removedHolders.merge(k.key(), 1L, Long::sum);
      }
    }
    for (Member m : staying) {
      if (m.arrayKey() && keptArrayKeyed.add(m.id())) {
        for (KeyCount k : m.keys()) keptKeys.putIfAbsent(k.key(), m.id());
      }
    }
    return new Decision(survivor.id(), losers, staying.size() - 1);
  }

  /** Kept for an earlier group, or the last remaining holder of one of its keys. */
  private boolean mustStay(Member m) {
    if (keptArrayKeyed.contains(m.id())) return true;
    for (KeyCount k : m.keys()) {
      if (k.holders() - removedHolders.getOrDefault(k.key(), 0L) <= 1) return true;
    }
    return false;
  }

  private boolean sharesAKeyKeptElsewhere(Member m, Set<Object> here) {
    for (KeyCount k : m.keys()) {
      Object keeper = keptKeys.get(k.key());
      if (keeper != null && !here.contains(keeper)) return true;
    }
    return false;
  }
}
