package io.mongosteward.cli;

import io.mongosteward.mongo.EmbeddedMongo;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.mongo.TlsMaterial;
import io.mongosteward.sidecar.TlsFiles;
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
 * that change nothing, an embedded server. TLS material comes from --tls-ca-file, --tls-cert-file
 * and --tls-key-file (or MONGODB_TLS_CA_FILE, MONGODB_TLS_CERT_FILE, MONGODB_TLS_KEY_FILE).
 */
public final class MongoTarget {
  @Option(names = "--mongo-uri", paramLabel = "URI",
      description = "MongoDB connection string, e.g. mongodb://user:pass@host:27017. Prefer --mongo-uri-file or "
          + "MONGODB_URI: a flag is visible in the process list.")
  String uri;

  @Option(names = "--mongo-uri-file", paramLabel = "PATH",
      description = "A file holding the connection string, such as a mounted Secret.")
  Path uriFile;

  @Option(names = "--tls-ca-file", paramLabel = "PATH",
      description = "PEM CA certificates that signed MongoDB's server certificate, instead of the JVM's trust store "
          + "(env MONGODB_TLS_CA_FILE). Any --tls-* turns TLS on, whatever the URI says.")
  Path tlsCaFile;

  @Option(names = "--tls-cert-file", paramLabel = "PATH",
      description = "PEM client certificate to present, for servers that require one (x509); e.g. tls.crt of a "
          + "mounted kubernetes.io/tls Secret (env MONGODB_TLS_CERT_FILE). Needs --tls-key-file.")
  Path tlsCertFile;

  @Option(names = "--tls-key-file", paramLabel = "PATH",
      description = "Its unencrypted PEM private key: PKCS#8, PKCS#1 (RSA) or EC; e.g. tls.key "
          + "(env MONGODB_TLS_KEY_FILE).")
  Path tlsKeyFile;

  /**
   * The resolved target; {@code file} is non-null when the URI was read from a file, {@code embedded}
   * when the CLI started its own server.
   */
  public record Resolved(MongoUri uri, String source, Path file, EmbeddedMongo embedded, TlsMaterial tls,
      TlsFiles.Paths tlsFiles) implements AutoCloseable {
    Resolved(MongoUri uri, String source, Path file, EmbeddedMongo embedded) {
      this(uri, source, file, embedded, null, null);
    }

    Resolved withTls(TlsFiles.Paths paths, TlsMaterial material) {
      return new Resolved(uri, source, file, embedded, material, paths);
    }

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
    TlsFiles.Paths paths = tlsPaths(env);
    Resolved target = resolveUri(env, fromSecret, err, paths.any() ? TLS_NEEDS_MONGODB : whenNone);
    if (!paths.any()) {
      return target;
    }
    try {
      return target.withTls(paths, TlsFiles.read(paths));
    } catch (TlsContexts.InvalidTlsMaterialException e) {
      throw new InputException(e.getMessage());
    }
  }

  /** The TLS files from the flags, else from their variables; a variable set but empty is refused. */
  TlsFiles.Paths tlsPaths(Map<String, String> env) {
    Path ca = tlsPath(tlsCaFile, env, "MONGODB_TLS_CA_FILE");
    Path cert = tlsPath(tlsCertFile, env, "MONGODB_TLS_CERT_FILE");
    Path key = tlsPath(tlsKeyFile, env, "MONGODB_TLS_KEY_FILE");
    return new TlsFiles.Paths(ca, cert, key, new TlsContexts.Names(
        name("--tls-ca-file", tlsCaFile, "MONGODB_TLS_CA_FILE", ca), name("--tls-cert-file", tlsCertFile,
            "MONGODB_TLS_CERT_FILE", cert), name("--tls-key-file", tlsKeyFile, "MONGODB_TLS_KEY_FILE", key)));
  }

  private static Path tlsPath(Path flag, Map<String, String> env, String variable) {
    if (flag != null) {
      return flag;
    }
    String value = variable(env, variable, "the path of a PEM file");
    return value == null ? null : Path.of(value.strip());
  }

  private static String name(String flag, Path fromFlag, String variable, Path path) {
    return path == null ? flag : (fromFlag != null ? flag : variable) + " " + path;
  }

  static final String TLS_NEEDS_MONGODB = "--tls-ca-file, --tls-cert-file and --tls-key-file (or MONGODB_TLS_*) "
      + "need a MongoDB to connect to: give --mongo-uri-file PATH, MONGODB_URI_FILE or MONGODB_URI; the embedded "
      + "server serves no TLS";

  private Resolved resolveUri(Map<String, String> env, Supplier<String> fromSecret, PrintWriter err, String whenNone) {
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
