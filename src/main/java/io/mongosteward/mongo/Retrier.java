package io.mongosteward.mongo;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an operation, retrying transient MongoDB errors under a {@link RetryPolicy}. */
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
   * @param what a short identifier for logs, such as "createIndexes posts"
   * @throws RuntimeException the last error, when it is permanent or attempts are exhausted
   */
  public <T> T call(String what, Callable<T> operation) {
    for (int attempt = 1; ; attempt++) {
      try {
        return operation.call();
      } catch (RuntimeException e) {
        if (!ErrorClassifier.isTransient(e) || attempt >= policy.maxAttempts()) {
          throw e;
        }
        Duration wait = Duration.ofMillis((long) (policy.ceilingFor(attempt).toMillis() * random.getAsDouble()));
        LOG.warn("{}: transient error on attempt {}/{}, retrying in {} ms: {}", what, attempt, policy.maxAttempts(),
            wait.toMillis(), ErrorClassifier.describe(e, redactor));
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public void run(String what, Runnable operation) {
    call(what, () -> {
      operation.run();
      return null;
    });
  }
}
