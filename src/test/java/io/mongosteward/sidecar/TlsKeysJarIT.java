package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.SidecarJvm;
import io.mongosteward.testsupport.TestServers;
import io.mongosteward.testsupport.TlsFerrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real jar reads every private-key format it documents. The shaded jar keeps only the
 * BouncyCastle packages that reading a PEM key reaches (pom.xml), and the other TLS tests run the
 * classes on Maven's class path, where all of BouncyCastle is: this one runs the jar's sidecar with
 * a client certificate and each form of its key, against a server that requires one.
 */
class TlsKeysJarIT {
  @RegisterExtension static final TlsFerrets SERVERS = new TlsFerrets();

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"rsa-pkcs8", "rsa-pkcs1", "ec-pkcs8", "ec-sec1", "rsa-key-after-its-certificate"})
  void theJarsSidecarConnectsWithEachKeyFormat(String form) throws Exception {
    boolean ec = form.startsWith("ec");
    Certs.Issued client = Certs.client(SERVERS.mutual().ca, "app", ec);
    Path ca = Files.writeString(dir.resolve("ca.crt"), SERVERS.mutual().ca.certPem());
    Path cert = Files.writeString(dir.resolve("tls.crt"), client.certPem());
    Path key = switch (form) {
      case "rsa-pkcs8", "ec-pkcs8" -> Files.writeString(dir.resolve("tls.key"), client.keyPkcs8Pem());
      case "rsa-pkcs1", "ec-sec1" -> Files.writeString(dir.resolve("tls.key"), client.keyTraditionalPem());
      // A key file that also holds the certificate, before the key, as some tools write it: the
      // parser reads (and skips) the certificate first, which takes more of BouncyCastle.
      default -> Files.writeString(dir.resolve("tls.pem"), client.certPem() + client.keyPkcs8Pem());
    };
    assertThat(Files.readString(key)).contains(switch (form) {
      case "rsa-pkcs1" -> "BEGIN RSA PRIVATE KEY";
      case "ec-sec1" -> "BEGIN EC PRIVATE KEY";
      default -> "BEGIN PRIVATE KEY";
    });

    int port = TestServers.freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SidecarJvm.jvmFlags());
    command.addAll(List.of("-jar", SidecarJvm.jar().toString(), "sidecar", "--port", String.valueOf(port),
        "--interval", "200ms", "--tls-ca-file", ca.toString(), "--tls-cert-file", cert.toString(),
        "--tls-key-file", key.toString()));
    Path out = dir.resolve("sidecar.log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(SidecarJvm.otherEnv());
    pb.environment().put("MONGODB_URI", SERVERS.mutual().uri() + "/app");
    Process p = pb.start();
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .failFast("the sidecar exited", () -> !p.isAlive())
          .until(() -> Http.status(port, "/readyz") == 200);
      assertThat(Http.body(port, "/health")).contains("\"status\":\"up\"").doesNotContain("\"warning\"");
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(Files.readString(out)).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
  }
}
