package io.mongosteward.sidecar;

import com.mongodb.event.CommandListener;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.health.Probe;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Pinger;
import io.mongosteward.mongo.TlsMaterial;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The sidecar's probe: a MongoDB ping through {@link Pinger}, which does all the driver work. The
 * connection string and the TLS material are asked for before each ping; when either changes (a
 * rotated Secret, see {@link UriFile} and {@link TlsFiles}), the next ping goes through a new
 * client and the old client is closed.
 */
public final class MongoProbe implements Probe {
  /** Every reason a ping can fail with, so the failure counter shows each series from the start. */
  public static final List<String> REASONS = Arrays.stream(Pinger.Failure.values()).map(Pinger.Failure::label).toList();

  private final Supplier<MongoUri> uris;
  private final Supplier<TlsMaterial> tls;
  private final ClientOptions options;
  private final Duration timeout;
  private final List<CommandListener> listeners;
  private MongoUri uri;
  private TlsMaterial material;
  private Pinger pinger;
  private boolean closed;

  /**
   * @param uris the connection string; it must give the same instance while the string is unchanged
   * @param timeout the bound on each ping, server selection and connection included
   * @param listeners command listeners (tests count the pings that leave the process with one)
   */
  public MongoProbe(Supplier<MongoUri> uris, ClientOptions options, Duration timeout, List<CommandListener> listeners) {
    this(uris, () -> null, options, timeout, listeners);
  }

  /**
   * @param tls the TLS material, null for TLS as the URI says; like {@code uris}, the same instance
   *     while unchanged (see {@link TlsFiles}): a new one makes a new client
   */
  public MongoProbe(Supplier<MongoUri> uris, Supplier<TlsMaterial> tls, ClientOptions options, Duration timeout,
      List<CommandListener> listeners) {
    this.uris = uris;
    this.tls = tls;
    this.options = options;
    this.timeout = timeout;
    this.listeners = List.copyOf(listeners);
    this.uri = uris.get();
    this.material = tls.get();
  }

  @Override
  public Sample check() {
    try {
      Pinger.Pong pong = pinger().ping();
      return new Sample(pong.latency(), pong.serverVersion());
    } catch (Pinger.PingFailedException e) {
      throw new Failure(e.failure().label(), e.getMessage());
    }
  }

  /** The pinger for the current connection string; a ping runs outside the lock, so close never waits on one. */
  private synchronized Pinger pinger() {
    if (closed) {
      throw new Failure(Pinger.Failure.CLIENT.label(), "the probe is closed");
    }
    MongoUri current = uris.get();
    TlsMaterial currentTls = tls.get();
    if (pinger == null || current != uri || currentTls != material) {
      if (pinger != null) {
        pinger.close();
      }
      uri = current;
      material = currentTls;
      pinger = new Pinger(current, options, currentTls, timeout, listeners);
    }
    return pinger;
  }

  /** The TLS files' problem while the last good material is kept (see {@link TlsFiles#warning()}). */
  @Override
  public String warning() {
    return tls instanceof TlsFiles files ? files.warning() : null;
  }

  @Override
  public synchronized String target() {
    return uri.redacted();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pinger != null) {
      pinger.close();
    }
  }
}
