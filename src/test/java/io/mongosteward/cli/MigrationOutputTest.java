package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What `migrate` prints, from made-up progress and results: no server. */
class MigrationOutputTest {
  static MigrationOutput.Subject dedupe(boolean dryRun) {
    MongoMigrationSpec spec = new MongoMigrationSpec();
    spec.setCollection("posts");
    DeduplicateSpec d = new DeduplicateSpec();
    d.setKeys(new ArrayList<>(List.of("post_id")));
    d.setKeepBy("created_at");
    spec.setDeduplicate(d);
    spec.setDryRun(dryRun);
    return new MigrationOutput.Subject("bots/dedupe-posts", "bot", spec);
  }

  static MigrationOutput.Subject backfill(boolean dryRun) {
    MongoMigrationSpec spec = new MongoMigrationSpec();
    spec.setCollection("posts");
    BackfillSpec b = new BackfillSpec();
    b.setSource("message_link");
    b.setTarget("message_link_norm");
    b.setTransforms(new ArrayList<>(List.of(Transform.NormalizeUrl, Transform.Lowercase)));
    spec.setBackfill(b);
    spec.setDryRun(dryRun);
    return new MigrationOutput.Subject("bots/norm", "bot", spec);
  }

  static Progress progress(long scanned, long changed, long archived, Long total, double rate, Duration eta) {
    return new Progress(Progress.MAIN, scanned, changed, archived, total, rate, eta, "{}", 0);
  }

  @Test
  void aLineHasScannedOfTotalPercentRateEtaAndTheCounts() {
    assertThat(MigrationOutput.line(dedupe(false), progress(1200, 600, 600, 4800L, 299.6, Duration.ofSeconds(12))))
        .isEqualTo("bots/dedupe-posts: 1,200/4,800 scanned (25%), 300 docs/s, ETA 12.0 s; removed 600, archived 600");
    assertThat(MigrationOutput.line(dedupe(true), progress(10, 5, 0, null, 0, null)))
        .isEqualTo("bots/dedupe-posts: 10 scanned, 0 docs/s, ETA unknown; would remove 5");
    assertThat(MigrationOutput.line(backfill(false), new Progress(Progress.MAIN, 2_500_000, 2_000_000, 0,
        10_000_000L, 1000, Duration.ofSeconds(7500), "{}", 3)))
        .isEqualTo("bots/norm: 2,500,000/10,000,000 scanned (25%), 1,000 docs/s, ETA 2 h 05 min; written 2,000,000, "
            + "redone 3");
    assertThat(MigrationOutput.line(dedupe(false), new Progress(Progress.FINAL, 5, 2, 2, 5L, 10, Duration.ZERO, "{}",
        0))).startsWith("bots/dedupe-posts: final pass, 5/5 scanned (100%)");
  }

  @Test
  void linesComeAtMostOncePerIntervalOnAFakeClock() {
    AtomicLong nanos = new AtomicLong();
    StringWriter err = new StringWriter();
    ProgressView.Lines lines = new ProgressView.Lines(new PrintWriter(err), dedupe(false), nanos::get,
        Duration.ofSeconds(5));
    lines.progress(progress(100, 0, 0, 1000L, 100, null)); // at 0 s: too soon
    nanos.set(Duration.ofSeconds(4).toNanos());
    lines.progress(progress(400, 0, 0, 1000L, 100, null)); // 4 s: too soon
    nanos.set(Duration.ofSeconds(5).toNanos());
    lines.progress(progress(500, 250, 250, 1000L, 100, Duration.ofSeconds(5))); // 5 s: printed
    nanos.set(Duration.ofSeconds(9).toNanos());
    lines.progress(progress(900, 450, 450, 1000L, 100, Duration.ofSeconds(1))); // 4 s after the last: not
    assertThat(err.toString().lines().toList()).containsExactly(
        "bots/dedupe-posts: 500/1,000 scanned (50%), 100 docs/s, ETA 5.0 s; removed 250, archived 250");
  }

  @Test
  void theSummaryOfADeduplicationCountsEverything() {
    RunResult r = new RunResult(RunResult.Outcome.SUCCEEDED, progress(4800, 2400, 2400, 4800L, 1000, null), 3, "ok");
    assertThat(MigrationOutput.summary(dedupe(false), r, Duration.ofMillis(12_345))).containsExactly(
        "bots/dedupe-posts: deduplicate bot.posts by [post_id], keep Oldest by created_at, archive in "
            + "posts_duplicates: done in 12.3 s",
        "  scanned          4,800 of 4,800 documents in duplicate groups",
        "  removed          2,400",
        "  archived         2,400 in posts_duplicates",
        "  late duplicates  3 (written by the application during the run, removed by the final pass: check what "
            + "writes them)");
    assertThat(MigrationOutput.exitCode(dedupe(false), r)).as("late duplicates are worth a look").isEqualTo(2);
    RunResult clean = new RunResult(RunResult.Outcome.SUCCEEDED, r.last(), 0, "ok");
    assertThat(MigrationOutput.exitCode(dedupe(false), clean)).isZero();
  }

