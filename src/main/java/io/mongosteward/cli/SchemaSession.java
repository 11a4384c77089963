package io.mongosteward.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.ConnectionSpec;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.SecretKeyRef;
import io.mongosteward.failure.Failure;
import io.mongosteward.kube.SecretUriReader;
import io.mongosteward.mongo.MongoSessions;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.plan.Owner;
import java.nio.file.Path;
import java.util.function.Supplier;

/** What `plan` and `apply` share: the file, the target, one client, the engine; closed together. */
final class SchemaSession implements AutoCloseable {
  final MongoSchema schema;
  final MongoTarget.Resolved target;
  final MongoDatabase database;
  final SchemaEngine engine;
  /** The CLI acts as the schema its file names: namespace/name, without a uid. */
  final Owner owner;
  /** The client, asked by apply whether commitQuorum means anything on the server it found. */
  final MongoClient client;
  private final MongoSessions sessions;

  private SchemaSession(MongoSchema schema, MongoTarget.Resolved target, MongoSessions sessions, MongoClient client) {
    this.schema = schema;
    this.target = target;
    this.sessions = sessions;
    this.database = client.getDatabase(schema.getSpec().getDatabase());
    this.client = client;
    this.engine = sessions.engine();
    this.owner = new Owner(schema.getMetadata().getNamespace(), schema.getMetadata().getName(), null);
  }

  /**
   * @param changes whether the command changes the database (apply without --dry-run): it then
   *     needs a MongoDB given to it, and never falls back to an embedded one
   */
  static SchemaSession open(Main main, SchemaFile.Document document, MongoTarget targetOptions, int attempts,
      boolean changes) {
    MongoSchema schema = document.schema();
    MongoTarget.Resolved target = targetOptions.resolve(main.env, secretOf(main, document, changes), main.err,
        changes ? MongoTarget.APPLY_NEEDS_MONGODB : null);
    warnAboutTls(main, schema.getSpec().getConnection(), target);
    MongoSessions sessions = MongoSessions.interactive(attempts, target.uri().redactor());
    try {
      MongoClient client = sessions.clients().connect(target.uri(), interactive(target.uri(),
          schema.getSpec().getConnection() == null ? null : schema.getSpec().getConnection().getClientOptions()),
          target.tls());
      return new SchemaSession(schema, target, sessions, client);
    } catch (Failure e) {
      sessions.close();
      target.close();
      throw new InputException("cannot reach MongoDB at " + target.uri().redacted() + " (" + target.source() + "): "
          + e.getMessage());
    }
  }

  /**
   * The CLI takes TLS from its flags: a spec.connection.tls it does not read deserves a word; so
   * does an option of the connection string that turns off the host name check (as the operator's
   * Ready message and Event say), named alone: the string may hold a password.
   */
  static void warnAboutTls(Main main, io.mongosteward.api.v1alpha1.ConnectionSpec connection,
      MongoTarget.Resolved target) {
    var insecure = target.uri().insecureTlsOptions();
    if (!insecure.isEmpty()) {
      main.err.println("warning: the connection string sets " + String.join(" and ", insecure) + ": the server's "
          + "host name is not verified, so any server with a certificate the trusted CAs signed could pose as "
          + "MongoDB");
      main.err.flush();
    }
    if (connection != null && connection.getTls() != null && target.tls() == null && target.embedded() == null) {
      main.err.println("note: spec.connection.tls names Secrets for the operator; the CLI does not read them: pass "
          + "--tls-ca-file, --tls-cert-file and --tls-key-file (or MONGODB_TLS_CA_FILE, MONGODB_TLS_CERT_FILE, "
          + "MONGODB_TLS_KEY_FILE) for TLS from here");
      main.err.flush();
    }
  }

  /**
   * A person waits on the CLI: unless the URI or the spec says otherwise, give up on a server
   * after 5 s per attempt instead of the driver's 30 s, so a mistyped host fails in seconds.
   */
  static ClientOptions interactive(MongoUri uri, ClientOptions declared) {
    boolean set = (declared != null && declared.getServerSelectionTimeoutMS() != null)
        || uri.connectionString().getServerSelectionTimeout() != null;
    if (set) {
      return declared;
    }
    ClientOptions o = declared == null ? new ClientOptions() : declared.copy();
    o.setServerSelectionTimeoutMS(CLI_SERVER_SELECTION_MS);
    return o;
  }

  static final int CLI_SERVER_SELECTION_MS = 5000;

  /** The Secret the file names, read through the current kubeconfig, only when asked for. */
  private static Supplier<String> secretOf(Main main, SchemaFile.Document document, boolean changes) {
    MongoSchema schema = document.schema();
    return secretOf(main, document.source(), document.file(), schema.getMetadata() == null ? null
        : schema.getMetadata().getNamespace(), schema.getSpec().getConnection(), "spec.connection.secretRef", changes,
        MongoTarget.APPLY_NEEDS_MONGODB);
  }

  /**
   * The Secret a connection names, read through the current kubeconfig, only when asked for.
   *
   * @param field where the connection is written, for messages
   * @param needsMongoDb what to say when the command changes data and no kubeconfig can read the Secret
   */
  static Supplier<String> secretOf(Main main, String source, String file, String namespace, ConnectionSpec connection,
      String field, boolean changes, String needsMongoDb) {
    return () -> {
      SecretKeyRef ref = connection == null ? null : connection.getSecretRef();
      if (ref == null) {
        return null;
      }
      if (!KubeConfigs.available(main.env)) {
        if (changes) {
          throw new InputException(source + ": " + field + ": names Secret " + ref.getName() + ", but there "
              + "is no kubeconfig to read it with (KUBECONFIG, ~/.kube/config, or in a cluster); "
              + needsMongoDb, file, field);
        }
        main.err.println(source + " names Secret " + ref.getName() + ", but there is no kubeconfig to read it with.");
        return null;
      }
      try (KubernetesClient kube = kubeClient(main.env)) {
        return new SecretUriReader(kube).read(namespace, ref.getName(), ref.getKey());
      } catch (RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        String why = root == e ? e.getMessage() : e.getMessage() + ": " + root.getMessage();
        throw new InputException(source + ": " + field + ": cannot read Secret " + ref.getName()
            + " through the current kubeconfig (" + why + "); pass --mongo-uri-file or set MONGODB_URI", file, field);
      }
    };
  }

  /** The kubeconfig named by KUBECONFIG in the given environment (its first file), else fabric8's defaults. */
  static KubernetesClient kubeClient(java.util.Map<String, String> env) {
    String files = env.get("KUBECONFIG");
    if (files != null && !files.isBlank()) {
      Path first = Path.of(files.split(java.io.File.pathSeparator)[0]);
      try {
        return new KubernetesClientBuilder()
            .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(java.nio.file.Files.readString(first))).build();
      } catch (java.io.IOException e) {
        throw new InputException("KUBECONFIG: cannot read " + first + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    return new KubernetesClientBuilder().build();
  }

  @Override
  public void close() {
    sessions.close();
    target.close();
  }
}
