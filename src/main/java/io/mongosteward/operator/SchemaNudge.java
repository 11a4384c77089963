package io.mongosteward.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.api.v1alpha1.MongoSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the MongoSchema controller to look again at the schemas whose unique index on a
 * collection waits for its duplicates to go, once a deduplication has removed them: they build at
 * once instead of at their next resync.
 */
final class SchemaNudge {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaNudge.class);

  private final SimpleInboundEventSource<MongoSchema> source = new SimpleInboundEventSource<>("migration-nudge");
  private final KubernetesClient client;
  private final Set<String> namespaces;

  /** @param namespaces those the operator watches; empty for all */
  SchemaNudge(KubernetesClient client, Set<String> namespaces) {
    this.client = client;
    this.namespaces = namespaces;
  }

  SimpleInboundEventSource<MongoSchema> eventSource() {
    return source;
  }

  /** Looks at one schema ("ns/name") again now: its index build ended. */
  void schema(String id) {
    int slash = id.indexOf('/');
    source.propagateEvent(new ResourceID(id.substring(slash + 1), id.substring(0, slash)));
  }

  /** @return the schemas ("ns/name") nudged: those with an index of that collection BlockedByDuplicates */
  List<String> duplicatesRemoved(String database, String collection) {
    List<String> nudged = new ArrayList<>();
    try {
      schemas().filter(s -> s.getSpec() != null && database.equals(s.getSpec().getDatabase()))
          .filter(s -> s.getStatus() != null && s.getStatus().getIndexes().stream().anyMatch(i -> blocked(i, collection)))
          .forEach(s -> {
            source.propagateEvent(ResourceID.fromResource(s));
            nudged.add(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
          });
    } catch (KubernetesClientException e) {
      // Not fatal: each schema rechecks its duplicates at its next resync anyway.
      LOG.warn("could not list the MongoSchemas to retry after removing duplicates in {}.{}: HTTP {}", database,
          collection, e.getCode());
    }
    return nudged;
  }

  private Stream<MongoSchema> schemas() {
    if (namespaces.isEmpty()) {
      return client.resources(MongoSchema.class).inAnyNamespace().list().getItems().stream();
    }
    return namespaces.stream().flatMap(ns -> client.resources(MongoSchema.class).inNamespace(ns).list().getItems().stream());
  }

  private static boolean blocked(IndexStatus i, String collection) {
    return collection.equals(i.getCollection()) && i.getState() == IndexState.BlockedByDuplicates;
  }
}
