package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.api.v1alpha1.UnusedIndexStatus;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.IndexStatsReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The unused-index report from $indexStats counts, with a clock the test moves. */
class IndexUsageReportsTest {
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final Duration RESYNC = Duration.ofMinutes(5);
  static final Duration WEEK = Duration.ofDays(7);

  static final class MovingClock extends Clock {
    Instant now = T0;
    @Override public Instant instant() { return now; }
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
  }

  final MovingClock clock = new MovingClock();
  final IndexUsageReports reports = new IndexUsageReports(clock, RESYNC);
  final AtomicInteger reads = new AtomicInteger();
  final AtomicReference<IndexStatsReader.Stats> stats = new AtomicReference<>();
  final Supplier<IndexStatsReader.Stats> read = () -> {
    reads.incrementAndGet();
    return stats.get();
  };

  static IndexStatsReader.Usage usage(String index, long ops, Instant since) {
    return new IndexStatsReader.Usage("posts", index, ops, since);
  }

  static List<String> names(IndexUsageReports.Report r) {
    return r.unused().stream().map(u -> u.getCollection() + "." + u.getName()).toList();
  }

  @Test
  void anIndexNeverUsedSinceTheCountStartedLongEnoughAgoIsUnused() {
    stats.set(new IndexStatsReader.Stats(List.of(usage("old_never", 0, T0.minus(Duration.ofDays(30))),
        usage("new_never", 0, T0.minus(Duration.ofDays(1))), usage("used", 12, T0.minus(Duration.ofDays(30)))), null));
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(names(r)).containsExactly("posts.old_never");
    assertThat(r.unused().get(0).getUnusedSince()).isEqualTo(T0.minus(Duration.ofDays(30)).toString());
    assertThat(r.note()).isNull();
  }

  @Test
  void statsAreReadAtMostOncePerResyncInterval() {
    stats.set(new IndexStatsReader.Stats(List.of(usage("a", 0, T0)), null));
    reports.report("uid", WEEK, read);
    clock.now = T0.plus(RESYNC).minusSeconds(1);
    reports.report("uid", WEEK, read);
    reports.report("uid", WEEK, read);
    assertThat(reads).hasValue(1);
    clock.now = T0.plus(RESYNC);
    reports.report("uid", WEEK, read);
    assertThat(reads).hasValue(2);
  }

  @Test
  void notReadAtAllWithoutReportUnusedAfter() {
    stats.set(new IndexStatsReader.Stats(List.of(usage("a", 0, T0.minus(Duration.ofDays(30)))), null));
    assertThat(reports.report("uid", null, read)).isEqualTo(IndexUsageReports.Report.NONE);
    assertThat(reads).hasValue(0);
  }

  @Test
  void aCountThatStopsGrowingIsUnusedOnceItHasStoodStillForTheWholePeriod() {
    Instant serverStart = T0.minus(Duration.ofDays(60));
    stats.set(new IndexStatsReader.Stats(List.of(usage("once_used", 3, serverStart)), null));
    // The count is not 0: when it was last used is unknown, so its clock starts at this read.
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
    clock.now = T0.plus(Duration.ofDays(6));
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
    clock.now = T0.plus(WEEK);
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(names(r)).containsExactly("posts.once_used");
    assertThat(r.unused().get(0).getUnusedSince()).isEqualTo(T0.toString());
    // Used again: its clock starts again.
    stats.set(new IndexStatsReader.Stats(List.of(usage("once_used", 4, serverStart)), null));
    clock.now = clock.now.plus(RESYNC);
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
  }

  @Test
  void aServerWithoutIndexStatsGivesANoteAndAFailedReadDoesNotFailTheReconcile() {
    stats.set(new IndexStatsReader.Stats(List.of(), "the server does not answer $indexStats (code 40324)"));
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(r.unused()).isEmpty();
    assertThat(r.note()).contains("$indexStats");

    IndexUsageReports failing = new IndexUsageReports(clock, RESYNC);
    IndexUsageReports.Report failed = failing.report("uid", WEEK, () -> {
      throw new Failure.Transient(Reason.MongoUnreachable, "timed out");
    });
    assertThat(failed.note()).contains("$indexStats could not be read").contains("timed out");
  }

