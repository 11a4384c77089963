package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MigrationRunsTest {
  final List<String> ended = new CopyOnWriteArrayList<>();

  @Test
  void aRunReportsProgressStopsWhenAskedAndSignalsItsEnd() {
    try (MigrationRuns runs = new MigrationRuns(1, ended::add)) {
      MigrationRuns.Run run = runs.start("ns/m", 1, (stop, listener) -> {
        long n = 0;
        while (!stop.getAsBoolean()) {
          listener.progress(new Progress(Progress.MAIN, ++n, 0, 0, null, 0, null, null, 0));
          Thread.onSpinWait();
        }
        return new RunResult(RunResult.Outcome.STOPPED, null, 0, "stopped");
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> run.progress() != null && run.progress().scanned() > 10);
      assertThat(run.ended()).isFalse();
      run.stop();
      await().atMost(Duration.ofSeconds(5)).until(run::ended);
      assertThat(run.result().outcome()).isEqualTo(RunResult.Outcome.STOPPED);
      assertThat(run.progress().scanned()).as("the last progress is kept when the result has none").isPositive();
      assertThat(ended).as("signalled at its start and its end").containsOnly("ns/m").hasSize(2);
    }
  }

  @Test
  void aFailureIsKeptForTheReconcilerAndAQueuedRunWaitsForAFreeThread() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    try (MigrationRuns runs = new MigrationRuns(1, ended::add)) {
      MigrationRuns.Run first = runs.start("ns/a", 1, (stop, listener) -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("boom");
      });
      MigrationRuns.Run second = runs.start("ns/b", 1,
          (stop, listener) -> new RunResult(RunResult.Outcome.SUCCEEDED, null, 0, "done"));
      await().atMost(Duration.ofSeconds(5)).until(first::started);
      assertThat(second.started()).as("one thread: the second waits").isFalse();
      assertThat(runs.running()).isEqualTo(1);
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> first.ended() && second.ended());
      assertThat(first.failure()).hasMessage("boom");
      assertThat(first.result()).isNull();
      assertThat(second.result().message()).isEqualTo("done");
      assertThat(ended).containsOnly("ns/a", "ns/b");
    }
  }

  /** Blocks until released or stopped. */
  static MigrationRuns.Body blocking(CountDownLatch release) {
    return (stop, listener) -> {
      while (release.getCount() > 0 && !stop.getAsBoolean()) {
        Thread.onSpinWait();
      }
      return new RunResult(stop.getAsBoolean() ? RunResult.Outcome.STOPPED : RunResult.Outcome.SUCCEEDED, null, 0, "");
    };
  }

  @Test
  void aQueuedRunIsCancelledAtOnceAndNeverRuns() {
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    try (MigrationRuns runs = new MigrationRuns(1, ended::add)) {
      MigrationRuns.Run busy = runs.start("ns/busy", 1, blocking(release));
      MigrationRuns.Run queued = runs.start("ns/q", 1, (stop, listener) -> {
        ran.add("q");
        return new RunResult(RunResult.Outcome.SUCCEEDED, null, 0, "");
      });
      await().atMost(Duration.ofSeconds(5)).until(busy::started);
      assertThat(runs.waiting(queued)).isTrue();
      assertThat(runs.waiting(busy)).isFalse();
      assertThat(runs.cancel(queued)).isTrue();
      assertThat(queued.ended()).isTrue();
      assertThat(runs.get("ns/q")).isNull();
      assertThat(runs.cancel(busy)).as("a started run is stopped, not cancelled").isFalse();
      MigrationRuns.Run next = runs.start("ns/next", 1, blocking(release));
      assertThat(runs.waiting(next)).as("the cancelled one no longer counts").isTrue();
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(next::ended);
      assertThat(ran).isEmpty();
    }
  }

  @Test
  void aRetiredRunReleasesWhatItUsesOnlyAfterItEnded() {
    CountDownLatch release = new CountDownLatch(1);
    List<String> released = new CopyOnWriteArrayList<>();
    try (MigrationRuns runs = new MigrationRuns(1, ended::add)) {
      MigrationRuns.Run run = runs.start("ns/m", 1, (stop, listener) -> {
        while (release.getCount() > 0) {
          Thread.onSpinWait(); // a batch that goes on after the stop request
        }
        return new RunResult(RunResult.Outcome.STOPPED, null, 0, "");
      });
      await().atMost(Duration.ofSeconds(5)).until(run::started);
      runs.retire("ns/m", () -> released.add("client"));
      assertThat(run.stopRequested()).isTrue();
      assertThat(runs.get("ns/m")).as("kept until it ends").isSameAs(run);
      assertThat(released).as("not while the batch runs").isEmpty();
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> released.size() == 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get("ns/m") == null);
      runs.retire("ns/gone", () -> released.add("gone"));
      assertThat(released).containsExactly("client", "gone");
    }
  }

  @Test
  void nothingStartsOnceClosingBegan() {
    MigrationRuns runs = new MigrationRuns(1, ended::add);
    assertThat(runs.close(Duration.ofSeconds(1))).isTrue();
    assertThat(runs.closing()).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.start("ns/m", 1, blocking(new CountDownLatch(0))))
        .isInstanceOf(MigrationRuns.ShuttingDown.class);
  }
}
