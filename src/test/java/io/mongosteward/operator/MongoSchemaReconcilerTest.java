package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.mongo.MongoSessions;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import io.mongosteward.mongo.SyncResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** updateErrorStatus, on the reconciler built from real small parts and a fake Event store. */
class MongoSchemaReconcilerTest {
  static final String API_URL = "https://10.96.0.1:443/apis/mongosteward.io/v1alpha1/namespaces/ns/mongoschemas/bot/status"
      + "?fieldManager=mongoschemareconciler&force=true";

  final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  final MongoSessions mongo = MongoSessions.operator(1);
  final InMemoryEventStore events = new InMemoryEventStore();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final MongoSchemaReconciler reconciler = new MongoSchemaReconciler(OperatorSettings.defaults(),
      new SchemaConnections(null, mongo.clients()), mongo.engine(), new SchemaStatuses(clock),
      new SchemaEvents(events, clock), new OperatorMetrics(registry), new BlockedBuilds(clock, Duration.ofHours(1)),
      new ReconcileWatch(clock, Duration.ofMinutes(90)), new SchemaNudge(null, java.util.Set.of()),
      new IndexBuildQueue(1, 1, clock, Duration.ofMinutes(5), s -> { }, mongo.clients()::hold));

  @AfterEach
  void close() {
    mongo.close();
  }

  /** A schema whose stored status says Ready=True. */
  MongoSchema readySchema() {
    MongoSchema s = SchemaStatusesTest.schema(1);
    s.getMetadata().setUid("0b5c1d2e-uid");
    s.getMetadata().setResourceVersion("41");
    s.setStatus(new SchemaStatuses(clock).synced(s, new SyncResult(s.getSpec(), new ObservedState(Map.of(), Map.of()),
        new Plan(List.of()), List.of(), false), null, false));
    return s;
  }

  /** What fabric8 throws when the status patch meets a newer resourceVersion. */
  static KubernetesClientException apiError(int code, String reason, String message) {
    return new KubernetesClientException("Failure executing: PATCH at: " + API_URL + ". Message: " + message
        + ". Received status: Status(apiVersion=v1, code=" + code + ", kind=Status, message=" + message + ", reason="
        + reason + ").", code, new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build());
  }

  @Test
  void aConflictOnTheStatusPatchIsNoFailureNoEventAndLeavesReady() {
    MongoSchema schema = readySchema();
    MongoSchemaStatus before = schema.getStatus();
    // As JOSDK hands it over: the client's exception, wrapped.
    Exception e = new OperatorException("reconcile failed", new RuntimeException(apiError(409, "Conflict",
        "Operation cannot be fulfilled on mongoschemas.mongosteward.io \"bot\": the object has been modified; please "
            + "apply your changes to the latest version and try again")));

    ErrorStatusUpdateControl<MongoSchema> control = reconciler.updateErrorStatus(schema, context(1, false), e);

    assertThat(control.isDefaultErrorProcessing()).as("the framework's retry handles it").isTrue();
    assertThat(control.getResource()).as("no status write").isEmpty();
    assertThat(schema.getStatus()).isSameAs(before);
    assertThat(Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY)).isTrue();
    assertThat(events.all()).as("no Event").isEmpty();
    assertThat(registry.find("mongosteward.reconcile.failures").counters()).as("no failure counted").isEmpty();
  }

  @Test
  void anotherApiErrorIsReportedWithoutTheApiServersUrlOrTheClientsWording() {
    MongoSchema schema = readySchema();
    Exception e = new OperatorException("reconcile failed", apiError(422, "Invalid",
        "MongoSchema.mongosteward.io \"bot\" is invalid: status.indexes: Too many: 5000: must have at most 4032 items"));

    ErrorStatusUpdateControl<MongoSchema> control = reconciler.updateErrorStatus(schema, context(1, false), e);

    String message = Conditions.find(control.getResource().orElseThrow().getStatus().getConditions(), Conditions.READY)
        .getMessage();
    assertThat(message).isEqualTo("the Kubernetes API answered HTTP 422 (Invalid): MongoSchema.mongosteward.io \"bot\" "
        + "is invalid: status.indexes: Too many: 5000: must have at most 4032 items");
    assertThat(events.all()).singleElement().satisfies(ev -> {
      assertThat(ev.getType()).isEqualTo("Warning");
      assertThat(ev.getReason()).isEqualTo(Reason.Failed.name());
      assertThat(ev.getMessage()).isEqualTo(message);
    });
    assertThat(registry.find("mongosteward.reconcile.failures").tag("reason", "Failed").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aFailureWhoseTextQuotesTheApiServerIsScrubbedInStatusAndEvent() {
    MongoSchema schema = readySchema();
    // Not a client exception by type: only its text says where it came from.
    Exception e = new IllegalStateException("io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: GET at: "
        + API_URL + ". Message: connection reset");

    ErrorStatusUpdateControl<MongoSchema> control = reconciler.updateErrorStatus(schema, context(2, false), e);

    String message = Conditions.find(control.getResource().orElseThrow().getStatus().getConditions(), Conditions.READY)
        .getMessage();
    for (String text : List.of(message, events.all().get(0).getMessage())) {
      assertThat(text).doesNotContain("https://", "10.96.0.1", "KubernetesClientException", "Failure executing")
          .contains("connection reset");
    }
  }

  @Test
  void scrubKeepsMongoDbDocumentationLinksAndRemovesOtherUrls() {
    assertThat(KubeErrors.scrub("code 67: see https://dochub.mongodb.org/core/index-ttl and https://kube.local:6443/api/v1"))
        .isEqualTo("code 67: see https://dochub.mongodb.org/core/index-ttl and <url>");
    assertThat(KubeErrors.scrub("http://10.0.0.1:8080/x?y=z.")).isEqualTo("<url>");
  }

  /** JOSDK's Context, as updateErrorStatus uses it: the retry information alone. */
  static Context<MongoSchema> context(int attempt, boolean last) {
    RetryInfo retry = new RetryInfo() {
      @Override public int getAttemptCount() { return attempt; }
      @Override public boolean isLastAttempt() { return last; }
    };
    return new Context<>() {
      @Override public Optional<RetryInfo> getRetryInfo() { return Optional.of(retry); }
      @Override public <R> Set<R> getSecondaryResources(Class<R> c) { throw new UnsupportedOperationException(); }
      @Override public <R> Optional<R> getSecondaryResource(Class<R> c, String name) { throw new UnsupportedOperationException(); }
      @Override public ControllerConfiguration<MongoSchema> getControllerConfiguration() { throw new UnsupportedOperationException(); }
      @Override public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
        throw new UnsupportedOperationException();
      }
      @Override public EventSourceRetriever<MongoSchema> eventSourceRetriever() { throw new UnsupportedOperationException(); }
      @Override public KubernetesClient getClient() { throw new UnsupportedOperationException(); }
      @Override public ExecutorService getWorkflowExecutorService() { throw new UnsupportedOperationException(); }
      @Override public MongoSchema getPrimaryResource() { throw new UnsupportedOperationException(); }
      @Override public IndexedResourceCache<MongoSchema> getPrimaryCache() { throw new UnsupportedOperationException(); }
      @Override public boolean isNextReconciliationImminent() { return false; }
      @Override public boolean isPrimaryResourceDeleted() { return false; }
      @Override public boolean isPrimaryResourceFinalStateUnknown() { return false; }
    };
  }
}
