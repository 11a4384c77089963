package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.Toxiproxy;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the Lease decides, on the real API server: who reconciles, and what /readyz says. */
class OperatorLeaseIT {
  static String holder(KubernetesClient client, String ns) {
    Lease lease = client.leases().inNamespace(ns).withName("mongo-steward-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  static OperatorSettings settings(String ns, String identity) {
    return OperatorSettings.defaults().with(b -> {
      b.namespaces = Set.of(ns);
      b.leaseNamespace = ns;
      b.identity = identity;
    });
  }

  @Test
  void aLeaderCutOffFromTheApiServerStopsLeadingWithinTheRenewDeadline() throws Exception {
    // Before: the elector's release on losing the Lease waited on the silent API server with no
    // bound, so the old leader reconciled on for minutes beside the new one.
    String server;
    try (KubernetesClient client = KubeApi.client()) {
      server = client.getConfiguration().getMasterUrl().replaceAll("/$", "");
    }
    java.net.URI api = java.net.URI.create(server);
    Proxy proxy = Toxiproxy.proxy("kube-lease", api.getHost() + ":" + api.getPort());
    Config throughProxy = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
        .withMasterUrl("https://" + proxy.getListen()).build();
    try (KubernetesClient admin = KubeApi.client();
         KubernetesClient cutOff = new KubernetesClientBuilder().withConfig(throughProxy).build()) {
      String ns = KubeApi.newNamespace(admin, "lease");
      try (OperatorApp a = new OperatorApp(cutOff, settings(ns, "replica-a"),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
        a.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "replica-a".equals(holder(admin, ns)));
        await().atMost(Duration.ofSeconds(30)).until(() -> a.health().readiness().ready());

        proxy.toxics().timeout("blackhole-down", ToxicDirection.DOWNSTREAM, 0);
        proxy.toxics().timeout("blackhole-up", ToxicDirection.UPSTREAM, 0);
        long cut = System.nanoTime();
        // The renew deadline is 10 s: then it stops leading (here: stops reconciling; in a pod: exits).
        await().atMost(Duration.ofSeconds(25)).until(() -> "stopping".equals(a.health().readiness().status()));
        assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(25));
        try (OperatorApp b = new OperatorApp(admin, settings(ns, "replica-b"),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
          b.start();
          await().atMost(Duration.ofSeconds(30)).until(() -> "replica-b".equals(holder(admin, ns)));
        }
      }
    } finally {
      proxy.delete();
    }
  }

  @Test
  void aReplicaThatCannotReadTheLeaseIsNotReadyAndSaysWhy() throws Exception {
    // Before: /readyz said "another replica holds the Lease" when none did, so a rollout went on
    // with nothing reconciling.
    Config noRights = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
        .withImpersonateUsername("no-lease-" + System.nanoTime()).withImpersonateGroups("system:authenticated").build();
    try (KubernetesClient admin = KubeApi.client();
         KubernetesClient refused = new KubernetesClientBuilder().withConfig(noRights).build()) {
      String ns = KubeApi.newNamespace(admin, "nolease");
      try (OperatorApp app = new OperatorApp(refused, settings(ns, "replica-x"),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false)) {
        app.start();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
            !app.health().readiness().ready() && "electing".equals(app.health().readiness().status()));
        assertThat(app.health().readiness().reason()).contains("leases in " + ns);
        assertThat(holder(admin, ns)).isNull();
      }
    }
  }
}
