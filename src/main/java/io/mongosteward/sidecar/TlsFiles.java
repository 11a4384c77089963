package io.mongosteward.sidecar;

import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.mongo.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS material from PEM files (--tls-ca-file, --tls-cert-file, --tls-key-file, such as a mounted
 * kubernetes.io/tls Secret), read again each time it is asked for, like {@link UriFile}: a rotated
 * certificate reaches the next ping through a new client, without a restart. Files that cannot be
 * read or parsed leave the last good material in use, with one warning per bad state. The content
 * is held in memory only and never logged.
 */
public final class TlsFiles implements Supplier<TlsMaterial> {
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  /** The paths, each null when not given; {@code names} say where each came from, for messages. */
  public record Paths(Path ca, Path cert, Path key, TlsContexts.Names names) {
    public boolean any() {
      return ca != null || cert != null || key != null;
    }
  }

  private final Paths paths;
  private TlsMaterial material;
  /** The content of the files behind what was last warned about, so that each bad state is warned about once. */
  private TlsMaterial warned;

  public TlsFiles(Paths paths, TlsMaterial initial) {
    this.paths = paths;
    this.material = initial;
  }

  /**
   * Reads and checks the files once.
   *
   * @throws TlsContexts.InvalidTlsMaterialException naming the file (never its content) when one
   *     cannot be read, or is not PEM of its kind, or a certificate comes without its key
   */
  public static TlsMaterial read(Paths paths) {
    if ((paths.cert() == null) != (paths.key() == null)) {
      throw new TlsContexts.InvalidTlsMaterialException(paths.cert() == null
          ? paths.names().key() + " needs its certificate: give the client certificate too"
          : paths.names().cert() + " needs its private key: give the key file too");
    }
    TlsMaterial m = new TlsMaterial(text(paths.ca(), paths.names().ca()), text(paths.cert(), paths.names().cert()),
        text(paths.key(), paths.names().key()), false);
    TlsContexts.build(m, paths.names());
    return m;
  }

  private static String text(Path path, String name) {
    if (path == null) {
      return null;
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new TlsContexts.InvalidTlsMaterialException(name + ": cannot read it (" + e.getClass().getSimpleName()
          + ")");
    }
  }

  /** The current material: the same instance while the files are unchanged. */
  @Override
  public synchronized TlsMaterial get() {
    TlsMaterial now;
    try {
      now = read(paths);
    } catch (TlsContexts.InvalidTlsMaterialException e) {
      String state = e.getMessage();
      TlsMaterial marker = new TlsMaterial(state, null, null, false);
      if (!marker.equals(warned)) {
        warned = marker;
        LOG.warn("{}; still using the TLS material read before", state);
      }
      return material;
    }
    warned = null;
    if (!now.equals(material)) {
      material = now;
      LOG.info("TLS files changed ({}): pinging with a new client from now on", now);
    }
    return material;
  }
}