  @Test
  void schemasAreKeptApart() {
    stats.set(new IndexStatsReader.Stats(List.of(usage("a", 0, T0.minus(Duration.ofDays(30)))), null));
    reports.report("one", WEEK, read);
    reports.report("two", WEEK, read);
    assertThat(reads).hasValue(2);
    UnusedIndexStatus only = reports.report("one", WEEK, read).unused().get(0);
    assertThat(only.getName()).isEqualTo("a");
  }

  static IndexStatsReader.Access on(String shard, long ops, Instant since) {
    return new IndexStatsReader.Access(shard + "/" + shard + "-0:27018", ops, since);
  }

  static IndexStatsReader.Stats sharded(String index, IndexStatsReader.Access... accesses) {
    return new IndexStatsReader.Stats(List.of(new IndexStatsReader.Usage("posts", index, List.of(accesses))), null);
  }

  @Test
  void anIndexBusyOnOneShardIsNotUnusedBecauseAnotherShardNeverUsesIt() {
    Instant start = T0.minus(Duration.ofDays(60));
    stats.set(sharded("author_1", on("shardA", 1_000_000, start), on("shardB", 0, start)));
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
    // A week on, shard A's count grew: used; shard B's standing still changes nothing.
    clock.now = T0.plus(WEEK);
    stats.set(sharded("author_1", on("shardA", 1_000_500, start), on("shardB", 0, start)));
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
    // Only when no shard's count moves for the whole period is it unused, since the last growth.
    clock.now = T0.plus(WEEK).plus(WEEK);
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(names(r)).containsExactly("posts.author_1");
    assertThat(r.unused().get(0).getUnusedSince()).isEqualTo(T0.plus(WEEK).toString());
  }

  @Test
  void neverUsedOnAnyShardIsUnusedSinceTheLatestStartOfCounting() {
    // Shard B restarted 10 days ago: before that it may have used the index, so 10 days, not 60.
    stats.set(sharded("author_1", on("shardA", 0, T0.minus(Duration.ofDays(60))),
        on("shardB", 0, T0.minus(Duration.ofDays(10)))));
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(names(r)).containsExactly("posts.author_1");
    assertThat(r.unused().get(0).getUnusedSince()).isEqualTo(T0.minus(Duration.ofDays(10)).toString());
  }

  @Test
  void aCountThatFallsBackIsARestartAndStartsTheClockAgain() {
    Instant start = T0.minus(Duration.ofDays(60));
    stats.set(sharded("author_1", on("shardA", 7, start), on("shardB", 3, start)));
    reports.report("uid", WEEK, read);
    // Shard A restarted and counted 4 since; the sum (7) is what it was, yet the index was used.
    clock.now = T0.plus(WEEK);
    stats.set(sharded("author_1", on("shardA", 4, T0.plus(Duration.ofDays(6))), on("shardB", 3, start)));
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
  }

  @Test
  void aReadThatReachesAnotherMemberKeepsWhatTheFirstMemberShowed() {
    // Reads go to whichever member the read preference picks: a member not in this read keeps its
    // last count, and one seen for the first time with a count starts the clock.
    Instant start = T0.minus(Duration.ofDays(60));
    stats.set(new IndexStatsReader.Stats(List.of(new IndexStatsReader.Usage("posts", "a", List.of(
        new IndexStatsReader.Access("db0:27017", 5, start)))), null));
    reports.report("uid", WEEK, read);
    clock.now = T0.plus(WEEK);
    stats.set(new IndexStatsReader.Stats(List.of(new IndexStatsReader.Usage("posts", "a", List.of(
        new IndexStatsReader.Access("db1:27017", 9, start)))), null));
    assertThat(names(reports.report("uid", WEEK, read))).isEmpty();
    clock.now = T0.plus(WEEK).plus(WEEK);
    stats.set(new IndexStatsReader.Stats(List.of(new IndexStatsReader.Usage("posts", "a", List.of(
        new IndexStatsReader.Access("db0:27017", 5, start)))), null));
    IndexUsageReports.Report r = reports.report("uid", WEEK, read);
    assertThat(names(r)).containsExactly("posts.a");
    assertThat(r.unused().get(0).getUnusedSince()).isEqualTo(T0.plus(WEEK).toString());
  }
}
