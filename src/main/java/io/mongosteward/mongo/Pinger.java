package io.mongosteward.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoSocketWriteTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The sidecar's only contact with MongoDB: a {@code ping}, preceded by a {@code buildInfo} after
 * each (re)connection, each bounded by a timeout through the driver's client-side operation timeout,
 * which also bounds server selection and connection checkout. Unlike {@link ClientRegistry#connect}
 * it never retries nor throws at creation: the caller's loop owns the schedule, so MongoDB being
 * down at start is just a failed ping.
 *
 * <p>Not thread-safe for concurrent {@link #ping()} calls (one loop calls it); {@link #close()} may
 * come from any thread and makes an in-flight ping fail fast.
 */
public final class Pinger implements AutoCloseable {
  private static final Document PING = new Document("ping", 1);
  private static final Document BUILD_INFO = new Document("buildInfo", 1);
  /** Errors are shown in /health and logs: long cluster descriptions are cut here. */
  private static final int MAX_ERROR_CHARS = 400;

  /** A successful ping: its round trip, and the server version when known. */
  public record Pong(Duration latency, String serverVersion) {}

  /** Why a ping failed, as a small fixed set fit for a metric tag. */
  public enum Failure {
    TIMEOUT, NETWORK, AUTH, SERVER, CLIENT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Failure of(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof MongoOperationTimeoutException || c instanceof MongoTimeoutException
            || c instanceof MongoSocketReadTimeoutException || c instanceof MongoSocketWriteTimeoutException
            || c instanceof MongoExecutionTimeoutException) {
          return TIMEOUT;
        }
        if (ErrorClassifier.isAuthentication(c)) {
          return AUTH;
        }
        if (c instanceof MongoSocketException) {
          return NETWORK;
        }
        if (c instanceof MongoCommandException) {
          return SERVER;
        }
      }
      return CLIENT;
    }
  }

  /** A failed ping; the message is already free of credentials. */
  public static final class PingFailedException extends RuntimeException {
    private final Failure failure;

    PingFailedException(Failure failure, String message) {
      super(message, null, false, false);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  private final MongoUri uri;
  private final ClientOptions options;
  private final long timeoutMillis;
  private final List<CommandListener> listeners;
  private volatile MongoClient client;
  private volatile boolean closed;
  private boolean versionWanted = true;
  private String serverVersion;

  /**
   * @param timeout the bound on each command, server selection and connection checkout included
   * @param listeners command listeners (tests count the pings that leave the process with one)
   */
  public Pinger(MongoUri uri, ClientOptions options, Duration timeout, List<CommandListener> listeners) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the ping timeout must be positive");
    }
    this.uri = uri;
    this.options = options;
    this.timeoutMillis = timeout.toMillis();
    this.listeners = List.copyOf(listeners);
  }

  /**
   * One ping. Creates the client on first use (and after a failed creation).
   *
   * @throws PingFailedException with a failure kind and a scrubbed message
   */
  public Pong ping() {
    try {
      MongoDatabase admin = client().getDatabase("admin").withTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
      if (versionWanted) {
        // First on a new connection: it pays the handshake, so the ping below measures a round trip.
        serverVersion = buildVersion(admin);
        versionWanted = false;
      }
      long start = System.nanoTime();
      admin.runCommand(PING);
      return new Pong(Duration.ofNanos(System.nanoTime() - start), serverVersion);
    } catch (RuntimeException e) {
      // Ask again after a failure: the server behind the URI may have been replaced or upgraded.
      versionWanted = true;
      throw new PingFailedException(Failure.of(e), describe(e));
    }
  }

  private MongoClient client() {
    MongoClient c = client;
    if (c != null) {
      return c;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the pinger is closed");
      }
      if (client == null) {
        client = MongoClients.create(settings());
      }
      return client;
    }
  }

  MongoClientSettings settings() {
    return ClientRegistry.settingsFor(uri, options, listeners);
  }

  private String buildVersion(MongoDatabase admin) {
    try {
      return admin.runCommand(BUILD_INFO).getString("version");
    } catch (MongoCommandException | ClassCastException e) {
      return null; // a server that refuses buildInfo is still up; /health just shows no version
    }
  }

  private String describe(RuntimeException e) {
    String text = closed ? "the pinger is closed" : ErrorClassifier.describe(e, uri.redactor());
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
  }

  @Override
  public void close() {
    MongoClient c;
    synchronized (this) {
      closed = true;
      c = client;
      client = null;
    }
    if (c != null) {
      c.close();
    }
  }
}
