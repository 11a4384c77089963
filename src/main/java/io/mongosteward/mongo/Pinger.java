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
import com.mongodb.connection.ServerDescription;
import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import java.net.ConnectException;
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
    /** No answer in time: a silent network, an overloaded server, or no server to select. */
    TIMEOUT,
    /** Nothing listens at the address (the server is down, or the port is wrong). */
    REFUSED,
    NETWORK, AUTH, SERVER, CLIENT,
    /** The TLS handshake failed: an untrusted or wrong server certificate, or a client certificate refused. */
    TLS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Failure of(Throwable t) {
      if (cause(t, ConnectException.class) != null) {
        return REFUSED;
      }
      if (cause(t, javax.net.ssl.SSLException.class) != null) {
        return TLS;
      }
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
  private final TlsMaterial tls;
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
    this(uri, options, null, timeout, listeners);
  }

  /** @param tls TLS to use whatever the URI says, with this material; null to follow the URI */
  public Pinger(MongoUri uri, ClientOptions options, TlsMaterial tls, Duration timeout,
      List<CommandListener> listeners) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the ping timeout must be positive");
    }
    this.uri = uri;
    this.options = options;
    this.tls = tls;
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
      throw failed(e);
    }
  }

  private PingFailedException failed(RuntimeException e) {
    if (closed) {
      return new PingFailedException(Failure.CLIENT, "the pinger is closed");
    }
    Throwable why = e;
    Failure failure = Failure.of(e);
    if (failure == Failure.TIMEOUT) {
      // A server selection that timed out says only that; the driver's monitor knows why.
      Throwable seen = monitorError();
      Failure seenAs = seen == null ? Failure.TIMEOUT : Failure.of(seen);
      if (seenAs != Failure.TIMEOUT) {
        why = seen;
        failure = seenAs;
      }
    }
    String text = why == e && failure != Failure.REFUSED ? ErrorClassifier.describe(e, uri.redactor())
        : uri.redactor().scrub(where(why) + (failure == Failure.REFUSED ? " refused the connection: " : ": ")
            + chain(why));
    String cause = failure == Failure.TLS ? ErrorClassifier.handshakeCause(why) : null;
    if (cause != null) {
      text = cause + " (" + text + ")"; // first: a long chain is cut at the end
    }
    return new PingFailedException(failure, text.length() <= MAX_ERROR_CHARS ? text
        : text.substring(0, MAX_ERROR_CHARS) + "...");
  }

  /** The error every known server was last seen with, or null when one is up or none is known. */
  private Throwable monitorError() {
    MongoClient c = client;
    if (c == null) {
      return null;
    }
    Throwable first = null;
    for (ServerDescription server : c.getClusterDescription().getServerDescriptions()) {
      if (server.getException() == null) {
        return null;
      }
      first = first != null ? first : server.getException();
    }
    return first;
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String where(Throwable t) {
    MongoSocketException socket = cause(t, MongoSocketException.class);
    return socket != null ? socket.getServerAddress().toString() : "the server";
  }

  /** "MongoSocketOpenException: Exception opening socket; ConnectException: Connection refused". */
  private static String chain(Throwable t) {
    StringBuilder text = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      text.append(text.length() == 0 ? "" : "; ").append(c.getClass().getSimpleName()).append(": ")
          .append(c.getMessage());
    }
    return text.toString();
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
    return ClientRegistry.settingsFor(uri, options, tls, listeners);
  }

  private String buildVersion(MongoDatabase admin) {
    try {
      return admin.runCommand(BUILD_INFO).getString("version");
    } catch (MongoCommandException | ClassCastException e) {
      return null; // a server that refuses buildInfo is still up; /health just shows no version
    }
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
