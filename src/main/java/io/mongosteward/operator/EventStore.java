package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Where core/v1 Events are kept: the API server, or a map in unit tests. Writes follow the API
 * server's rules: a create of an existing name and an update with a stale resourceVersion both
 * throw a {@link KubernetesClientException} with code 409.
 */
interface EventStore {
  /** The Event, or null when there is none of that name. */
  Event get(String namespace, String name);

  void create(Event event);

  /** Replaces the Event; its metadata.resourceVersion is the precondition. */
  void update(Event event);

  /** The API server's Events, through the operator's client. */
  static EventStore of(KubernetesClient client) {
    return new EventStore() {
      @Override
      public Event get(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).withName(name).get();
      }

      @Override
      public void create(Event event) {
        client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      }

      @Override
      public void update(Event event) {
        client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).update();
      }
    };
  }
}
