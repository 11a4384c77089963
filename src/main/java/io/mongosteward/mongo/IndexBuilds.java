package io.mongosteward.mongo;

import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for an index build without mistaking a dead server for a long build. A build may take
 * its whole bound (an hour by default), and a server that has gone silent looks the same from the
 * build's own connection; so, while waiting, a ping on another connection asks every few seconds
 * whether the server still answers. It does during a build; when the ping fails (its own bounded
 * operation), the wait ends as transient, and the caller retries or gives up. The build's thread
 * stays blocked on its socket until the build's bound; it is a daemon, and the server carries on
 * with a build it started, which a retry joins.
 */
final class IndexBuilds {
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService BUILDS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "index-build-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final Duration checkEvery;

  IndexBuilds(Duration checkEvery) {
    this.checkEvery = checkEvery;
  }

  /**
   * Runs {@code build} and returns when it does; throws what it throws.
   *
   * @param ping a bounded command on another connection: a throw means the server is gone
   * @throws Failure.Transient when the server stops answering while the build runs
   */
  void await(Op op, Runnable build, Runnable ping) {
    CompletableFuture<Void> running = CompletableFuture.runAsync(build, BUILDS);
    while (true) {
      try {
        running.get(checkEvery.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException stillBuilding) {
        try {
          ping.run();
        } catch (RuntimeException gone) {
          running.cancel(true);
          throw new Failure.Transient(Reason.MongoUnreachable, op + ": the server stopped answering while the index was "
              + "building (" + ErrorClassifier.describe(gone, Redactor.none()) + "); a build the server started goes on "
              + "there, and the next attempt joins it");
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.cancel(true);
        throw new Failure.Transient(Reason.MongoUnreachable, op + ": interrupted while waiting for the index build");
      }
    }
  }
}
