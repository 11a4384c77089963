package io.mongosteward.operator;

import com.mongodb.client.MongoClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.SecretKeyRef;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a schema's Secret to a shared MongoClient: one client per connection string in the
 * process, closed once no schema uses it (a rotated Secret closes the old one).
 */
final class SchemaConnections implements AutoCloseable {
  private final SecretUriReader secrets;
  private final ClientRegistry clients;
  private final Map<String, String> uriBySchema = new ConcurrentHashMap<>();

  SchemaConnections(SecretUriReader secrets, ClientRegistry clients) {
    this.secrets = secrets;
    this.clients = clients;
  }

  /**
   * @param cached the Secret as the poller last saw it, if it has
   * @throws SecretUriReader.SecretProblem when the Secret or its key is missing
   * @throws MongoUri.InvalidMongoUriException when the value is not a connection string
   */
  MongoUri uriFor(MongoSchema schema, Optional<Secret> cached) {
    SecretKeyRef ref = schema.getSpec().getConnection().getSecretRef();
    String ns = schema.getMetadata().getNamespace();
    String raw = cached.filter(s -> ref.getName().equals(s.getMetadata().getName()))
        .map(s -> SecretUriReader.valueOf(s, ref.getKey()))
        .orElseGet(() -> secrets.read(ns, ref.getName(), ref.getKey()));
    return MongoUri.parse(raw);
  }

  MongoClient clientFor(MongoSchema schema, MongoUri uri) {
    MongoClient client = clients.connect(uri, schema.getSpec().getConnection().getClientOptions());
    String previous = uriBySchema.put(key(schema), uri.connectionString().getConnectionString());
    if (previous != null && !previous.equals(uri.connectionString().getConnectionString())) {
      clients.retainOnly(java.util.Set.copyOf(uriBySchema.values()));
    }
    return client;
  }

  /** The schema is gone: close its client if no other schema shares it. */
  void release(MongoSchema schema) {
    if (uriBySchema.remove(key(schema)) != null) {
      clients.retainOnly(java.util.Set.copyOf(uriBySchema.values()));
    }
  }

  int openClients() {
    return clients.size();
  }

  private static String key(MongoSchema schema) {
    return schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
  }

  @Override
  public void close() {
    uriBySchema.clear();
    clients.close();
  }
}
