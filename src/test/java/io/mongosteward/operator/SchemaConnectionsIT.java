package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.ConnectionSpec;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.mongo.ClientRegistry;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.testsupport.MongoBackend;
import org.junit.jupiter.api.Test;

/** Clients are released by the key the registry keeps them under: the URI and the options. */
class SchemaConnectionsIT {
  private static MongoSchema schema(String name, Integer maxPoolSize) {
    MongoSchema s = new MongoSchema();
    s.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).build());
    MongoSchemaSpec spec = new MongoSchemaSpec();
    ConnectionSpec connection = new ConnectionSpec();
    if (maxPoolSize != null) {
      ClientOptions options = new ClientOptions();
      options.setMaxPoolSize(maxPoolSize);
      connection.setClientOptions(options);
    }
    spec.setConnection(connection);
    s.setSpec(spec);
    return s;
  }

  @Test
  void editingClientOptionsKeepsOneClientPerSchema() {
    // Before: clients were released only when the URI changed, so 5 edits of maxPoolSize left 5
    // clients open, each with its pool.
    MongoUri uri = MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri());
    try (SchemaConnections connections = new SchemaConnections(null,
        new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none())))) {
      for (int pool = 1; pool <= 5; pool++) {
        connections.clientFor(schema("a", pool), uri, java.util.List.of());
        assertThat(connections.openClients()).as("after edit " + pool).isEqualTo(1);
      }
      // Two schemas with the same URI and options share one client; other options are another.
      connections.clientFor(schema("b", 5), uri, java.util.List.of());
      assertThat(connections.openClients()).isEqualTo(1);
      connections.clientFor(schema("c", null), uri, java.util.List.of());
      assertThat(connections.openClients()).isEqualTo(2);
      connections.release(schema("a", 5));
      assertThat(connections.openClients()).as("b still uses it").isEqualTo(2);
      connections.release(schema("b", 5));
      assertThat(connections.openClients()).isEqualTo(1);
      connections.release(schema("c", null));
      assertThat(connections.openClients()).isZero();
    }
  }
}
