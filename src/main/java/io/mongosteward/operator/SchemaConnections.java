package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.api.v1alpha1.SecretKeyRef;
import io.mongosteward.failure.Failure;
import io.mongosteward.kube.SecretUriReader;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.api.v1alpha1.CaSecretRef;
import io.mongosteward.api.v1alpha1.TlsSecretRef;
import io.mongosteward.api.v1alpha1.TlsSpec;
import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.mongo.TlsMaterial;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a schema's (or a migration's) Secrets to a shared MongoClient: one client per connection
 * string, options and TLS material in the process, closed once nothing uses it (a rotated Secret, a
 * rotated certificate or edited clientOptions close the old one; one that an index build still
 * holds closes when the build ends). TLS material stays in memory.
 */
final class SchemaConnections implements AutoCloseable {
  private final SecretUriReader secrets;
  private final ClientRegistry clients;
  /** Each schema's client, by the very key the registry keeps it under. */
  private final Map<String, ClientRegistry.Key> keyBySchema = new ConcurrentHashMap<>();
  /**
   * Fingerprints of TLS material already turned into an SSLContext once, so that a resync does not
   * parse it again; fingerprints, so that rotated-out keys are not held here.
   */
  private final Set<String> checked = ConcurrentHashMap.newKeySet();

  SchemaConnections(SecretUriReader secrets, ClientRegistry clients) {
    this.secrets = secrets;
    this.clients = clients;
  }

  /**
   * @param cached the Secret as the poller last saw it, if it has
   * @throws io.mongosteward.failure.Failure Waiting when the Secret or its key is missing,
   *     Invalid when the value is not a connection string
   */
  MongoUri uriFor(MongoSchema schema, Collection<Secret> cached) {
    return uriFor(schema.getMetadata().getNamespace(), schema.getSpec().getConnection().getSecretRef(), cached);
  }

  /** The connection string in Secret {@code ref} of namespace {@code ns}; see {@link #uriFor(MongoSchema, Collection)}. */
  MongoUri uriFor(String ns, SecretKeyRef ref, Collection<Secret> cached) {
    String raw = value(ns, ref.getName(), ref.getKey(), cached);
    try {
      return MongoUri.parse(raw);
    } catch (MongoUri.InvalidMongoUriException e) {
      throw new Failure.Invalid(Reason.InvalidConnectionString, "Secret " + ns + "/" + ref.getName() + " key '"
          + ref.getKey() + "' is not a MongoDB connection string: " + e.getMessage());
    }
  }

  /**
   * The TLS material that {@code tls} names, read from its Secrets (the poller's copies when it has
   * them) and checked; null when {@code tls} is null (TLS then as the connection string says).
   *
   * @throws Failure Waiting when a Secret or key is missing, Invalid (InvalidTLSMaterial) when a
   *     value is not PEM of the expected kind; messages name the Secret and key, never the content
   */
  TlsMaterial tlsFor(String ns, TlsSpec tls, Collection<Secret> cached) {
    if (tls == null) {
      return null;
    }
    CaSecretRef ca = tls.getCaSecretRef();
    TlsSecretRef cert = tls.getClientCertSecretRef();
    if (tls.insecure() && ca != null) {
      // The CRD refuses it too; this guards a cluster whose CRD predates the rule.
      throw new Failure.Invalid(Reason.InvalidSpec, "spec.connection.tls.insecureSkipVerify: contradicts caSecretRef "
          + "(a CA that is never checked); remove one of them");
    }
    String caPem = ca == null ? null : value(ns, ca.getName(), ca.getKey(), cached);
    String certPem = cert == null ? null : value(ns, cert.getName(), "tls.crt", cached);
    String keyPem = cert == null ? null : value(ns, cert.getName(), "tls.key", cached);
    TlsMaterial material = new TlsMaterial(caPem, certPem, keyPem, tls.insecure());
    String fingerprint = material.fingerprint();
    if (!checked.contains(fingerprint)) {
      try {
        TlsContexts.build(material, new TlsContexts.Names(
            ca == null ? null : "Secret " + ns + "/" + ca.getName() + " key '" + ca.getKey() + "'",
            cert == null ? null : "Secret " + ns + "/" + cert.getName() + " key 'tls.crt'",
            cert == null ? null : "Secret " + ns + "/" + cert.getName() + " key 'tls.key'"));
      } catch (TlsContexts.InvalidTlsMaterialException e) {
        throw new Failure.Invalid(Reason.InvalidTLSMaterial, "spec.connection.tls: " + e.getMessage());
      }
      if (checked.size() > 1000) {
        checked.clear(); // a bound, not a cache policy: checking again is cheap
      }
      checked.add(fingerprint);
    }
    return material;
  }

  /** A Secret key's value: from the poller's copy of that Secret when it has one, else read now. */
  private String value(String ns, String name, String key, Collection<Secret> cached) {
    return cached.stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst()
        .map(s -> SecretUriReader.valueOf(s, key))
        .orElseGet(() -> secrets.read(ns, name, key));
  }

  /** @param cached the Secrets as the poller last saw them (the TLS Secrets among them) */
  MongoClient clientFor(MongoSchema schema, MongoUri uri, Collection<Secret> cached) {
    var connection = schema.getSpec().getConnection();
    return clientFor(id(schema), uri, connection.getClientOptions(),
        tlsFor(schema.getMetadata().getNamespace(), connection.getTls(), cached));
  }

  /**
   * @param user who uses the client (a schema's "ns/name", or a migration's "MongoMigration/ns/name")
   * @param tls from {@link #tlsFor}; a rotated certificate is another key, so a new client, and the old one closes
   */
  MongoClient clientFor(String user, MongoUri uri, ClientOptions options, TlsMaterial tls) {
    ClientRegistry.Key key = ClientRegistry.keyOf(uri, options, tls);
    // Known before the connect, so that another schema's retainOnly never closes it midway.
    ClientRegistry.Key previous = keyBySchema.put(user, key);
    MongoClient client = clients.connect(uri, options, tls);
    if (previous != null && !previous.equals(key)) {
      clients.retainOnly(Set.copyOf(keyBySchema.values()));
    }
    return client;
  }

  /** The schema is gone: close its client if no other schema shares it. */
  void release(MongoSchema schema) {
    release(id(schema));
  }

  void release(String user) {
    if (keyBySchema.remove(user) != null) {
      clients.retainOnly(Set.copyOf(keyBySchema.values()));
    }
  }

  int openClients() {
    return clients.size();
  }

  /** Clients made since the start: a rotation adds one. */
  int createdClients() {
    return clients.created();
  }

  private static String id(MongoSchema schema) {
    return schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
  }

  @Override
  public void close() {
    keyBySchema.clear();
    clients.close();
  }
}
