package io.mongosteward.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog: every running reconcile (and cleanup), with its start and its last step.
 * Operations are bounded, but a bug, a lock or an endless build could still hold a thread. When
 * one makes no progress for longer than the bound (each step, such as one index build, counts),
 * /livez turns 503, so the pod is restarted, and the log names the schema and how long it stood.
 */
final class ReconcileWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileWatch.class);

  /** A reconcile in flight: since when, and since when it stands at its current step. */
  record Running(String schema, Instant since, Instant step) {}

  private final Clock clock;
  private final Duration bound;
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final Map<Long, Boolean> reported = new ConcurrentHashMap<>();

  ReconcileWatch(Clock clock, Duration bound) {
    this.clock = clock;
    this.bound = bound;
  }

  /** The end of a watched reconcile. */
  interface Handle extends AutoCloseable {
    @Override
    void close();
  }

  /** Marks the current thread as reconciling {@code schema} until the returned handle is closed. */
  Handle enter(String schema) {
    long thread = Thread.currentThread().getId();
    Instant now = clock.instant();
    running.put(thread, new Running(schema, now, now));
    return () -> {
      running.remove(thread);
      reported.remove(thread);
    };
  }

  /** The current thread's reconcile starts a step (an index build, say): the bound counts from here. */
  void step() {
    running.computeIfPresent(Thread.currentThread().getId(), (t, r) -> new Running(r.schema(), r.since(), clock.instant()));
  }

  Optional<Running> oldest() {
    return running.values().stream().min(Comparator.comparing(Running::since));
  }

  /** Seconds the oldest running reconcile has run; 0 when none runs. */
  double oldestSeconds() {
    return oldest().map(r -> Duration.between(r.since(), clock.instant()).toMillis() / 1000.0).orElse(0.0);
  }

  /** False once a reconcile has stood at one step past the bound; says so in the log once per reconcile. */
  boolean live() {
    Instant now = clock.instant();
    boolean live = true;
    for (var e : running.entrySet()) {
      Duration standing = Duration.between(e.getValue().step(), now);
      if (standing.compareTo(bound) > 0) {
        live = false;
        if (reported.putIfAbsent(e.getKey(), true) == null) {
          LOG.error("the reconcile of {} has made no progress for {} s, past the bound of {} s (--stuck-reconcile); "
              + "it started {} s ago: /livez fails, so that the pod is restarted", e.getValue().schema(),
              standing.toSeconds(), bound.toSeconds(), Duration.between(e.getValue().since(), now).toSeconds());
        }
      }
    }
    return live;
  }

  Duration bound() {
    return bound;
  }
}
