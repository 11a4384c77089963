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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Each schema's Secrets (the connection string's and the TLS ones), fetched by name on a schedule. Unlike an informer on Secrets, it holds
 * only the Secrets schemas name (memory does not grow with the cluster's Secrets), needs only
 * `get` on Secrets, and still turns a created or rotated Secret into a reconcile within one
 * interval.
 */
final class SecretPolling {
  private SecretPolling() {}

  static PerResourcePollingEventSource<Secret, MongoSchema, ResourceID> eventSource(
      EventSourceContext<MongoSchema> context, Duration interval) {
    PerResourcePollingEventSource.ResourceFetcher<Secret, MongoSchema> fetcher = schema -> {
      Set<Secret> found = new HashSet<>();
      String ns = schema.getMetadata().getNamespace();
      for (String name : names(schema)) {
        Secret secret;
        try {
          secret = context.getClient().secrets().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
          // The framework also fetches on a reconcile's first look: what fails there is the
          // reconcile's failure, so it says what the Secret reader would (which grant is missing).
          throw SecretUriReader.unreadable(ns, name, e);
        }
        if (secret != null) {
          found.add(secret);
        }
      }
      return found;
    };
    var config = new PerResourcePollingConfigurationBuilder<Secret, MongoSchema, ResourceID>(fetcher, interval)
        .withResourceIDMapper(ResourceIDMapper.kubernetesResourceIdMapper())
        .withName("secrets")
        .build();
    return new PerResourcePollingEventSource<>(Secret.class, context, config);
  }

  /** The Secrets a schema names: the connection string's, and the TLS CA's and client certificate's. */
  static Set<String> names(MongoSchema schema) {
    var connection = schema.getSpec().getConnection();
    Set<String> names = new LinkedHashSet<>();
    if (connection == null) {
      return names;
    }
    if (connection.getSecretRef() != null) {
      names.add(connection.getSecretRef().getName());
    }
    var tls = connection.getTls();
    if (tls != null && tls.getCaSecretRef() != null) {
      names.add(tls.getCaSecretRef().getName());
    }
    if (tls != null && tls.getClientCertSecretRef() != null) {
      names.add(tls.getClientCertSecretRef().getName());
    }
    return names;
  }
}
