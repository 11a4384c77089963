package io.mongosteward.health;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Keeps scheduled tasks until the test runs them, advancing a {@link FakeClock} by each delay. */
final class FakeScheduler implements Scheduler {
  record Task(Runnable runnable, Duration delay) {}

  private final FakeClock clock;
  private final Deque<Task> pending = new ArrayDeque<>();
  final List<Duration> delays = new ArrayList<>();
  boolean closed;

  FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public void schedule(Runnable task, Duration delay) {
    pending.add(new Task(task, delay));
    delays.add(delay);
  }

  @Override
  public void close(Duration bound) {
    closed = true;
    pending.clear();
  }

  int pending() {
    return pending.size();
  }

  /** Waits (on the fake clock) for the next task's delay, then runs it. */
  void runNext() {
    Task t = pending.removeFirst();
    clock.advance(t.delay());
    t.runnable().run();
  }

  Duration lastDelay() {
    return delays.get(delays.size() - 1);
  }
}
