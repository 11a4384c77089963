package io.mongosteward.cli;

import io.mongosteward.mongo.EmbeddedMongo;
import io.mongosteward.mongo.MongoUri;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Where a command finds MongoDB, in order: --mongo-uri, --mongo-uri-file, MONGODB_URI_FILE,
 * MONGODB_URI, the Secret the file names (through the current kubeconfig), else, for the commands
 * that change nothing, an embedded server.
 */
public final class MongoTarget {
  @Option(names = "--mongo-uri", paramLabel = "URI",
      description = "MongoDB connection string, e.g. mongodb://user:pass@host:27017. Prefer --mongo-uri-file or "
          + "MONGODB_URI: a flag is visible in the process list.")
  String uri;

  @Option(names = "--mongo-uri-file", paramLabel = "PATH",
      description = "A file holding the connection string, such as a mounted Secret.")
  Path uriFile;

  /**
   * The resolved target; {@code file} is non-null when the URI was read from a file, {@code embedded}
   * when the CLI started its own server.
   */
  public record Resolved(MongoUri uri, String source, Path file, EmbeddedMongo embedded) implements AutoCloseable {
    @Override
    public void close() {
      if (embedded != null) embedded.close();
    }
  }

  /**
   * @param whenNone the error when no MongoDB is given, or null to start an embedded server then
   *     (plan and dry runs); apply never changes a throwaway server by itself
   */
  Resolved resolve(Map<String, String> env, Supplier<String> fromSecret, PrintWriter err, String whenNone) {
    if (uri != null) {
      return new Resolved(parse(uri, "--mongo-uri"), "--mongo-uri", null, null);
    }
    if (uriFile != null) {
      return new Resolved(parse(readUriFile(uriFile, "--mongo-uri-file"), "--mongo-uri-file " + uriFile),
          "--mongo-uri-file", uriFile, null);
    }
    String fileFromEnv = variable(env, "MONGODB_URI_FILE", "the path of a file holding the connection string");
    if (fileFromEnv != null) {
      Path path = Path.of(fileFromEnv.strip());
      return new Resolved(parse(readUriFile(path, "MONGODB_URI_FILE"), "MONGODB_URI_FILE " + path), "MONGODB_URI_FILE",
          path, null);
    }
    String fromEnv = variable(env, "MONGODB_URI", "a connection string such as mongodb://host:27017");
    if (fromEnv != null) {
      return new Resolved(parse(fromEnv, "MONGODB_URI"), "MONGODB_URI", null, null);
    }
    String secret = fromSecret.get();
    if (secret != null) {
      return new Resolved(parse(secret, "spec.connection.secretRef"), "spec.connection.secretRef", null, null);
    }
    if (whenNone != null) {
      throw new InputException(whenNone);
    }
    EmbeddedMongo embedded = EmbeddedMongo.start();
    err.println("No --mongo-uri, --mongo-uri-file or MONGODB_URI given: using an embedded MongoDB-compatible server "
        + "(mongo-java-server, in memory) at " + embedded.uri() + ". Its data is gone when the command ends.");
    err.flush();
    return new Resolved(MongoUri.parse(embedded.uri()), "embedded", null, embedded);
  }

  /** Why apply refuses to run without a MongoDB, and how to give one. */
  static final String APPLY_NEEDS_MONGODB = "apply needs a MongoDB to change, and none is given: pass --mongo-uri-file "
      + "PATH (or set MONGODB_URI_FILE), set MONGODB_URI, or name a Secret in spec.connection.secretRef with a "
      + "kubeconfig at hand. To try the file on an embedded, throwaway server, run plan or apply --dry-run";

  /**
   * The variable's value; null when it is not set. Set but empty or blank is a mistake (a Secret
   * not mounted, a CI variable left unfilled), never a reason to look elsewhere.
   */
  private static String variable(Map<String, String> env, String name, String expected) {
    String value = env.get(name);
    if (value != null && value.isBlank()) {
      throw new InputException(name + " is set but empty: give it " + expected + ", or unset it (unset " + name + ")");
    }
    return value;
  }

  /** Whether any URI source other than the embedded server is given; a variable set but empty counts, to be refused. */
  boolean given(Map<String, String> env) {
    return uri != null || uriFile != null || env.containsKey("MONGODB_URI") || env.containsKey("MONGODB_URI_FILE");
  }

  private static String readUriFile(Path path, String source) {
    try {
      return Files.readString(path).strip();
    } catch (IOException e) {
      throw new InputException(source + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static MongoUri parse(String raw, String source) {
    try {
      return MongoUri.parse(raw);
    } catch (MongoUri.InvalidMongoUriException e) {
      throw new InputException(source + ": not a valid MongoDB connection string: " + e.getMessage()
          + " (expected mongodb://[user:password@]host[:port][/database][?options] or mongodb+srv://...)");
    }
  }
}
