package io.mongosteward.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MongoClient per connection string and options per process (the review's Low 3), built
 * with the spec's clientOptions, and closed with the registry or when no one uses it any more.
 * Creating a client and its first ping are retried with backoff (the review's High 1).
 */
public final class ClientRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

  private final Retrier retrier;
  private final List<CommandListener> listeners;
  private final Map<Key, MongoClient> clients = new ConcurrentHashMap<>();

  public ClientRegistry(Retrier retrier) {
    this(retrier, List.of());
  }

  public ClientRegistry(Retrier retrier, List<CommandListener> listeners) {
    this.retrier = retrier;
    this.listeners = List.copyOf(listeners);
  }

  private record Key(String uri, Options options) {}

  private record Options(Integer maxPool, Integer minPool, Integer connect, Integer socket, Integer selection,
      Integer waitQueue) {
    static Options of(ClientOptions o) {
      return o == null ? new Options(null, null, null, null, null, null)
          : new Options(o.getMaxPoolSize(), o.getMinPoolSize(), o.getConnectTimeoutMS(), o.getSocketTimeoutMS(),
              o.getServerSelectionTimeoutMS(), o.getWaitQueueTimeoutMS());
    }
  }

  /** A connected client: created on first use, its first ping retried; shared afterwards. */
  public MongoClient connect(MongoUri uri, ClientOptions options) {
    Key key = new Key(uri.connectionString().getConnectionString(), Options.of(options));
    MongoClient existing = clients.get(key);
    if (existing != null) {
      return existing;
    }
    Retrier scoped = retrier.withRedactor(uri.redactor());
    synchronized (this) {
      MongoClient client = clients.get(key);
      if (client == null) {
        long start = System.nanoTime();
        client = MongoClients.create(settings(uri, options));
        MongoClient created = client;
        try {
          scoped.run("first ping " + uri.redacted(), () -> created.getDatabase("admin").runCommand(new Document("ping", 1)));
        } catch (RuntimeException e) {
          client.close();
          throw e;
        }
        LOG.info("connected to {} in {} ms", uri.redacted(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        clients.put(key, client);
      }
      return client;
    }
  }

  /** Closes and forgets the clients whose connection strings are not in {@code inUse}. */
  public void retainOnly(java.util.Set<String> inUse) {
    for (var it = clients.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!inUse.contains(e.getKey().uri())) {
        it.remove();
        e.getValue().close();
      }
    }
  }

  public int size() {
    return clients.size();
  }

  MongoClientSettings settings(MongoUri uri, ClientOptions o) {
    return settingsFor(uri, o, listeners);
  }

  /** The one mapping of a URI and clientOptions to driver settings, for every client the project makes. */
  static MongoClientSettings settingsFor(MongoUri uri, ClientOptions o, List<CommandListener> listeners) {
    MongoClientSettings.Builder b = MongoClientSettings.builder().applyConnectionString(uri.connectionString())
        .applicationName(Objects.requireNonNullElse(uri.connectionString().getApplicationName(), "mongo-steward"));
    if (o != null) {
      b.applyToConnectionPoolSettings(p -> {
        if (o.getMaxPoolSize() != null) p.maxSize(o.getMaxPoolSize());
        if (o.getMinPoolSize() != null) p.minSize(o.getMinPoolSize());
        if (o.getWaitQueueTimeoutMS() != null) p.maxWaitTime(o.getWaitQueueTimeoutMS(), TimeUnit.MILLISECONDS);
      });
      b.applyToSocketSettings(s -> {
        if (o.getConnectTimeoutMS() != null) s.connectTimeout(o.getConnectTimeoutMS(), TimeUnit.MILLISECONDS);
        if (o.getSocketTimeoutMS() != null) s.readTimeout(o.getSocketTimeoutMS(), TimeUnit.MILLISECONDS);
      });
      b.applyToClusterSettings(c -> {
        if (o.getServerSelectionTimeoutMS() != null) {
          c.serverSelectionTimeout(o.getServerSelectionTimeoutMS(), TimeUnit.MILLISECONDS);
        }
      });
    }
    listeners.forEach(b::addCommandListener);
    return b.build();
  }

  @Override
  public void close() {
    clients.values().forEach(MongoClient::close);
    clients.clear();
  }
}
