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
 * MONGODB_URI, the Secret the file names (through the current kubeconfig), else an embedded
 * server.
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

  Resolved resolve(Map<String, String> env, Supplier<String> fromSecret, PrintWriter err) {
    if (uri != null) {
      return new Resolved(parse(uri, "--mongo-uri"), "--mongo-uri", null, null);
    }
    if (uriFile != null) {
      return new Resolved(parse(readUriFile(uriFile, "--mongo-uri-file"), "--mongo-uri-file " + uriFile),
          "--mongo-uri-file", uriFile, null);
    }
    String fileFromEnv = env.get("MONGODB_URI_FILE");
    if (!blank(fileFromEnv)) {
      Path path = Path.of(fileFromEnv.strip());
      return new Resolved(parse(readUriFile(path, "MONGODB_URI_FILE"), "MONGODB_URI_FILE " + path), "MONGODB_URI_FILE",
          path, null);
    }
    String fromEnv = env.get("MONGODB_URI");
    if (!blank(fromEnv)) {
      return new Resolved(parse(fromEnv, "MONGODB_URI"), "MONGODB_URI", null, null);
    }
    String secret = fromSecret.get();
    if (secret != null) {
      return new Resolved(parse(secret, "spec.connection.secretRef"), "spec.connection.secretRef", null, null);
    }
    EmbeddedMongo embedded = EmbeddedMongo.start();
    err.println("No --mongo-uri, --mongo-uri-file or MONGODB_URI given: using an embedded MongoDB-compatible server "
        + "(mongo-java-server, in memory) at " + embedded.uri() + ". Its data is gone when the command ends.");
    err.flush();
    return new Resolved(MongoUri.parse(embedded.uri()), "embedded", null, embedded);
  }

  /** Whether any URI source other than the embedded server is given. */
  boolean given(Map<String, String> env) {
    return uri != null || uriFile != null || !blank(env.get("MONGODB_URI")) || !blank(env.get("MONGODB_URI_FILE"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
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
