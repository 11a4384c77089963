package io.mongosteward.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe loop: checks on its own schedule and publishes the result for requests to read.
 * While checks succeed, the next starts one interval after the previous ended; after failures,
 * after an exponential backoff with jitter, never shorter than the interval, up to maxBackoff. So
 * the dependency sees at most one check per interval, whatever the request rate, and a fleet of
 * sidecars does not retry in step after an outage.
 */
public final class Prober implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

  private final Probe probe;
  private final ProbeSettings settings;
  private final Clock clock;
  private final Scheduler scheduler;
  private final DoubleSupplier random;
  private final List<Consumer<ProbeState>> listeners;
  private final LatencyWindow window;
  private volatile ProbeState state;
  /** The time by which the loop must have finished its next check, or it is stuck (see {@link #live}). */
  private volatile Instant deadline;
  private volatile boolean closed;

  public Prober(Probe probe, ProbeSettings settings, Clock clock, Scheduler scheduler,
      List<Consumer<ProbeState>> listeners) {
    this(probe, settings, clock, scheduler, () -> ThreadLocalRandom.current().nextDouble(), listeners);
  }

  Prober(Probe probe, ProbeSettings settings, Clock clock, Scheduler scheduler, DoubleSupplier random,
      List<Consumer<ProbeState>> listeners) {
    this.probe = probe;
    this.settings = settings;
    this.clock = clock;
    this.scheduler = scheduler;
    this.random = random;
    this.listeners = List.copyOf(listeners);
    this.window = new LatencyWindow(settings.window(), settings.windowCapacity());
    this.state = ProbeState.initial(clock.instant());
    this.deadline = deadlineAfter(Duration.ZERO);
  }

  /** Schedules the first check now. */
  public void start() {
    scheduleNext(Duration.ZERO);
  }

  public ProbeState state() {
    return state;
  }

  /** False when the loop is overdue (a check hung past every bound, or the loop died): restart me. */
  public boolean live(Instant now) {
    return !closed && !now.isAfter(deadline);
  }

  /** One check; runs on the scheduler's thread. */
  void tick() {
    if (closed) {
      return;
    }
    ProbeState next;
    try {
      Probe.Sample sample = probe.check();
      Instant at = clock.instant();
      window.add(at, sample.latency());
      next = state.succeeded(at, sample, window.stats(at));
    } catch (Probe.Failure f) {
      Instant at = clock.instant();
      next = state.failed(at, f.reason(), f.getMessage(), window.stats(at));
    } catch (RuntimeException e) {
      // A bug in a probe must not stop the loop; its message may not be scrubbed, so show only the type.
      Instant at = clock.instant();
      if (!closed) {
        LOG.error("the probe failed unexpectedly: {}", e.getClass().getName());
      }
      next = state.failed(at, "client", "unexpected " + e.getClass().getSimpleName(), window.stats(at));
    }
    if (closed) {
      // Closing (SIGTERM) fails the check in flight on purpose: that says nothing about the dependency.
      return;
    }
    state = next;
    for (Consumer<ProbeState> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        LOG.error("a probe listener failed: {}", e.toString());
      }
    }
    scheduleNext(delayAfter(next));
  }

  /** The pause before the next check: the interval while healthy, a jittered backoff after failures. */
  Duration delayAfter(ProbeState s) {
    if (s.lastOk()) {
      return settings.interval();
    }
    // 2^n intervals after the n-th failure, capped; in doubles, so that a long outage cannot overflow.
    double ceiling = Math.min(settings.maxBackoff().toNanos(),
        settings.interval().toNanos() * Math.pow(2, s.consecutiveFailures()));
    // Equal jitter: a random point in the upper half, so the pause grows yet fleets spread out.
    long jittered = (long) (ceiling * (0.5 + 0.5 * random.getAsDouble()));
    return Duration.ofNanos(Math.max(settings.interval().toNanos(), jittered));
  }

  private void scheduleNext(Duration delay) {
    if (closed) {
      return;
    }
    deadline = deadlineAfter(delay);
    scheduler.schedule(this::tick, delay);
  }

  /** A check may take its timeout twice (ping, then buildInfo); one more interval is slack for GC and load. */
  private Instant deadlineAfter(Duration delay) {
    return clock.instant().plus(delay).plus(settings.timeout().multipliedBy(2)).plus(settings.interval());
  }

  /** Stops the loop and closes the probe (its client) within about {@code bound}. */
  public void close(Duration bound) {
    closed = true;
    // Close the probe first: that fails an in-flight check fast, so the loop thread ends promptly.
    probe.close();
    scheduler.close(bound);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
