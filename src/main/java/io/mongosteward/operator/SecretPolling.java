package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.kube.SecretUriReader;
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
      String ns = schema.getMetadata().getNamespace();
      String name = connection.getSecretRef().getName();
      Secret secret;
      try {
        secret = context.getClient().secrets().inNamespace(ns).withName(name).get();
      } catch (KubernetesClientException e) {
        // The framework also fetches on a reconcile's first look: what fails there is the
        // reconcile's failure, so it says what the Secret reader would (which grant is missing).
        throw SecretUriReader.unreadable(ns, name, e);
      }
      return secret == null ? Set.of() : Set.of(secret);
    };
    var config = new PerResourcePollingConfigurationBuilder<Secret, MongoSchema, ResourceID>(fetcher, interval)
        .withResourceIDMapper(ResourceIDMapper.kubernetesResourceIdMapper())
        .withName("secrets")
        .build();
    return new PerResourcePollingEventSource<>(Secret.class, context, config);
  }
}
