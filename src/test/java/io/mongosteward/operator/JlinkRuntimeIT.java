package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.ImageRuntime;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.SidecarJvm;
import io.mongosteward.testsupport.TestServers;
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
 * The image's Java runtime, built here the way the Dockerfile builds it (testsupport.ImageRuntime):
 * jlink with only the modules of scripts/image/jdk-modules.txt, the sidecar's AppCDS archive from a
 * training run, the operator's from scripts/image/operator.classlist. The jar's sidecar and operator
 * run on that runtime as scripts/image/entrypoint.sh runs them, each with its archive, and -Xshare:on
 * makes the archive mandatory: a module missing from the list, or an archive the runtime cannot map,
 * fails here rather than in a cluster. The operator's run also checks that its archive holds what it
 * loads: the class list is a file of the repository, made by a real run (an image build has no API
 * server to train against), and it goes stale as the code changes. Run with
 * {@code -Doperator.classlist.refresh=true} to write it again from this run. Skipped where the JDK has
 * no jlink or jmods.
 */
class JlinkRuntimeIT {
  static final boolean REFRESH = Boolean.getBoolean("operator.classlist.refresh");
  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void theSidecarAndTheOperatorRunOnTheJlinkedRuntimeEachWithItsArchive() throws Exception {
    assumeThat(ImageRuntime.available()).as("a JDK with jlink and jmods at " + ImageRuntime.JAVA_HOME).isTrue();
    Path jar = SidecarJvm.jar();
    ImageRuntime image = ImageRuntime.build(dir);
    Path sidecarArchive = image.sidecarArchive(jar, dir.resolve("mongo-steward.jsa"));
    Path operatorArchive = REFRESH ? null : image.operatorArchive(jar, dir.resolve("operator.jsa"));

    // The sidecar, with the example's flags: ready, and its JVM metrics (jdk.management) served.
    int sidecarPort = TestServers.freePort();
    Map<String, String> sidecarEnv = new java.util.HashMap<>(SidecarJvm.exampleEnv());
    sidecarEnv.put("MONGODB_URI", MongoBackend.MONGO_JAVA_SERVER.uri() + "/app");
    Process sidecar = start("sidecar", concat(image.command(sidecarArchive, jar), "sidecar", "--port",
        String.valueOf(sidecarPort)), sidecarEnv);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> Http.status(sidecarPort, "/readyz") == 200);
    assertThat(Http.body(sidecarPort, "/metrics")).contains("process_cpu_usage").contains("jvm_memory_used_bytes");
    stopCleanly(sidecar);

    // The operator as in a pod: deploy/'s JVM flags, the in-cluster configuration of deploy/'s
    // ServiceAccount (a token file, no kubeconfig), leader election, TLS to the API server (the JDK's
    // HTTP client), a Secret, a MongoSchema made Ready, and its endpoints asked as kubelet and
    // Prometheus ask them. The archive is what this run loads: a class it holds that a pod never loads
    // is resident for nothing (a client certificate's key store took 220, a kubeconfig's YAML about
    // 170), one it lacks is loaded from the jar into metaspace (Netty's HTTP codec, about 180, before
    // the endpoints were asked; the Lease's classes, before leader election was on).
    Path classLog = dir.resolve("operator-classes.log");
    List<String> java = REFRESH
        ? List.of(image.java().toString(), "-Xshare:off",
            "-XX:DumpLoadedClassList=" + dir.resolve("operator.classlist"), "-jar", jar.toString())
        : image.command(operatorArchive, jar);
    try (KubernetesClient client = KubeApi.client()) {
      String ns = KubeApi.newNamespace(client, "jlink");
      // Its Lease in this namespace, not deploy/'s, which other tests' operators may hold meanwhile.
      client.rbac().roles().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
          .withNewMetadata().withName("lease").endMetadata().addNewRule().withApiGroups("coordination.k8s.io")
          .withResources("leases").withVerbs("get", "create", "patch").endRule().build()).create();
      client.rbac().roleBindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
          .withNewMetadata().withName("lease").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "lease")
          .addNewSubject().withKind("ServiceAccount").withName("mongo-steward-operator").withNamespace("mongo-steward")
          .endSubject().build()).create();
      int operatorPort = TestServers.freePort();
      Map<String, String> env = new java.util.HashMap<>(KubeApi.operatorInClusterEnv(dir, client));
      env.put("JAVA_TOOL_OPTIONS", io.mongosteward.testsupport.OperatorJvm.deployEnv().get("JAVA_TOOL_OPTIONS")
          + " -Xlog:class+load=info:file=" + classLog);
      env.put("POD_NAMESPACE", ns);
      Process operator = start("operator", concat(java, "operator", "--namespaces", ns, "--port",
          String.valueOf(operatorPort)), env);
      OperatorHarness.secretIn(client, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.applyIn(client, ns, "bot", MongoSchemaOperatorIT.spec("jlink_runtime", ""));
      OperatorHarness.eventually().until(() -> "True".equals(OperatorHarness.readyIn(client, ns, "bot")));
      for (String path : List.of("/livez", "/readyz", "/health")) {
        assertThat(Http.status(operatorPort, path)).as(path).isEqualTo(200);
      }
      assertThat(Http.body(operatorPort, "/metrics")).contains("mongosteward_schema_ready");
      stopCleanly(operator);
    }
    assertThat(Files.readString(dir.resolve("sidecar.log")) + Files.readString(dir.resolve("operator.log")))
        .as("the archive was mapped, no class was missing").doesNotContain("NoClassDefFoundError")
        .doesNotContain("ClassNotFoundException").doesNotContain("[warning][cds");
    if (REFRESH) {
      // Only now, the run having passed and stopped cleanly: a run that failed leaves the list as it was.
      Files.writeString(ImageRuntime.OPERATOR_CLASSES, "# The classes of the operator's AppCDS archive (Dockerfile, scripts/image/CdsTraining.java),\n"
          + "# from a real run: `mvn -B verify -Dit.test=JlinkRuntimeIT -Doperator.classlist.refresh=true`.\n"
          + Files.readString(dir.resolve("operator.classlist")));
    }
    assumeThat(REFRESH).as("wrote " + ImageRuntime.OPERATOR_CLASSES + " from this run").isFalse();
    ClassSources sources = ClassSources.of(Files.readAllLines(classLog));
    System.out.println("the operator's classes mapped from its archive: " + sources);
    // The dump names what it could not take (ImageRuntime keeps CdsTraining's output): a class the
    // jar lost, a lambda a class no longer makes.
    String stale = ImageRuntime.OPERATOR_CLASSES + " is stale: write it again with `mvn -B verify -Dit.test=JlinkRuntimeIT "
        + "-Doperator.classlist.refresh=true` and commit it";
    assertThat(Files.readAllLines(dir.resolve("operator-archive.log"))).as(stale)
        .noneMatch(l -> l.startsWith("class list out of date"));
    assertThat(sources.staleness()).as(stale).isEmpty();
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private Process start(String name, List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_")
        || k.equals("JAVA_TOOL_OPTIONS") || k.equals("KUBECONFIG") || k.startsWith("KUBERNETES_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void stopCleanly(Process p) throws InterruptedException {
    p.destroy();
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
