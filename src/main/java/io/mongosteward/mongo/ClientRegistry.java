package io.mongosteward.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MongoClient per connection string and options per process (a client is a pool: one per schema would multiply connections), built
 * with the spec's clientOptions, and closed with the registry or when no one uses it any more.
 * Creating a client and its first ping are retried with backoff (a first connection meets the same transient failures as any operation).
 *
 * <p>No I/O runs under a lock shared by all keys: each key's first connect is a future that
 * only callers of that same key wait for, so one unreachable database never delays another.
 */
public final class ClientRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

  private final Retrier retrier;
  private final List<CommandListener> listeners;
  private final ConcurrentHashMap<Key, CompletableFuture<MongoClient>> clients = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();
  /**
   * Holds on clients by identity: a client that is no longer wanted (a rotated Secret) but still
   * held (a running index build) retires, and closes when the last hold ends, so that rotating a
   * Secret never cuts a build short. Guarded by itself; no I/O under it.
   */
  private final Map<MongoClient, Integer> holds = new IdentityHashMap<>();
  private final Set<MongoClient> retiring = Collections.newSetFromMap(new IdentityHashMap<>());

  public ClientRegistry(Retrier retrier) {
    this(retrier, List.of());
  }

  public ClientRegistry(Retrier retrier, List<CommandListener> listeners) {
    this.retrier = retrier;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * What makes two clients the same: the connection string, every option that shapes the client,
   * and the TLS material (null: as the URI says). Printed without the password or any TLS content.
   */
  public record Key(String uri, Options options, TlsMaterial tls) {
    @Override
    public String toString() {
      return "Key[" + Redactor.scrubUris(uri) + ", " + options + ", tls=" + tls + "]";
    }
  }

  record Options(Integer maxPool, Integer minPool, Integer connect, Integer socket, Integer selection,
      Integer waitQueue, Long timeout) {
    static Options of(ClientOptions o) {
      return o == null ? new Options(null, null, null, null, null, null, null)
          : new Options(o.getMaxPoolSize(), o.getMinPoolSize(), o.getConnectTimeoutMS(), o.getSocketTimeoutMS(),
              o.getServerSelectionTimeoutMS(), o.getWaitQueueTimeoutMS(), o.getTimeoutMS());
    }
  }

  public static Key keyOf(MongoUri uri, ClientOptions options) {
    return keyOf(uri, options, null);
  }

  public static Key keyOf(MongoUri uri, ClientOptions options, TlsMaterial tls) {
    return new Key(uri.connectionString().getConnectionString(), Options.of(options), tls);
  }

  /**
   * A connected client: created on first use, its first ping retried; shared afterwards. Callers
   * of the same key wait for one connect; callers of other keys do not wait at all.
   *
   * @throws io.mongosteward.failure.Failure when the first ping fails for good
   */
  public MongoClient connect(MongoUri uri, ClientOptions options) {
    return connect(uri, options, null);
  }

  /**
   * @param tls TLS to use whatever the URI says, with this material; null to follow the URI
   * @throws io.mongosteward.failure.Failure TLSHandshakeFailed (transient: retried with backoff)
   *     when the server could not be reached because its TLS handshake failed
   */
  public MongoClient connect(MongoUri uri, ClientOptions options, TlsMaterial tls) {
    Key key = keyOf(uri, options, tls);
    CompletableFuture<MongoClient> mine = new CompletableFuture<>();
    CompletableFuture<MongoClient> existing = clients.putIfAbsent(key, mine);
    if (existing != null) {
      try {
        return existing.join();
      } catch (CompletionException e) {
        // That connect failed and was forgotten: this caller gets the same answer.
        throw (RuntimeException) e.getCause();
      }
    }
    long start = System.nanoTime();
    MongoClient client;
    try {
      client = MongoClients.create(settingsFor(uri, options, tls, listeners));
    } catch (RuntimeException e) {
      clients.remove(key, mine);
      mine.completeExceptionally(e);
      throw e;
    }
    created.incrementAndGet();
    try {
      retrier.withRedactor(uri.redactor()).run(Op.of("ping", ""),
          () -> client.getDatabase("admin").runCommand(new Document("ping", 1)));
    } catch (RuntimeException e) {
      // A server selection that timed out says only that; the driver's monitor saw the handshake fail.
      RuntimeException why = ErrorClassifier.tlsFailure(client, uri.redactor(),
          tls != null || Boolean.TRUE.equals(uri.connectionString().getSslEnabled())).map(RuntimeException.class::cast)
          .orElse(e);
      clients.remove(key, mine);
      client.close();
      mine.completeExceptionally(why);
      throw why;
    }
    LOG.info("connected to {}{} in {} ms", uri.redacted(), tls == null ? "" : " over TLS",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    mine.complete(client);
    return client;
  }

  /** Forgets the clients whose keys are not in {@code inUse}, and closes them once no one holds them. */
  public void retainOnly(Set<Key> inUse) {
    clients.forEach((key, future) -> {
      if (!inUse.contains(key) && clients.remove(key, future)) {
        future.thenAccept(this::retire);
      }
    });
  }

  /**
   * Keeps {@code client} open until the returned hold is closed, even if {@link #retainOnly} lets it
   * go meanwhile: for work that must end on the client it started on (an index build).
   */
  public AutoCloseable hold(MongoClient client) {
    synchronized (holds) {
      holds.merge(client, 1, Integer::sum);
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      boolean close;
      synchronized (holds) {
        int left = holds.merge(client, -1, Integer::sum);
        if (left <= 0) {
          holds.remove(client);
        }
        close = left <= 0 && retiring.remove(client);
      }
      if (close) {
        LOG.info("closing a replaced client now that the work it held has ended");
        client.close();
      }
    };
  }

  private void retire(MongoClient client) {
    synchronized (holds) {
      if (holds.containsKey(client)) {
        retiring.add(client);
        return;
      }
    }
    client.close();
  }

  /** Clients created since the start, failed connects included: a rotation shows as one more. */
  public int created() {
    return created.get();
  }

  /** Open clients, a connect in progress and replaced ones still held included. */
  public int size() {
    synchronized (holds) {
      return clients.size() + retiring.size();
    }
  }

  MongoClientSettings settings(MongoUri uri, ClientOptions o) {
    return settingsFor(uri, o, null, listeners);
  }

  /**
   * The one mapping of a URI and clientOptions to driver settings, for every client the project
   * makes. Every operation is bounded (timeoutMS) unless the URI sets its own bound.
   */
  static MongoClientSettings settingsFor(MongoUri uri, ClientOptions o, TlsMaterial tls,
      List<CommandListener> listeners) {
    MongoClientSettings.Builder b = MongoClientSettings.builder().applyConnectionString(uri.connectionString())
        .applicationName(Objects.requireNonNullElse(uri.connectionString().getApplicationName(), "mongo-steward"));
    if (o == null || o.getTimeoutMS() == null) {
      if (uri.connectionString().getTimeout() == null) {
        b.timeout(Timeouts.DEFAULT_OPERATION.toMillis(), TimeUnit.MILLISECONDS);
      }
    } else {
      b.timeout(o.getTimeoutMS(), TimeUnit.MILLISECONDS);
    }
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
    if (tls != null) {
      // The material was checked where it was read, with names for its parts; built again here, in memory.
      SSLContext context = TlsContexts.build(tls, new TlsContexts.Names("the CA", "the client certificate",
          "the client key"));
      b.applyToSslSettings(s -> s.enabled(true).context(context).invalidHostNameAllowed(tls.insecureSkipVerify()));
    }
    listeners.forEach(b::addCommandListener);
    return b.build();
  }

  /** Closes every client, held ones too: the process is stopping. */
  @Override
  public void close() {
    retainOnly(Set.of());
    List<MongoClient> held;
    synchronized (holds) {
      held = List.copyOf(retiring);
      retiring.clear();
    }
    held.forEach(MongoClient::close);
  }
}
