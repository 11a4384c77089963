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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a schema's (or a migration's) Secret to a shared MongoClient: one client per connection
 * string and options in the process, closed once nothing uses it (a rotated Secret or edited clientOptions close
 * the old one).
 */
final class SchemaConnections implements AutoCloseable {
  private final SecretUriReader secrets;
  private final ClientRegistry clients;
  /** Each schema's client, by the very key the registry keeps it under. */
  private final Map<String, ClientRegistry.Key> keyBySchema = new ConcurrentHashMap<>();

  SchemaConnections(SecretUriReader secrets, ClientRegistry clients) {
    this.secrets = secrets;
    this.clients = clients;
  }

  /**
   * @param cached the Secret as the poller last saw it, if it has
   * @throws io.mongosteward.failure.Failure Waiting when the Secret or its key is missing,
   *     Invalid when the value is not a connection string
   */
  MongoUri uriFor(MongoSchema schema, Optional<Secret> cached) {
    return uriFor(schema.getMetadata().getNamespace(), schema.getSpec().getConnection().getSecretRef(), cached);
  }

  /** The connection string in Secret {@code ref} of namespace {@code ns}; see {@link #uriFor(MongoSchema, Optional)}. */
  MongoUri uriFor(String ns, SecretKeyRef ref, Optional<Secret> cached) {
    String raw = cached.filter(s -> ref.getName().equals(s.getMetadata().getName()))
        .map(s -> SecretUriReader.valueOf(s, ref.getKey()))
        .orElseGet(() -> secrets.read(ns, ref.getName(), ref.getKey()));
    try {
      return MongoUri.parse(raw);
    } catch (MongoUri.InvalidMongoUriException e) {
      throw new Failure.Invalid(Reason.InvalidConnectionString, "Secret " + ns + "/" + ref.getName() + " key '"
          + ref.getKey() + "' is not a MongoDB connection string: " + e.getMessage());
    }
  }

  MongoClient clientFor(MongoSchema schema, MongoUri uri) {
    return clientFor(id(schema), uri, schema.getSpec().getConnection().getClientOptions());
  }

  /** @param user who uses the client (a schema's "ns/name", or a migration's "MongoMigration/ns/name") */
  MongoClient clientFor(String user, MongoUri uri, ClientOptions options) {
    ClientRegistry.Key key = ClientRegistry.keyOf(uri, options);
    // Known before the connect, so that another schema's retainOnly never closes it midway.
    ClientRegistry.Key previous = keyBySchema.put(user, key);
    MongoClient client = clients.connect(uri, options);
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

  private static String id(MongoSchema schema) {
    return schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
  }

  @Override
  public void close() {
    keyBySchema.clear();
    clients.close();
  }
}
