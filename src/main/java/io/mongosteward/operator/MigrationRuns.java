package io.mongosteward.operator;

import io.mongosteward.migrate.Listener;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrations running in this process, each on a bounded pool of its own, so that a run of
 * hours never holds a reconcile thread: the reconciler starts a run, then only reads how it goes.
 * When a run ends, {@code onEnd} is told its key, so that the reconciler looks at once.
 */
final class MigrationRuns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationRuns.class);

  /** What a run does, given its stop signal and where to report progress. */
  @FunctionalInterface
  interface Body {
    RunResult run(BooleanSupplier stop, Listener listener);
  }

  /** One run of one generation of one MongoMigration; read by the reconciler, written by the run's thread. */
  static final class Run {
    final String key;
    final long generation;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile boolean started;
    private volatile Progress progress;
    private volatile RunResult result;
    private volatile RuntimeException failure;
    private volatile boolean ended;

    Run(String key, long generation) {
      this.key = key;
      this.generation = generation;
    }

    boolean started() {
      return started;
    }

    boolean ended() {
      return ended;
    }

    Progress progress() {
      return progress;
    }

    /** Non-null once ended without a failure. */
    RunResult result() {
      return result;
    }

    /** Non-null once ended with one. */
    RuntimeException failure() {
      return failure;
    }

    /** Asks the run to stop at its next batch boundary; its checkpoint is written. */
    void stop() {
      stop.set(true);
    }

    boolean stopRequested() {
      return stop.get();
    }
  }

  private final ExecutorService pool;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Consumer<String> onEnd;

  MigrationRuns(int threads, Consumer<String> onEnd) {
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "migration-run");
      t.setDaemon(true);
      return t;
    });
    this.onEnd = onEnd;
  }

  Run get(String key) {
    return runs.get(key);
  }

  /** Starts (or queues, when every thread is busy) a run; replaces an ended one under the same key. */
  Run start(String key, long generation, Body body) {
    Run run = new Run(key, generation);
    Run previous = runs.put(key, run);
    if (previous != null && !previous.ended()) {
      previous.stop(); // the caller waits for a run to end before it starts another; this is a guard
    }
    pool.execute(() -> {
      run.started = true;
      try {
        if (!run.stopRequested()) {
          run.result = body.run(run::stopRequested, p -> run.progress = p);
          if (run.result.last() != null) {
            run.progress = run.result.last();
          }
        } else {
          run.result = new RunResult(RunResult.Outcome.STOPPED, run.progress, 0, "stopped before it started");
        }
      } catch (RuntimeException e) {
        run.failure = e;
      } catch (Error e) {
        run.failure = new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        LOG.error("migration run {} died", key, e);
      } finally {
        run.ended = true;
        try {
          onEnd.accept(key);
        } catch (RuntimeException e) {
          LOG.warn("could not signal the end of migration run {}: {}", key, e.toString());
        }
      }
    });
    return run;
  }

  /** Forgets an ended run, or stops a running one and forgets it (its resource is gone). */
  void forget(String key) {
    Run run = runs.remove(key);
    if (run != null) {
      run.stop();
    }
  }

  int running() {
    return (int) runs.values().stream().filter(r -> r.started() && !r.ended()).count();
  }

  /** Stops every run at its next batch boundary and waits at most {@code bound} for them. */
  @Override
  public void close() {
    close(Duration.ofSeconds(3));
  }

  void close(Duration bound) {
    runs.values().forEach(Run::stop);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
