package io.mongosteward.bench;

import io.mongosteward.testsupport.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the operator's heap and RSS with N MongoSchema resources on the test API server,
 * run as a real process with the JVM flags deploy/ uses. Run with
 * {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=OperatorMemoryBench}
 * (after {@code mvn package}); figures go to docs/benchmarks.md.
 */
class OperatorMemoryBench {
  static final int SCHEMAS = Integer.getInteger("bench.schemas", 100);
  static final String FLAGS = "-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k";

  @TempDir Path tmp;

  @Test
  void measure() throws Exception {
    Path jar = Path.of("target", "mongo-steward.jar");
    assertThat(jar).as("run mvn package first").exists();
    Path kubeconfig = KubeApi.kubeConfigFile(tmp);
    String mongo = MongoBackend.MONGO_JAVA_SERVER.uri();
    try (KubernetesClient client = KubeApi.client()) {
      List<String> cmd = new ArrayList<>(List.of("java"));
      cmd.addAll(List.of(FLAGS.split(" ")));
      cmd.addAll(List.of("-Xmx128m", "-jar", jar.toString(), "operator", "--port", "18089", "--leader-election", "false"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("operator.log").toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      Process p = pb.start();
      try {
        List<String> namespaces = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
          String ns = KubeApi.newNamespace(client, "bench");
          namespaces.add(ns);
          client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
              .withNewMetadata().withName("mongo").endMetadata().withStringData(Map.of("uri", mongo)).build()).create();
        }
        long idle = rssKb(p.pid());
        for (int i = 0; i < SCHEMAS; i++) {
          String ns = namespaces.get(i % namespaces.size());
          String yaml = """
              apiVersion: mongosteward.io/v1alpha1
              kind: MongoSchema
              metadata: {name: s%d, namespace: %s}
              spec:
                connection: {secretRef: {name: mongo}}
                database: bench_%d
                collections:
                  - name: posts
                    indexes:
                      - {name: post_id_unique, keys: [{field: post_id}], unique: true}
                      - {name: channel_created, keys: [{field: channel}, {field: created_at, order: -1}]}
                  - name: events
                    indexes:
                      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 604800}
                counters:
                  - {name: post_id, seedFrom: {collection: posts, field: post_id}}
              """.formatted(i, ns, i);
          client.resource(client.resources(MongoSchema.class).load(new java.io.ByteArrayInputStream(yaml.getBytes())).item())
              .create();
        }
        long start = System.nanoTime();
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
            client.resources(MongoSchema.class).inAnyNamespace().list().getItems().stream()
                .filter(s -> s.getMetadata().getName().matches("s\\d+"))
                .filter(s -> s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), "Ready"))
                .count() >= SCHEMAS);
        double converge = (System.nanoTime() - start) / 1e9;
        // Settle: a full GC through the JVM's own tool, then read heap and RSS.
        new ProcessBuilder("jcmd", String.valueOf(p.pid()), "GC.run").start().waitFor();
        String metrics = Http.body(18089, "/metrics");
        double heap = sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} ([0-9.E+]+)");
        long rss = rssKb(p.pid());
        String line = String.format("schemas=%d converge=%.1fs rss_idle=%.0fMB rss=%.0fMB heap_used=%.1fMB flags=%s",
            SCHEMAS, converge, idle / 1024.0, rss / 1024.0, heap / 1048576.0, FLAGS + " -Xmx128m");
        System.out.println("BENCH " + line);
        Files.writeString(Path.of("target", "operator-memory-bench.txt"), line + "\n");
      } finally {
        p.destroy();
        p.waitFor();
      }
    }
  }

  private static long rssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
    }
    return -1;
  }

  private static double sum(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    double total = 0;
    while (m.find()) total += Double.parseDouble(m.group(1));
    return total;
  }
}
