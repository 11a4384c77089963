package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.mongosteward.api.v1alpha1.MongoSchema;
import java.time.Duration;
import java.util.Set;

/**
 * Each schema's Secret, fetched by name on a schedule. Unlike an informer on Secrets, it holds
 * only the Secrets schemas name (memory does not grow with the cluster's Secrets), needs only
 * `get` on Secrets, and still turns a created or rotated Secret into a reconcile within one
 * interval.
 */
final class SecretPolling {
  private SecretPolling() {}

  static PerResourcePollingEventSource<Secret, MongoSchema, ResourceID> eventSource(
      EventSourceContext<MongoSchema> context, Duration interval) {
    PerResourcePollingEventSource.ResourceFetcher<Secret, MongoSchema> fetcher = schema -> {
      var connection = schema.getSpec().getConnection();
      if (connection == null || connection.getSecretRef() == null) {
        return Set.of();
      }
      Secret secret = context.getClient().secrets().inNamespace(schema.getMetadata().getNamespace())
          .withName(connection.getSecretRef().getName()).get();
      return secret == null ? Set.of() : Set.of(secret);
    };
    var config = new PerResourcePollingConfigurationBuilder<Secret, MongoSchema, ResourceID>(fetcher, interval)
        .withResourceIDMapper(ResourceIDMapper.kubernetesResourceIdMapper())
        .withName("secrets")
        .build();
    return new PerResourcePollingEventSource<>(Secret.class, context, config);
  }
}
