package io.mongosteward.operator;

import io.mongosteward.migrate.Listener;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrations running in this process, each on a bounded pool of its own, so that a run of
 * hours never holds a reconcile thread: the reconciler starts a run, then only reads how it goes.
 * When a queued run gets its thread, when the engine begins it, and when it ends, {@code onChange}
 * is told its key, so that the reconciler looks at once.
 */
final class MigrationRuns implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationRuns.class);

  /** What a run does, given its stop signal and where to report progress. */
  @FunctionalInterface
  interface Body {
    RunResult run(BooleanSupplier stop, Listener listener);
  }

  /** The process is shutting down: no run starts any more; the next leader resumes them. */
  static final class ShuttingDown extends IllegalStateException {
    ShuttingDown() {
      super("the operator is shutting down");
    }
  }

  private static final int QUEUED = 0;
  private static final int STARTED = 1;
  private static final int CANCELLED = 2;

  /** One run of one generation of one MongoMigration; read by the reconciler, written by the run's thread. */
  static final class Run {
    final String key;
    final long generation;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final AtomicBoolean announced = new AtomicBoolean();
    private final List<Runnable> afterEnd = new ArrayList<>();
    private Runnable task;
    private volatile Boolean resumed;
    private volatile boolean retired;
    private volatile Progress progress;
    private volatile RunResult result;
    private volatile RuntimeException failure;
    private volatile boolean ended;

    Run(String key, long generation) {
      this.key = key;
      this.generation = generation;
    }

    /** It has a thread (it may still wait for the collection's lease). */
    boolean started() {
      return state.get() == STARTED;
    }

    boolean ended() {
      return ended;
    }

    /** Null until the engine holds the lease and begins; then whether it goes on from a checkpoint. */
    Boolean resumed() {
      return resumed;
    }

    /** True once: the first caller reports the start (Event, status). */
    boolean announce() {
      return announced.compareAndSet(false, true);
    }

    boolean announced() {
      return announced.get();
    }

    /** Its MongoMigration was deleted: it only finishes its batch. */
    boolean retired() {
      return retired;
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

    private void whenEnded(Runnable r) {
      synchronized (afterEnd) {
        if (!ended) {
          afterEnd.add(r);
          return;
        }
      }
      r.run();
    }

    private void end() {
      List<Runnable> hooks;
      synchronized (afterEnd) {
        ended = true;
        hooks = new ArrayList<>(afterEnd);
        afterEnd.clear();
      }
      for (Runnable r : hooks) {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("after the end of migration run {}: {}", key, e.toString());
        }
      }
    }
  }

  private final int threads;
  private final ThreadPoolExecutor pool;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Consumer<String> onChange;
  /** Submitted and not yet ended (or cancelled): more than {@link #threads} means some wait in the queue. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();

  MigrationRuns(int threads, Consumer<String> onChange) {
    this.threads = threads;
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "migration-run");
      t.setDaemon(true);
      return t;
    });
    this.onChange = onChange;
  }

  Run get(String key) {
    return runs.get(key);
  }

  int threads() {
    return threads;
  }

  /** True once {@link #close} began: nothing starts any more. */
  boolean closing() {
    return closing.get();
  }

  /**
   * Starts (or queues, when every thread is busy) a run; replaces an ended one under the same key.
   *
   * @throws ShuttingDown once {@link #close} began
   */
  Run start(String key, long generation, Body body) {
    if (closing.get()) {
      throw new ShuttingDown();
    }
    Run run = new Run(key, generation);
    Run previous = runs.put(key, run);
    if (previous != null && !previous.ended()) {
      previous.stop(); // the caller waits for a run to end before it starts another; this is a guard
    }
    run.task = () -> {
      if (!run.state.compareAndSet(QUEUED, STARTED)) {
        return; // cancelled while queued: cancel() did the bookkeeping
      }
      signal(key);
      try {
        if (!run.stopRequested()) {
          run.result = body.run(run::stopRequested, new Listener() {
            @Override
            public void progress(Progress p) {
              run.progress = p;
            }

            @Override
            public void counted(Progress p) {
              run.progress = p;
            }

            @Override
            public void started(boolean resumed) {
              run.resumed = resumed;
              signal(key);
            }
          });
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
        inFlight.decrementAndGet();
        run.end();
        if (run.retired) {
          runs.remove(key, run);
        }
        signal(key);
      }
    };
    inFlight.incrementAndGet();
    try {
      pool.execute(run.task);
    } catch (RejectedExecutionException e) {
      inFlight.decrementAndGet();
      runs.remove(key, run);
      throw new ShuttingDown();
    }
    return run;
  }

  private void signal(String key) {
    try {
      onChange.accept(key);
    } catch (RuntimeException e) {
      LOG.warn("could not signal a change of migration run {}: {}", key, e.toString());
    }
  }

  /** The run waits in the queue for a thread. */
  boolean waiting(Run run) {
    return run.state.get() == QUEUED && inFlight.get() > threads;
  }

  /**
   * Takes a run that has no thread yet out of the queue: nothing of it ever runs.
   *
   * @return false when it has started (stop it instead) or was cancelled before
   */
  boolean cancel(Run run) {
    if (!run.state.compareAndSet(QUEUED, CANCELLED)) {
      return false;
    }
    pool.remove(run.task);
    inFlight.decrementAndGet();
    run.stop();
    run.result = new RunResult(RunResult.Outcome.STOPPED, null, 0, "cancelled before it started");
    runs.remove(run.key, run);
    run.end();
    return true;
  }

  /**
   * The migration is gone: a queued run is cancelled, a running one stops at its batch boundary
   * (checkpoint written, lease given back) and is forgotten once it ended. {@code afterEnd} runs
   * then, or at once when nothing runs: what the run uses (its client) is released only after it.
   */
  void retire(String key, Runnable afterEnd) {
    Run run = runs.get(key);
    if (run == null || run.ended() || cancel(run)) {
      if (run != null) {
        runs.remove(key, run);
      }
      afterEnd.run();
      return;
    }
    run.retired = true;
    run.stop();
    run.whenEnded(afterEnd);
    if (run.ended()) {
      runs.remove(key, run);
    }
  }

  /** Forgets an ended run, or stops a running one and forgets it. */
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

  /** @return true when every run ended within {@code bound} */
  boolean close(Duration bound) {
    return close(bound, () -> { });
  }

  /**
   * @param overrun run when some run has not ended within {@code bound} (held in one server
   *     command), before the threads are interrupted
   * @return true when every run ended within {@code bound}
   */
  boolean close(Duration bound, Runnable overrun) {
    closing.set(true);
    runs.values().forEach(Run::stop);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        overrun.run();
        pool.shutdownNow();
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
