package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where core/v1 Events are kept: the API server, or a map in unit tests. Writes follow the API
 * server's rules: a create of an existing name and an update with a stale resourceVersion both
 * throw a {@link KubernetesClientException} with code 409.
 */
interface EventStore {
  /** The Event, or null when there is none of that name. */
  Event get(String namespace, String name);

  void create(Event event);

  /**
   * Writes the Event's count, timestamps, type, message and involved object; its
   * metadata.resourceVersion is the precondition (a stale one gives 409).
   */
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

      /** A JSON merge patch (RBAC: patch, as client-go's recorder), with the resourceVersion as precondition. */
      @Override
      public void update(Event event) {
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", Map.of("resourceVersion", event.getMetadata().getResourceVersion()));
        patch.put("involvedObject", event.getInvolvedObject());
        patch.put("type", event.getType());
        patch.put("message", event.getMessage());
        patch.put("count", event.getCount());
        patch.put("firstTimestamp", event.getFirstTimestamp());
        patch.put("lastTimestamp", event.getLastTimestamp());
        client.v1().events().inNamespace(event.getMetadata().getNamespace()).withName(event.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
      }
    };
  }
}
