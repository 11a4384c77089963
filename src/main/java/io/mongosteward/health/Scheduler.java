package io.mongosteward.health;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Runs one task later; the probe loop's only source of time passing, so unit tests drive it by hand. */
public interface Scheduler {
  void schedule(Runnable task, Duration delay);

  /** Stops running tasks, interrupting a running one, and waits for it up to {@code bound}. */
  void close(Duration bound);

  /** One daemon thread: the loop never runs two checks at once. */
  static Scheduler singleThread(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return new Scheduler() {
      @Override
      public void schedule(Runnable task, Duration delay) {
        if (!executor.isShutdown()) {
          executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
      }

      @Override
      public void close(Duration bound) {
        shutdown(executor, bound);
      }
    };
  }

  private static void shutdown(ScheduledExecutorService executor, Duration bound) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
