package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.failure.Failure;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SilentServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** One client per key, and no key's connect waits for another's. */
class ClientRegistryIT {
  private static ClientOptions selection(int millis) {
    ClientOptions o = new ClientOptions();
    o.setServerSelectionTimeoutMS(millis);
    return o;
  }

  @Test
  void aSilentDatabaseDoesNotDelayTheConnectOfAHealthyOne() throws Exception {
    // Before: the first ping and its retries ran under a registry-wide lock, so the healthy
    // connect waited out every attempt at the silent one (90 s in the reported case).
    Retrier retrier = new Retrier(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200), 2.0), Redactor.none());
    try (SilentServer silent = new SilentServer(); ClientRegistry registry = new ClientRegistry(retrier)) {
      MongoUri silentUri = MongoUri.parse(silent.uri());
      CompletableFuture<Object> stuck = CompletableFuture.supplyAsync(() -> registry.connect(silentUri, selection(3000)));
      CompletableFuture<Object> sameKey = new CompletableFuture<>();
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.size() == 1 && silent.connections() > 0);
      CompletableFuture.runAsync(() -> {
        try {
          sameKey.complete(registry.connect(silentUri, selection(3000)));
        } catch (RuntimeException e) {
          sameKey.completeExceptionally(e);
        }
      });

      long start = System.nanoTime();
      var healthy = registry.connect(MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri()), null);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(healthy.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).isNotNull();
      assertThat(took).as("the healthy connect, while the silent one is still trying").isLessThan(Duration.ofSeconds(2));
      assertThat(stuck).as("still trying").isNotDone();

      // The silent one fails on its own, bounded; a caller of the same key shares that one attempt.
      Throwable failure = catchCause(stuck);
      assertThat(failure).isInstanceOf(Failure.Transient.class).hasMessageContaining("ping");
      assertThat(catchCause(sameKey)).isSameAs(failure);
      assertThat(registry.size()).as("a failed connect is forgotten, the healthy client kept").isEqualTo(1);
    }
  }

  @Test
  void aHeldClientThatIsLetGoStaysOpenUntilItsLastHoldEnds() throws Exception {
    Retrier retrier = new Retrier(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200), 2.0), Redactor.none());
    try (ClientRegistry registry = new ClientRegistry(retrier)) {
      MongoUri uri = MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri());
      var client = registry.connect(uri, null);
      AutoCloseable build = registry.hold(client);
      AutoCloseable other = registry.hold(client);

      registry.retainOnly(java.util.Set.of()); // its Secret rotated: no one wants it any more
      assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).as("still open").isNotNull();
      assertThat(registry.size()).as("a held client counts as open").isEqualTo(1);
      build.close();
      build.close(); // twice: released once
      assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).isNotNull();

      other.close();
      assertThat(registry.size()).isZero();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.getDatabase("admin")
          .runCommand(new Document("ping", 1))).as("closed with its last hold").isInstanceOf(IllegalStateException.class);
    }
  }

  private static Throwable catchCause(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    }
  }
}
