package io.mongosteward.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real kube-apiserver and etcd (no kubelet), started once per test JVM through fabric8's
 * kube-api-test from binaries that scripts/build-test-servers.sh built, with our CRDs applied.
 */
public final class KubeApi {
  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static KubeAPIServer server;
  private static String kubeConfigYaml;

  private KubeApi() {}

  public static Path binDir() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    Path root = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".kubeapitest");
    String v = TestServers.version("KUBE_VERSION").substring(1);
    return root.resolve("k8s").resolve(v + "-linux-amd64");
  }

  public static synchronized String kubeConfigYaml() {
    if (server == null) {
      Path bin = binDir();
      for (String b : new String[] {"kube-apiserver", "kubectl", "etcd"}) {
        TestServers.require(bin.resolve(b), "kube");
      }
      // Offline and the startup timeout are set in code: as environment variables they throw
      // a ClassCastException inside kube-api-test 7.5.2.
      server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
          .withOfflineMode(true)
          .withApiServerVersion(TestServers.version("KUBE_VERSION").substring(1))
          .withUpdateKubeConfig(false)
          .withStartupTimeout(120_000)
          .withApiServerFlag("--advertise-address", "127.0.0.1")
          .build());
      startLocked(server);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
      kubeConfigYaml = server.getKubeConfigYaml();
      try (KubernetesClient client = client()) {
        applyCrds(client);
      }
    }
    return kubeConfigYaml;
  }

  /**
   * Starts the server holding a file lock beside the binaries: failsafe runs the ITs in two JVMs,
   * and kube-api-test writes its shared certificates on the first start with only an in-process lock,
   * so two first starts at once could leave a key from one and a certificate from the other.
   */
  private static void startLocked(KubeAPIServer server) {
    Path lock = binDir().getParent().resolve(".mongo-steward-start.lock");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lock,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
         java.nio.channels.FileLock held = ch.lock()) {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new client on the test API server; close it. */
  public static KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml())).build();
  }

  /** The kubeconfig written to a file, for processes and for code that reads KUBECONFIG. */
  public static Path kubeConfigFile(Path dir) {
    try {
      Path f = dir.resolve("kubeconfig");
      Files.writeString(f, kubeConfigYaml());
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * deploy/'s ServiceAccount, applied with its RBAC (00- to 04-*.yaml), and a token for it
   * (TokenRequest, one hour), as a pod's mounted token. The admin kubeconfig authenticates with a client
   * certificate instead, whose TLS handshake signs with the client's RSA key: about 40 handshakes per
   * operator start that a pod never pays.
   */
  private static String operatorToken(KubernetesClient admin) throws IOException {
    applyDeploy(admin, "0[0-4]-.*\\.yaml");
    return admin.serviceAccounts().inNamespace("mongo-steward").withName("mongo-steward-operator")
        .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
            .withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
  }

  /**
   * The environment of a pod of deploy/'s ServiceAccount, for a process of the jar: the API server's
   * host and port as kubelet gives them, and the token and CA files that a pod has mounted (in DIR
   * here, named by fabric8's overrides of the mounted paths). No kubeconfig is read, as in a pod.
   */
  public static Map<String, String> operatorInClusterEnv(Path dir, KubernetesClient admin) {
    try {
      Path token = Files.writeString(dir.resolve("token"), operatorToken(admin));
      Config c = admin.getConfiguration();
      Path ca = dir.resolve("ca.crt");
      if (c.getCaCertData() != null) {
        Files.write(ca, java.util.Base64.getDecoder().decode(c.getCaCertData()));
      } else {
        Files.copy(Path.of(c.getCaCertFile()), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      java.net.URI server = java.net.URI.create(c.getMasterUrl());
      return Map.of("KUBERNETES_SERVICE_HOST", server.getHost(),
          "KUBERNETES_SERVICE_PORT", String.valueOf(server.getPort()),
          "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", token.toString(),
          "KUBERNETES_CERTS_CA_FILE", ca.toString(),
          "KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Server-side applies deploy/'s files whose names match {@code nameRegex}, in name order, as
   * {@code kubectl apply --server-side --force-conflicts -f deploy/} would; returns the files applied.
   */
  public static java.util.List<Path> applyDeploy(KubernetesClient admin, String nameRegex) throws IOException {
    java.util.List<Path> applied;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of("deploy"))) {
      applied = files.filter(f -> f.getFileName().toString().matches(nameRegex)).sorted().toList();
    }
    for (Path f : applied) {
      try (InputStream in = Files.newInputStream(f)) {
        for (io.fabric8.kubernetes.api.model.HasMetadata item : admin.load(in).items()) {
          admin.resource(item).forceConflicts().serverSideApply();
        }
      }
    }
    return applied;
  }

  /** A fresh namespace per test, so tests do not see each other's resources. */
  public static String newNamespace(KubernetesClient client, String prefix) {
    String name = prefix + "-" + NAMESPACES.incrementAndGet();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  private static void applyCrds(KubernetesClient client) {
    // The CRDs this build generated; CrdFilesTest keeps crds/ identical to them.
    try (var files = Files.list(Path.of("target", "classes", "META-INF", "fabric8"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).serverSideApply();
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              // A fresh CRD may have a status without conditions yet.
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                  60, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
