package io.mongosteward.operator;

import io.mongosteward.api.v1alpha1.UnusedIndexStatus;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.IndexStatsReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The unused-index report of each schema (policy.reportUnusedAfter). $indexStats is read at most
 * once per resync interval per schema; between reads the last counts stand.
 *
 * <p>$indexStats counts accesses since a time (the server's start, or the index's creation), and
 * never says when the last one was. So an index is unused since that time while its count is 0;
 * once it has a count, since the first read that saw the count it still has. That time is kept in
 * memory: an operator restart starts it again at the next read, so an index is reported late, never
 * early.
 */
final class IndexUsageReports {
  /** What the status shows: the unused indexes, or why there are none to show. */
  record Report(List<UnusedIndexStatus> unused, String note) {
    static final Report NONE = new Report(List.of(), null);
  }

  /** The last count of each member that answered for an index, and since when none has grown. */
  private record Seen(Map<String, Long> ops, Instant unusedSince) {}

  private static final class Entry {
    Instant readAt;
    String note;
    final Map<String, Seen> seen = new HashMap<>();
  }

  private final Clock clock;
  private final Duration interval;
  private final Map<String, Entry> bySchema = new ConcurrentHashMap<>();

  IndexUsageReports(Clock clock, Duration interval) {
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * @param schema the schema's uid
   * @param after policy.reportUnusedAfter; null: no report, and $indexStats is not read
   * @param read reads $indexStats; called only when the last read is an interval old
   */
  Report report(String schema, Duration after, Supplier<IndexStatsReader.Stats> read) {
    if (after == null) {
      bySchema.remove(schema);
      return Report.NONE;
    }
    Entry e = bySchema.computeIfAbsent(schema, k -> new Entry());
    synchronized (e) {
      Instant now = clock.instant();
      if (e.readAt == null || !now.isBefore(e.readAt.plus(interval))) {
        IndexStatsReader.Stats stats;
        try {
          stats = read.get();
        } catch (Failure f) {
          // The report is a hint: a failed read says so, and never fails the reconcile.
          stats = new IndexStatsReader.Stats(List.of(), "$indexStats could not be read: " + f.getMessage());
        }
        e.readAt = now;
        e.note = stats.note();
        if (stats.note() == null) {
          Map<String, Seen> next = new HashMap<>();
          for (IndexStatsReader.Usage u : stats.usages()) {
            String key = u.collection() + "\u0000" + u.index();
            next.put(key, seen(e.seen.get(key), u, now));
          }
          e.seen.clear();
          e.seen.putAll(next);
        }
      }
      if (e.note != null) {
        return new Report(List.of(), e.note);
      }
      Instant cutoff = now.minus(after);
      List<UnusedIndexStatus> unused = new ArrayList<>();
      e.seen.forEach((key, seen) -> {
        if (!seen.unusedSince().isAfter(cutoff)) {
          int split = key.indexOf('\u0000');
          unused.add(new UnusedIndexStatus(key.substring(0, split), key.substring(split + 1),
              seen.unusedSince().toString()));
        }
      });
      unused.sort(Comparator.comparing(UnusedIndexStatus::getCollection).thenComparing(UnusedIndexStatus::getName));
      return new Report(unused, null);
    }
  }

  /**
   * An index is used when any member's count moved since the last read (a shard's, through
   * mongos): a count that fell is a member that restarted, and may have been used before. A member
   * first seen with a count starts the clock; one not in this read keeps its last count (a read may
   * reach another member). With no count anywhere, it is unused since the latest time a member
   * started counting: before that, that member may have used it (late, never early).
   */
  private static Seen seen(Seen before, IndexStatsReader.Usage u, Instant now) {
    Map<String, Long> ops = before == null ? new HashMap<>() : new HashMap<>(before.ops());
    boolean moved = false;
    Instant since = before == null ? null : before.unusedSince();
    for (IndexStatsReader.Access a : u.accesses()) {
      Long last = ops.put(a.source(), a.ops());
      if (last != null ? last != a.ops() : a.ops() > 0) {
        moved = true;
      } else if (last == null) {
        // Counting from zero on a member new to us: unused there since it started counting.
        Instant start = a.since() == null ? now : a.since();
        since = since == null || start.isAfter(since) ? start : since;
      }
    }
    return new Seen(Map.copyOf(ops), moved || since == null ? now : since);
  }

  void forget(String schema) {
    bySchema.remove(schema);
  }
}
