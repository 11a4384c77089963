package io.mongosteward.sidecar;

import io.mongosteward.mongo.MongoUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection string in a file, such as a mounted Secret, read again each time it is asked for
 * (before each ping). The kubelet replaces a mounted Secret's files when the Secret changes, so a
 * rotated password reaches the sidecar at its next ping, without a restart. The file is small and
 * read once per interval: cheaper to read than to watch (a Secret volume changes by a symlink swap,
 * which file watchers see unreliably).
 *
 * <p>A file that cannot be read, or does not hold a valid connection string, leaves the last good
 * one in use, with a warning each time the file turns bad.
 */
public final class UriFile implements Supplier<MongoUri> {
  private static final Logger LOG = LoggerFactory.getLogger(UriFile.class);

  private final Path path;
  private final String name;
  private MongoUri uri;
  /** The file's content behind {@link #uri}. */
  private String good;
  /** What was last warned about (bad content, or a read error), so that each is warned about once. */
  private String warned;

  /**
   * @param name where the path came from, for logs: --mongo-uri-file or MONGODB_URI_FILE
   * @param initial the connection string read from it at start
   */
  public UriFile(Path path, String name, MongoUri initial) {
    this.path = path;
    this.name = name;
    this.uri = initial;
  }

  /** The current connection string: the same instance while it is unchanged. */
  @Override
  public synchronized MongoUri get() {
    String now;
    try {
      now = Files.readString(path).strip();
    } catch (IOException e) {
      warnOnce(e.getClass().getName(), "cannot read it (" + e.getClass().getSimpleName() + ")");
      return uri;
    }
    if (now.equals(good)) {
      warned = null;
      return uri;
    }
    if (now.equals(warned)) {
      return uri;
    }
    try {
      MongoUri parsed = MongoUri.parse(now);
      good = now;
      warned = null;
      if (!same(parsed, uri)) {
        uri = parsed;
        LOG.info("{} {} changed: pinging {} from now on, with a new client", name, path, parsed.redacted());
      }
    } catch (MongoUri.InvalidMongoUriException e) {
      // The parser's message never quotes the user-info.
      warnOnce(now, "not a valid MongoDB connection string: " + e.getMessage());
    }
    return uri;
  }

  private static boolean same(MongoUri a, MongoUri b) {
    return a.connectionString().getConnectionString().equals(b.connectionString().getConnectionString());
  }

  private void warnOnce(String what, String problem) {
    if (!what.equals(warned)) {
      warned = what;
      LOG.warn("{} {}: {}; still pinging {}", name, path, problem, uri.redacted());
    }
  }
}
