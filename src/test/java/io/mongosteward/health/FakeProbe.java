package io.mongosteward.health;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/** A probe that plays back scripted outcomes, optionally taking (fake) time, and counts its checks. */
final class FakeProbe implements Probe {
  private final FakeClock clock;
  private final Deque<Supplier<Sample>> script = new ArrayDeque<>();
  int checks;
  boolean closed;

  FakeProbe(FakeClock clock) {
    this.clock = clock;
  }

  FakeProbe ok(Duration latency) {
    script.add(() -> {
      clock.advance(latency);
      return new Sample(latency, "7.0.5");
    });
    return this;
  }

  FakeProbe fail(String reason, String message) {
    script.add(() -> {
      throw new Failure(reason, message);
    });
    return this;
  }

  /** Runs {@code during} (say, a close from another thread) in the middle of the check, then fails. */
  FakeProbe interruptedBy(Runnable during, String reason, String message) {
    script.add(() -> {
      during.run();
      throw new Failure(reason, message);
    });
    return this;
  }

  FakeProbe crash(RuntimeException e) {
    script.add(() -> {
      throw e;
    });
    return this;
  }

  @Override
  public Sample check() {
    checks++;
    if (script.isEmpty()) {
      throw new AssertionError("the probe was called more often than scripted");
    }
    return script.removeFirst().get();
  }

  @Override
  public String target() {
    return "the fake";
  }

  @Override
  public void close() {
    closed = true;
  }
}
