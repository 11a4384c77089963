package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.mongo.Redactor;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on a MongoSchema. Messages are scrubbed; a failed Event never fails a reconcile. */
final class SchemaEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaEvents.class);
  static final String COMPONENT = "mongo-steward";

  private final EventStore store;
  private final Clock clock;

  SchemaEvents(KubernetesClient client, Clock clock) {
    this(EventStore.of(client), clock);
  }

  SchemaEvents(EventStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void normal(MongoSchema schema, String reason, String message) {
    emit(schema, "Normal", reason, message);
  }

  void warning(MongoSchema schema, String reason, String message) {
    emit(schema, "Warning", reason, message);
  }

  private void emit(MongoSchema schema, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var meta = schema.getMetadata();
    String text = KubeErrors.scrub(Redactor.scrubUris(message));
    if (text.length() > 1000) text = text.substring(0, 997) + "...";
    try {
      store.create(new EventBuilder()
          .withNewMetadata().withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
          .withNamespace(meta.getNamespace()).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(schema.getApiVersion())
              .withKind(schema.getKind()).withName(meta.getName()).withNamespace(meta.getNamespace())
              .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).build())
          .withType(type).withReason(reason).withMessage(text)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent(COMPONENT).endSource()
          .withReportingComponent(COMPONENT)
          .build());
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, meta.getNamespace(), meta.getName(), e.getCode());
    }
  }
}
