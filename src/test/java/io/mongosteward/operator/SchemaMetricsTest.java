package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The schema and leader gauges, read back as Prometheus text: the names the alerts and dashboard use. */
class SchemaMetricsTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final OperatorMetrics metrics = new OperatorMetrics(registry);
  final SchemaStatuses statuses = new SchemaStatuses(Clock.systemUTC());

  MongoSchemaStatus ready(MongoSchema s) {
    return statuses.synced(s, SchemaStatusesTest.result(s), null, false);
  }

  @Test
  void schemasAreCountedByReadyAndReasonAndEachHasItsReadyAndStalledGauge() {
    MongoSchema s = SchemaStatusesTest.schema(1);
    metrics.schemaStatus("ns/a", ready(s));
    metrics.schemaStatus("ns/b", ready(s));
    metrics.schemaStatus("ns/c", statuses.failed(s, Reason.AuthenticationFailed, "refused", true));
    metrics.schemaStatus("ns/d", statuses.failed(s, Reason.MongoUnreachable, "timeout", false));

    String text = registry.scrape();
    assertThat(text).contains("mongosteward_schemas{ready=\"true\",reason=\"Synced\"} 2.0")
        .contains("mongosteward_schemas{ready=\"false\",reason=\"AuthenticationFailed\"} 1.0")
        .contains("mongosteward_schemas{ready=\"false\",reason=\"MongoUnreachable\"} 1.0")
        .contains("mongosteward_schema_ready{schema=\"ns/a\"} 1.0")
        .contains("mongosteward_schema_ready{schema=\"ns/c\"} 0.0")
        .contains("mongosteward_schema_stalled{schema=\"ns/c\"} 1.0")
        .contains("mongosteward_schema_stalled{schema=\"ns/d\"} 0.0")
        .contains("mongosteward_schema_stalled{schema=\"ns/a\"} 0.0");
  }

  @Test
  void aRecoveryMovesTheSchemaBetweenCountsAndADeletionRemovesItsSeries() {
    MongoSchema s = SchemaStatusesTest.schema(1);
    metrics.schemaStatus("ns/a", statuses.failed(s, Reason.SecretNotFound, "no secret", false));
    assertThat(registry.scrape()).contains("mongosteward_schemas{ready=\"false\",reason=\"SecretNotFound\"} 1.0")
        .contains("mongosteward_schema_ready{schema=\"ns/a\"} 0.0");

    metrics.schemaStatus("ns/a", ready(s));
    assertThat(registry.scrape()).contains("mongosteward_schemas{ready=\"false\",reason=\"SecretNotFound\"} 0.0")
        .contains("mongosteward_schemas{ready=\"true\",reason=\"Synced\"} 1.0")
        .contains("mongosteward_schema_ready{schema=\"ns/a\"} 1.0");

    metrics.schemaGone("ns/a");
    String text = registry.scrape();
    assertThat(text).doesNotContain("schema=\"ns/a\"")
        .contains("mongosteward_schemas{ready=\"true\",reason=\"Synced\"} 0.0");
  }

  @Test
  void aStatusWithoutReadyIsCountedAsUnknown() {
    metrics.schemaStatus("ns/new", new MongoSchemaStatus());
    assertThat(registry.scrape()).contains("mongosteward_schemas{ready=\"unknown\",reason=\"\"} 1.0")
        .contains("mongosteward_schema_ready{schema=\"ns/new\"} 0.0");
  }

  @Test
  void theUnusedIndexCountIsASeriesOfItsSchemaUntilTheSchemaGoes() {
    metrics.unused("ns/a", 2);
    metrics.unused("ns/b", 0);
    assertThat(registry.scrape()).contains("# TYPE mongosteward_index_unused gauge")
        .contains("mongosteward_index_unused{schema=\"ns/a\"} 2.0")
        .contains("mongosteward_index_unused{schema=\"ns/b\"} 0.0");
    metrics.unused("ns/a", 1);
    metrics.schemaGone("ns/a");
    assertThat(registry.scrape()).doesNotContain("schema=\"ns/a\"")
        .contains("mongosteward_index_unused{schema=\"ns/b\"} 0.0");
  }

  @Test
  void perSchemaSeriesHoldNoMeterOfTheirOwn() {
    MongoSchema s = SchemaStatusesTest.schema(1);
    metrics.schemaStatus("ns/0", ready(s));
    metrics.unused("ns/0", 0);
    int meters = registry.getMeters().size();
    for (int i = 1; i < 500; i++) {
      metrics.schemaStatus("ns/" + i, ready(s));
      metrics.unused("ns/" + i, i % 3);
    }
    assertThat(registry.getMeters()).as("the registry's meters, which cost about 500 bytes each")
        .hasSize(meters);
    String text = registry.scrape();
    assertThat(text.lines().filter(l -> l.startsWith("mongosteward_schema_ready{"))).hasSize(500);
    assertThat(text).contains("# HELP mongosteward_schema_ready 1 while the MongoSchema's Ready condition is True")
        .contains("mongosteward_schema_ready{schema=\"ns/499\"} 1.0")
        .contains("mongosteward_index_unused{schema=\"ns/499\"} 1.0")
        .contains("mongosteward_schemas{ready=\"true\",reason=\"Synced\"} 500.0");
  }

  @Test
  void aClosedOperatorsSeriesGoAndANewOneOnTheSameRegistryHasItsOwn() {
    MongoSchema s = SchemaStatusesTest.schema(1);
    metrics.schemaStatus("ns/old", ready(s));
    metrics.close();
    assertThat(registry.scrape()).doesNotContain("schema=\"ns/old\"");
    OperatorMetrics next = new OperatorMetrics(registry);
    next.schemaStatus("ns/new", ready(s));
    assertThat(registry.scrape()).contains("mongosteward_schema_ready{schema=\"ns/new\"} 1.0")
        .doesNotContain("schema=\"ns/old\"");
  }

  @Test
  void theLeaderGaugeFollowsWhetherThisReplicaReconciles() {
    AtomicBoolean leading = new AtomicBoolean();
    metrics.leader(leading::get);
    assertThat(registry.scrape()).contains("mongosteward_leader 0.0");
    leading.set(true);
    assertThat(registry.scrape()).contains("mongosteward_leader 1.0");
  }
}
