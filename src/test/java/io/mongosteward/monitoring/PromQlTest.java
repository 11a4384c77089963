package io.mongosteward.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsSelectedMetricsAndIgnoresFunctionsLabelsRangesAndKeywords() {
    assertThat(PromQl.metricNames("""
        histogram_quantile(0.99, sum by (namespace, pod, le) (rate(mongosteward_ping_latency_seconds_bucket{job=~"a|b"}[5m]))) > 0.25
        and on (pod) mongosteward_up == 1 unless ignoring(x) absent(foo_total offset 5m) or bar:rate5m > bool 1e3
        """)).containsExactlyInAnyOrder("mongosteward_ping_latency_seconds_bucket", "mongosteward_up", "foo_total",
        "bar:rate5m");
  }

  @Test
  void grafanaVariablesInRangesAreNotNames() {
    assertThat(PromQl.metricNames("sum by (reason) (increase(x_total{namespace=\"$namespace\"}[$__rate_interval]))"))
        .containsExactly("x_total");
  }
}
