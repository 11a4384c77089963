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
      assertThat(ended).containsExactly("ns/m");
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
      assertThat(ended).containsExactlyInAnyOrder("ns/a", "ns/b");
    }
  }
}
