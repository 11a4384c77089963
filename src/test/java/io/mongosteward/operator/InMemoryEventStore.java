package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fake of our EventStore with the API server's rules: 409 on a create of an existing name or a stale update. */
final class InMemoryEventStore implements EventStore {
  private final Map<String, Event> events = new LinkedHashMap<>();
  private long version;
  int creates;
  int updates;

  @Override
  public synchronized Event get(String namespace, String name) {
    Event e = events.get(namespace + "/" + name);
    return e == null ? null : Serialization.clone(e);
  }

  @Override
  public synchronized void create(Event event) {
    String key = event.getMetadata().getNamespace() + "/" + event.getMetadata().getName();
    if (events.containsKey(key)) {
      throw conflict("events \"" + event.getMetadata().getName() + "\" already exists");
    }
    Event copy = Serialization.clone(event);
    copy.getMetadata().setResourceVersion(String.valueOf(++version));
    events.put(key, copy);
    creates++;
  }

  @Override
  public synchronized void update(Event event) {
    String key = event.getMetadata().getNamespace() + "/" + event.getMetadata().getName();
    Event current = events.get(key);
    if (current == null || !current.getMetadata().getResourceVersion().equals(event.getMetadata().getResourceVersion())) {
      throw conflict("the object has been modified; please apply your changes to the latest version and try again");
    }
    Event copy = Serialization.clone(event);
    copy.getMetadata().setResourceVersion(String.valueOf(++version));
    events.put(key, copy);
    updates++;
  }

  synchronized List<Event> all() {
    return new ArrayList<>(events.values());
  }

  static KubernetesClientException conflict(String message) {
    return new KubernetesClientException(new StatusBuilder().withCode(409).withReason("Conflict").withMessage(message).build());
  }
}
