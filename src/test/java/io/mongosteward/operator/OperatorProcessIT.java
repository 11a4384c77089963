package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.OperatorJvm;
import io.mongosteward.testsupport.TestServers;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `mongo-steward operator` as its own process, with leader election, on the real API server:
 * the JVM, the signals, the exit codes and the Lease are real. Before, SIGTERM deadlocked the JVM
 * in the framework's stop-leading exit, and the Lease was never released.
 */
class OperatorProcessIT {
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  Process operator(String name, Path kubeconfig, String namespace) throws IOException {
    return operator(name, kubeconfig, namespace, namespace, TestServers.freePort());
  }

  Process operator(String name, Path kubeconfig, String namespaces, String leaseNamespace, int port) throws IOException {
    // The JVM flags come from deploy/ (JAVA_TOOL_OPTIONS and the rest of its environment), as in a pod.
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.mongosteward.cli.Main",
        "operator", "--namespaces", namespaces, "--lease-namespace", leaseNamespace, "--resync", "2s",
        "--port", String.valueOf(port));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(OperatorJvm.deployEnv());
    pb.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString(), "POD_NAME", name));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  static String holder(KubernetesClient client, String ns) {
    Lease lease = client.leases().inNamespace(ns).withName("mongo-steward-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void sigtermStopsTheLeaderWithExitZeroAndTheFollowerTakesOverAtOnce() throws Exception {
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "proc");
      Path kubeconfig = KubeApi.kubeConfigFile(dir);
      Process a = operator("replica-a", kubeconfig, ns);
      Process b = operator("replica-b", kubeconfig, ns);
      await().atMost(Duration.ofSeconds(60)).until(() -> holder(client, ns) != null && !holder(client, ns).isEmpty());
      String leaderName = holder(client, ns);
      Process leader = leaderName.startsWith("replica-a") ? a : b;
      Process follower = leader == a ? b : a;
      OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("op_process", ""));
      OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, ns, "bot")));

      long start = System.nanoTime();
      leader.destroy(); // SIGTERM
      assertThat(leader.waitFor(10, TimeUnit.SECONDS)).as("the leader exits within 10 s").isTrue();
      assertThat(leader.exitValue()).isZero();
      // The Lease was given back: the follower takes it within a retry period, not a lease duration.
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        String h = holder(client, ns);
        return h != null && !h.equals(leaderName) && !h.isEmpty();
      });
      OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("op_process",
          "      - {name: extra_1, keys: [{field: extra}]}\n", ""));
      await().atMost(Duration.ofSeconds(15)).until(() -> {
        MongoSchema s = client.resources(MongoSchema.class).inNamespace(ns).withName("bot").get();
        return s.getStatus() != null && "3/3".equals(s.getStatus().getIndexSummary());
      });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(25));
      assertThat(follower.isAlive()).isTrue();
      assertThat(Files.readString(dir.resolve((leader == a ? "replica-a" : "replica-b") + ".log")))
          .doesNotContain("Exiting").contains("operator stopped");
    }
  }

  /**
   * The framework starts an informer per namespace and kind in parallel, each on a thread of a cached
   * pool, and fabric8 dispatches their events on another: both kept their idle threads a minute, more
   * than 50 threads and their stacks after a start with 10 namespaces (docs/benchmarks.md). They end
   * within seconds of the start now.
   */
  @Test
  void theThreadsOfAStartEndWithinSecondsOfIt() throws Exception {
    try (KubernetesClient client = KubeApi.client()) {
      List<String> namespaces = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        namespaces.add(KubeApi.newNamespace(client, "threads"));
      }
      String ns = namespaces.get(0);
      int port = TestServers.freePort();
      operator("threads", KubeApi.kubeConfigFile(dir), String.join(",", namespaces), ns, port);
      OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("op_threads", ""));
      OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, ns, "bot")));
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .untilAsserted(() -> assertThat(liveThreads(port)).as("live threads after the start").isLessThanOrEqualTo(35));
    }
  }

  private static double liveThreads(int port) {
    String metrics = Http.body(port, "/metrics");
    assertThat(metrics).contains("jvm_threads_live_threads");
    return Http.sum(metrics, "(?m)^jvm_threads_live_threads(?:\\{[^}]*\\})? ([0-9.E+]+)");
  }

  @Test
  void sigtermStopsAnOperatorWhoseApiServerIsGone() throws Exception {
    String server;
    try (KubernetesClient client = KubeApi.client()) {
      server = client.getConfiguration().getMasterUrl();
    }
    java.net.URI api = java.net.URI.create(server);
    Proxy proxy = Toxiproxy.proxy("kube-api", api.getHost() + ":" + api.getPort());
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "gone");
      // The same kubeconfig, through a proxy that can take the API server away.
      String through = "https://" + proxy.getListen();
      Path kubeconfig = dir.resolve("kubeconfig-proxied");
      Files.writeString(kubeconfig, KubeApi.kubeConfigYaml().replace(server.replaceAll("/$", ""), through));
      Process p = operator("lonely", kubeconfig, ns);
      await().atMost(Duration.ofSeconds(60)).until(() -> "lonely".equals(prefix(holder(client, ns))));

      proxy.disable();
      p.destroy();
      assertThat(p.waitFor(12, TimeUnit.SECONDS)).as("exits although nothing answers").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      proxy.delete();
    }
  }

  private static String prefix(String identity) {
    return identity == null ? null : identity.replaceAll("-[0-9a-f]{8}$", "");
  }
}