  @Test
  void aBackfillThatSkippedDocumentsIsWorthALook() {
    RunResult skipped = new RunResult(RunResult.Outcome.SUCCEEDED, new Progress(Progress.MAIN, 3, 2, 0, 3L, 0, null,
        "{}", 0, 1), 0, "wrote meta.norm in 2 of 3 documents of posts; 1 skipped");
    assertThat(MigrationOutput.exitCode(backfill(false), skipped)).isEqualTo(2);
    RunResult none = new RunResult(RunResult.Outcome.SUCCEEDED, new Progress(Progress.MAIN, 3, 3, 0, 3L, 0, null,
        "{}", 0, 0), 0, "wrote meta.norm in 3 of 3 documents of posts");
    assertThat(MigrationOutput.exitCode(backfill(false), none)).isZero();
  }

  @Test
  void aDryRunSaysWhatWouldGoAndExitsTwoOnlyWhenThereIsWork() {
    RunResult work = new RunResult(RunResult.Outcome.SUCCEEDED, progress(10, 4, 0, 10L, 0, null), 0, "ok");
    assertThat(MigrationOutput.summary(dedupe(true), work, Duration.ofMillis(250))).containsExactly(
        "bots/dedupe-posts: deduplicate bot.posts by [post_id], keep Oldest by created_at (dry run): done in 250 ms",
        "  scanned          10 of 10 documents in duplicate groups",
        "  would remove     4 (nothing was changed)");
    assertThat(MigrationOutput.exitCode(dedupe(true), work)).isEqualTo(2);
    RunResult none = new RunResult(RunResult.Outcome.SUCCEEDED, progress(0, 0, 0, 0L, 0, null), 0, "ok");
    assertThat(MigrationOutput.exitCode(dedupe(true), none)).isZero();
    assertThat(MigrationOutput.summary(backfill(true), work, Duration.ofSeconds(75)))
        .contains("  would write      4 (nothing was changed)")
        .first().asString().endsWith("(dry run): done in 1 min 15 s");
  }

  @Test
  void aBackfillSummaryCountsTheRedone() {
    RunResult r = new RunResult(RunResult.Outcome.SUCCEEDED, new Progress(Progress.MAIN, 300, 290, 0, 300L, 0, null,
        "{}", 2), 0, "ok");
    assertThat(MigrationOutput.summary(backfill(false), r, Duration.ofSeconds(2))).containsExactly(
        "bots/norm: backfill bot.posts: message_link -> message_link_norm [NormalizeUrl, Lowercase]: done in 2.0 s",
        "  scanned          300 of 300 documents",
        "  written          290",
        "  redone           2 (changed by the application between read and write; written again from the new value)");
  }

  @Test
  void busyStoppedAndAlreadyDoneSayWhatToDoNext() {
    RunResult busy = new RunResult(RunResult.Outcome.BUSY, progress(0, 0, 0, null, 0, null), 0,
        "collection posts is busy: migration ops/x (runner 1@h/ab) holds its lease until 2030-01-01T00:00:00Z");
    assertThat(MigrationOutput.summary(dedupe(false), busy, Duration.ZERO)).singleElement().asString()
        .contains("not run: collection posts is busy: migration ops/x (runner 1@h/ab)", "Run it again once");
    assertThat(MigrationOutput.exitCode(dedupe(false), busy)).isEqualTo(2);

    RunResult stopped = new RunResult(RunResult.Outcome.STOPPED, progress(100, 50, 50, 400L, 0, null), 0, "stopped");
    assertThat(MigrationOutput.summary(dedupe(false), stopped, Duration.ofSeconds(3)).get(0))
        .endsWith("stopped at a batch boundary after 3.0 s. Run the same command again to resume from the checkpoint");
    assertThat(MigrationOutput.exitCode(dedupe(false), stopped)).isEqualTo(2);

    RunResult done = new RunResult(RunResult.Outcome.ALREADY_DONE, progress(10, 5, 5, 10L, 0, null), 0,
        "already done: the ledger has this migration with this spec succeeded at 2026-01-01T00:00:00Z");
    assertThat(MigrationOutput.summary(dedupe(false), done, Duration.ZERO).get(0))
        .contains("already done: the ledger has", "nothing to do");
    assertThat(MigrationOutput.exitCode(dedupe(false), done)).isZero();
  }
}
