package io.mongosteward.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.testsupport.KubeApi;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionFactory;

/** One operator on the real test API server, watching one fresh namespace. */
final class OperatorHarness implements AutoCloseable {
  final KubernetesClient client;
  final String namespace;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final OperatorApp app;

  OperatorHarness(String prefix, java.util.function.UnaryOperator<OperatorSettings> tune) {
    this(prefix, tune, OperatorApp.defaultRetry());
  }

  /** @param retry the framework's retry of transient failures */
  OperatorHarness(String prefix, java.util.function.UnaryOperator<OperatorSettings> tune,
      io.javaoperatorsdk.operator.processing.retry.GenericRetry retry) {
    this(KubeApi.client(), null, prefix, tune, retry, java.util.List.of());
  }

  /** An operator watching {@code namespace}, which exists (another operator's, stopped: a restart). */
  static OperatorHarness in(String namespace, java.util.function.UnaryOperator<OperatorSettings> tune) {
    return new OperatorHarness(KubeApi.client(), namespace, null, tune, OperatorApp.defaultRetry(), java.util.List.of());
  }

  /**
   * @param namespace an existing namespace to watch (a second operator after a restart), or null for a new one
   * @param listeners told every command the operator sends to MongoDB
   */
  OperatorHarness(KubernetesClient kube, String namespace, String prefix,
      java.util.function.UnaryOperator<OperatorSettings> tune,
      io.javaoperatorsdk.operator.processing.retry.GenericRetry retry,
      java.util.List<com.mongodb.event.CommandListener> listeners) {
    client = kube;
    String watched = namespace != null ? namespace : KubeApi.newNamespace(client, prefix);
    this.namespace = watched;
    OperatorSettings settings = tune.apply(OperatorSettings.defaults().with(b -> {
      b.namespaces = Set.of(watched);
      b.resyncInterval = Duration.ofSeconds(2);
      b.secretPollInterval = Duration.ofSeconds(1);
      b.unreachableRecheck = Duration.ofSeconds(2);
      b.permanentErrorRecheck = Duration.ofSeconds(5);
      b.deleteAttempts = 2;
      b.deleteRetryDelay = Duration.ofMillis(200);
      b.leaderElection = false;
    }));
    app = new OperatorApp(client, settings, registry, false, retry, listeners);
    app.start();
  }

  OperatorHarness(String prefix) {
    this(prefix, s -> s);
  }

  void secret(String name, String uri) {
    secretIn(client, namespace, name, uri);
  }

  MongoSchema apply(String name, String specYaml) {
    return applyIn(client, namespace, name, specYaml);
  }

  static void secretIn(KubernetesClient client, String namespace, String name, String uri) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withStringData(Map.of("uri", uri)).build()).serverSideApply();
  }

  static MongoSchema applyIn(KubernetesClient client, String namespace, String name, String specYaml) {
    String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata:\n  name: " + name
        + "\n  namespace: " + namespace + "\nspec:\n" + specYaml.stripIndent().indent(2);
    MongoSchema schema = client.resources(MongoSchema.class).load(new java.io.ByteArrayInputStream(yaml.getBytes())).item();
    return client.resource(schema).serverSideApply();
  }

  /** The Ready condition's status, or null. */
  static String readyIn(KubernetesClient client, String namespace, String name) {
    MongoSchema s = client.resources(MongoSchema.class).inNamespace(namespace).withName(name).get();
    if (s == null || s.getStatus() == null) return null;
    Condition c = Conditions.find(s.getStatus().getConditions(), Conditions.READY);
    return c == null ? null : c.getStatus();
  }

  MongoSchema get(String name) {
    return client.resources(MongoSchema.class).inNamespace(namespace).withName(name).get();
  }

  Condition ready(String name) {
    MongoSchema s = get(name);
    return s == null || s.getStatus() == null ? null : Conditions.find(s.getStatus().getConditions(), Conditions.READY);
  }

  static ConditionFactory eventually() {
    // A stopped operator's framework timer may still hand a rescheduled reconcile to its shut-down
    // executor, whose RejectedExecutionException on that thread would fail whatever wait runs then.
    return await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
  }

  void awaitReady(String name, String status, String reason) {
    eventually().alias(name + " Ready=" + status + " " + reason).until(() -> {
      Condition c = ready(name);
      return c != null && status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason()));
    });
  }

  @Override
  public void close() {
    app.close();
    client.close();
  }
}
