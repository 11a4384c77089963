package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.kube.SecretUriReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Secrets schemas name (the connection string's and the TLS ones), fetched by name on a schedule:
 * one GET per Secret per interval, however many schemas name it, and one copy of it in memory, which
 * every schema naming it is given. A created or rotated Secret turns into a reconcile of each of those
 * schemas within one interval. Unlike an informer on Secrets, it holds only the Secrets schemas name
 * (memory does not grow with the cluster's Secrets) and needs only `get` on Secrets.
 */
final class SecretPolling extends PollingEventSource<Secret, MongoSchema, ResourceID> {
  private static final Logger log = LoggerFactory.getLogger(SecretPolling.class);
  private final Poll poll;

  private SecretPolling(Poll poll, Duration interval) {
    super(Secret.class, new PollingConfigurationBuilder<Secret, ResourceID>(poll, interval)
        .withResourceIDMapper(ResourceIDMapper.kubernetesResourceIdMapper())
        .withName("secrets")
        .build());
    this.poll = poll;
  }

  static SecretPolling eventSource(EventSourceContext<MongoSchema> context, Duration interval) {
    return new SecretPolling(new Poll(context.getClient(), context.getPrimaryCache()), interval);
  }

  /**
   * The schema's Secrets as the last poll saw them; on a schema's first look before a poll has seen
   * its Secrets (a new schema, or an edited secretRef), the shared copy, or a GET shared by the
   * schemas that ask at once. Remembered for the schema without an event, so the next poll, finding the
   * same, does not reconcile it again.
   *
   * @throws io.mongosteward.failure.Failure.Transient when the API server refuses the read (which grant is missing)
   */
  @Override
  public Set<Secret> getSecondaryResources(MongoSchema schema) {
    ResourceID primary = ResourceID.fromResource(schema);
    Set<Secret> cached = super.getSecondaryResources(primary);
    Set<String> names = names(schema);
    Set<String> have = new HashSet<>();
    cached.forEach(s -> have.add(s.getMetadata().getName()));
    if (have.containsAll(names)) {
      return cached;
    }
    Set<Secret> all = new HashSet<>(cached);
    for (String name : names) {
      if (!have.contains(name)) {
        Secret secret = poll.copyOrRead(schema.getMetadata().getNamespace(), name);
        if (secret != null) {
          all.add(secret);
          handleRecentResourceCreate(primary, secret);
        }
      }
    }
    return all;
  }

  /** One pass: each Secret that some schema names, read once, and handed to every schema naming it. */
  static final class Poll implements PollingEventSource.GenericResourceFetcher<Secret> {
    private final KubernetesClient client;
    private final IndexerResourceCache<MongoSchema> schemas;
    /** The one copy of each Secret, by namespace and name; replaced by each poll. */
    private final Map<ResourceID, Secret> copies = new ConcurrentHashMap<>();

    Poll(KubernetesClient client, IndexerResourceCache<MongoSchema> schemas) {
      this.client = client;
      this.schemas = schemas;
    }

    @Override
    public Map<ResourceID, Set<Secret>> fetchResources() {
      Map<ResourceID, Optional<Secret>> seen = new HashMap<>();
      Map<ResourceID, Set<Secret>> bySchema = new HashMap<>();
      schemas.list().forEach(schema -> {
        String ns = schema.getMetadata().getNamespace();
        Set<Secret> found = new HashSet<>();
        for (String name : names(schema)) {
          seen.computeIfAbsent(new ResourceID(name, ns), this::pollOne).ifPresent(found::add);
        }
        if (!found.isEmpty()) {
          bySchema.put(ResourceID.fromResource(schema), found);
        }
      });
      // Secrets no schema names any more are let go.
      copies.keySet().retainAll(seen.keySet());
      return bySchema;
    }

    /** Read now; when the read fails, the last copy stands until a read succeeds (the schemas keep working). */
    private Optional<Secret> pollOne(ResourceID id) {
      try {
        Secret secret = get(id);
        if (secret == null) {
          copies.remove(id);
        } else {
          copies.put(id, secret);
        }
        return Optional.ofNullable(secret);
      } catch (KubernetesClientException e) {
        log.warn("{}; keeping its last copy", SecretUriReader.unreadable(id.getNamespace().orElse(""), id.getName(), e).getMessage());
        return Optional.ofNullable(copies.get(id));
      }
    }

    /** The shared copy, else a read whose result the schemas asking meanwhile share; null when the Secret does not exist. */
    Secret copyOrRead(String ns, String name) {
      ResourceID id = new ResourceID(name, ns);
      try {
        return copies.computeIfAbsent(id, this::get);
      } catch (KubernetesClientException e) {
        // What fails here is the reconcile's failure, so it says what the Secret reader would (which grant is missing).
        throw SecretUriReader.unreadable(ns, name, e);
      }
    }

    private Secret get(ResourceID id) {
      return client.secrets().inNamespace(id.getNamespace().orElseThrow()).withName(id.getName()).get();
    }
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
