package io.mongosteward.mongo;

import io.mongosteward.failure.Failure;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an operation, retrying transient MongoDB errors under a {@link RetryPolicy}. What it
 * finally throws is always a {@link Failure}, classified once, here.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Waits between attempts; a fake in unit tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final Redactor redactor;

  public Retrier(RetryPolicy policy, Redactor redactor) {
    this(policy, d -> Thread.sleep(d.toMillis()), () -> ThreadLocalRandom.current().nextDouble(), redactor);
  }

  public Retrier(RetryPolicy policy, Sleeper sleeper, DoubleSupplier random, Redactor redactor) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.redactor = redactor;
  }

  public Retrier withRedactor(Redactor other) {
    return new Retrier(policy, sleeper, random, other);
  }

  /**
   * @param op the operation, for logs and for the error's message
   * @throws Failure when the error is not transient, or attempts are exhausted
   */
  public <T> T call(Op op, Callable<T> operation) {
    for (int attempt = 1; ; attempt++) {
      try {
        return operation.call();
      } catch (Exception e) {
        Failure failure = ErrorClassifier.classify(e, op, redactor);
        if (!(failure instanceof Failure.Transient)) {
          throw failure;
        }
        if (attempt >= policy.maxAttempts()) {
          throw attempt == 1 ? failure : new Failure.Transient(failure.reason(), failure.getMessage()
              + " (gave up after " + attempt + " attempts)");
        }
        Duration wait = Duration.ofMillis((long) (policy.ceilingFor(attempt).toMillis() * random.getAsDouble()));
        // The failure's message starts with the operation.
        LOG.warn("transient error on attempt {}/{}, retrying in {} ms: {}", attempt, policy.maxAttempts(),
            wait.toMillis(), failure.getMessage());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw failure;
        }
      }
    }
  }

  public void run(Op op, Runnable operation) {
    call(op, () -> {
      operation.run();
      return null;
    });
  }
}
