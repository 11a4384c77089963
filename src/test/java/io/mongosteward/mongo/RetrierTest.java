package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import io.mongosteward.failure.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final List<Duration> waits = new ArrayList<>();

  private Retrier retrier(int attempts, double jitter) {
    return new Retrier(new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0),
        waits::add, () -> jitter, Redactor.none());
  }

  static MongoCommandException commandError(int code) {
    return new MongoCommandException(BsonDocument.parse("{ok: 0, code: " + code + ", errmsg: 'boom', codeName: 'X'}"),
        new ServerAddress());
  }

  @Test
  void transientErrorsAreRetriedWithExponentialBackoffUpToTheCeiling() {
    AtomicInteger calls = new AtomicInteger();
    String result = retrier(6, 1.0).call(Op.of("op", ""), () -> {
      if (calls.incrementAndGet() < 6) throw new MongoSocketReadException("reset", new ServerAddress());
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(waits).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 800L, 1000L);
  }

  @Test
  void jitterScalesTheWaitDown() {
    AtomicInteger calls = new AtomicInteger();
    retrier(3, 0.5).call(Op.of("op", ""), () -> {
      if (calls.incrementAndGet() < 3) throw commandError(10107);
      return null;
    });
    assertThat(waits).extracting(Duration::toMillis).containsExactly(50L, 100L);
  }

  @Test
  void attemptsAreBounded() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retrier(3, 1.0).call(Op.of("op", ""), () -> {
      calls.incrementAndGet();
      throw commandError(91);
    })).isInstanceOf(Failure.Transient.class).hasMessageContaining("code 91");
    assertThat(calls).hasValue(3);
    assertThat(waits).hasSize(2);
  }

  @Test
  void permanentErrorsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retrier(5, 1.0).call(Op.of("op", ""), () -> {
      calls.incrementAndGet();
      throw commandError(11000);
    })).isInstanceOfSatisfying(Failure.Permanent.class, f -> assertThat(f.code()).isEqualTo(11000));
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void policyRejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 2))
        .hasMessageContaining("maxAttempts");
  }
}
