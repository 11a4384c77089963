package io.mongosteward.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import java.time.Duration;
import java.util.List;

/**
 * The MongoDB side of a process, wired once: one retry policy, the clients, the engine. The CLI,
 * the operator, the demo and the tests all build it here, so they differ only in the policy.
 */
public final class MongoSessions implements AutoCloseable {
  private final Retrier retrier;
  private final ClientRegistry clients;
  private final SchemaEngine engine;

  public MongoSessions(RetryPolicy policy, Redactor redactor, List<CommandListener> listeners) {
    this.retrier = new Retrier(policy, redactor);
    this.clients = new ClientRegistry(retrier, listeners);
    this.engine = new SchemaEngine(retrier);
  }

  /** A person waits: attempts as asked, backoff from 200 ms to 5 s. */
  public static MongoSessions interactive(int attempts, Redactor redactor) {
    return new MongoSessions(new RetryPolicy(attempts, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0), redactor,
        List.of());
  }

  /** Inside a reconcile, a few quick attempts: longer waits are the framework's retry. */
  public static MongoSessions operator(int attempts) {
    return operator(attempts, List.of());
  }

  /** @param listeners told every command the operator's clients send (tests count them) */
  public static MongoSessions operator(int attempts, List<CommandListener> listeners) {
    return new MongoSessions(new RetryPolicy(attempts, Duration.ofMillis(200), Duration.ofSeconds(2), 2.0),
        Redactor.none(), listeners);
  }

  /** A connected database, its client shared with every other session of the same URI and options. */
  public MongoDatabase open(MongoUri uri, ClientOptions options, String database) {
    return open(uri, options, null, database);
  }

  /** @param tls TLS with this material whatever the URI says; null to follow the URI */
  public MongoDatabase open(MongoUri uri, ClientOptions options, TlsMaterial tls, String database) {
    return clients.connect(uri, options, tls).getDatabase(database);
  }

  public ClientRegistry clients() {
    return clients;
  }

  /** The retry policy every operation of this process goes through: the migrations' runner takes it too. */
  public Retrier retrier() {
    return retrier;
  }

  public SchemaEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    clients.close();
  }
}
