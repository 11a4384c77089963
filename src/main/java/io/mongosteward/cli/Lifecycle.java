package io.mongosteward.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.health.HealthServer;
import io.mongosteward.health.HealthSource;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * How a long-running command (`operator`, `sidecar`) serves its endpoints and stops: one way for
 * both. A SIGTERM or SIGINT is a stop that was asked for: the stop steps run within a bound, off
 * any JVM shutdown hook (so nothing they call can deadlock on the JVM's exit), and the process
 * exits 0.
 */
final class Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private Lifecycle() {}

  /** Binds the health server, or fails with an error naming the port, where it came from, and the fix. */
  static HealthServer serve(int port, HealthSource source, PrometheusMeterRegistry registry) {
    try {
      return HealthServer.start(new InetSocketAddress(port), source, registry);
    } catch (IOException e) {
      throw cannotServe(port, e);
    }
  }

  /** What a failed bind tells the user: the port, why, and the fix. */
  static InputException cannotServe(int port, IOException e) {
    if (e instanceof BindException) {
      String why = String.valueOf(e.getMessage()).contains("in use") ? "another process holds it"
          : "ports below 1024 need privileges this process should not have";
      return new InputException("--port " + port + ": cannot listen there (" + e.getMessage() + "); " + why
          + ". Choose a free port with --port or MONGOSTEWARD_PORT.");
    }
    return new InputException("--port " + port + ": cannot start the HTTP server: " + e);
  }

  /**
   * Blocks until SIGTERM or SIGINT, then runs {@code stop} for at most {@code bound}.
   *
   * @return the exit code: 0, a stop that was asked for
   */
  static int runUntilStopped(Duration bound, Runnable stop) throws InterruptedException {
    CountDownLatch signalled = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> signalled.countDown());
    }
    signalled.await();
    long start = System.nanoTime();
    Thread stopper = new Thread(stop, "stop");
    stopper.setDaemon(true);
    stopper.start();
    stopper.join(bound.toMillis());
    long took = (System.nanoTime() - start) / 1_000_000;
    if (stopper.isAlive()) {
      LOG.warn("stopped after {} ms without finishing every step (bound {} ms)", took, bound.toMillis());
    } else {
      LOG.info("stopped in {} ms", took);
    }
    return Main.OK;
  }

  /**
   * Until closed, SIGTERM and SIGINT (Ctrl-C) call {@code first} once; a second one calls {@code
   * again}. Closing gives the JVM's own handlers back.
   */
  static AutoCloseable onStopSignals(Runnable first, Runnable again) {
    java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Runnable> restore = new java.util.ArrayList<>();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal signal = new Signal(name);
      sun.misc.SignalHandler previous = Signal.handle(signal, s -> {
        if (signals.incrementAndGet() == 1) first.run();
        else again.run();
      });
      restore.add(() -> Signal.handle(signal, previous));
    }
    return () -> restore.forEach(Runnable::run);
  }
}
