package io.mongosteward.mongo;

import io.mongosteward.testsupport.Engines;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import eu.rekawek.toxiproxy.Proxy;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real proxy cuts the connection in the middle of an apply; the retries converge. */
class ConnectionCutIT {
  private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
  private Proxy proxy;

  @AfterEach
  void tearDown() throws IOException {
    faults.shutdownNow();
    if (proxy != null) proxy.delete();
  }

  static ClientOptions shortTimeouts() {
    ClientOptions o = new ClientOptions();
    o.setConnectTimeoutMS(500);
    o.setSocketTimeoutMS(1000);
    o.setServerSelectionTimeoutMS(500);
    return o;
  }

  static Retrier patientRetrier() {
    return new Retrier(new RetryPolicy(12, Duration.ofMillis(100), Duration.ofMillis(800), 2.0), Redactor.none());
  }

  static final String THREE_COLLECTIONS = """
      collections:
        - name: a
          indexes: [{name: x_1, keys: [{field: x}]}]
        - name: b
          indexes: [{name: y_1, keys: [{field: y}]}]
        - name: c
          indexes: [{name: z_1, keys: [{field: z}]}]
      """;

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void applyCutAfterTheFirstCreateIndexesIsRetriedAndConverges(MongoBackend backend) {
    proxy = Toxiproxy.proxy("cut", backend.uri().substring("mongodb://".length()));
    AtomicBoolean cut = new AtomicBoolean();
    AtomicInteger failed = new AtomicInteger();
    CommandListener cutter = new CommandListener() {
      @Override
      public void commandSucceeded(CommandSucceededEvent event) {
        if (event.getCommandName().equals("createIndexes") && cut.compareAndSet(false, true)) {
          setEnabled(false);
          faults.schedule(() -> setEnabled(true), 1500, TimeUnit.MILLISECONDS);
        }
      }

      @Override
      public void commandFailed(CommandFailedEvent event) {
        failed.incrementAndGet();
      }
    };
    Retrier retrier = patientRetrier();
    try (ClientRegistry clients = new ClientRegistry(retrier, List.of(cutter))) {
      MongoClient client = clients.connect(MongoUri.parse(Toxiproxy.uriOf(proxy)), shortTimeouts());
      MongoDatabase db = client.getDatabase("it_cut_" + System.nanoTime());
      SchemaEngine engine = new SchemaEngine(retrier);

      SyncResult result = engine.sync(db, SchemaEngineIT.spec(db, THREE_COLLECTIONS), Engines.APPLY);

      assertThat(cut).isTrue();
      assertThat(failed.get()).as("commands failed while the connection was cut").isPositive();
      assertThat(result.outcomes()).allMatch(Outcome::applied)
          .filteredOn(o -> o.action().type() == io.mongosteward.plan.ActionType.CreateIndex).hasSize(3);
      assertThat(result.converged()).isTrue();
      assertThat(engine.plan(db, SchemaEngineIT.spec(db, THREE_COLLECTIONS), Engines.OWNER).actions()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void firstPingIsRetriedUntilTheServerIsReachable(MongoBackend backend) {
    proxy = Toxiproxy.proxy("start", backend.uri().substring("mongodb://".length()));
    setEnabled(false);
    faults.schedule(() -> setEnabled(true), 1500, TimeUnit.MILLISECONDS);
    AtomicInteger waits = new AtomicInteger();
    Retrier counting = new Retrier(new RetryPolicy(12, Duration.ofMillis(100), Duration.ofMillis(800), 2.0),
        d -> {
          waits.incrementAndGet();
          Thread.sleep(d.toMillis());
        }, () -> 1.0, Redactor.none());
    long start = System.nanoTime();
    try (ClientRegistry clients = new ClientRegistry(counting)) {
      MongoClient client = clients.connect(MongoUri.parse(Toxiproxy.uriOf(proxy)), shortTimeouts());
      assertThat(client.getDatabase("admin").runCommand(new org.bson.Document("ping", 1)).get("ok")).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
      // Each failed attempt took at most 500 ms of server selection: reaching the server after
      // 1.5 s took retries, and each retry waited its backoff first.
      assertThat(waits.get()).as("retries of the first ping").isGreaterThanOrEqualTo(1);
    }
  }

  private void setEnabled(boolean enabled) {
    try {
      if (enabled) proxy.enable();
      else proxy.disable();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
