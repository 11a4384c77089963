package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.connection.ClusterId;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.TlsFerret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's TLS files, against a FerretDB that serves only TLS and requires a client
 * certificate: a rotated certificate is read at the next ping, through a new client, and the old
 * client's connections close. The files are swapped the way the kubelet swaps a mounted Secret: a
 * symlinked directory replaced at once.
 */
class SidecarTlsIT {
  private static TlsFerret mutual;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    mutual = TlsFerret.start(true);
  }

  @AfterAll
  static void stop() {
    if (mutual != null) mutual.close();
  }

  /** The clients that sent commands, in order of first command: a new client is a new cluster id. */
  static final class Clients implements CommandListener {
    final List<ClusterId> seen = new CopyOnWriteArrayList<>();
    private final Set<ClusterId> known = ConcurrentHashMap.newKeySet();

    @Override
    public void commandStarted(CommandStartedEvent event) {
      ClusterId id = event.getConnectionDescription().getConnectionId().getServerId().getClusterId();
      if (known.add(id)) {
        seen.add(id);
      }
    }
  }

  /** Writes the CA and a client certificate into a new directory and points {@code current} at it at once. */
  private void mount(Path current, String version, Certs.Issued client) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(version));
    Files.writeString(dir.resolve("ca.crt"), mutual.ca.certPem());
    Files.writeString(dir.resolve("tls.crt"), client.certPem());
    Files.writeString(dir.resolve("tls.key"), client.keyTraditionalPem());
    Path link = tmp.resolve("link-" + version);
    Files.createSymbolicLink(link, dir);
    Files.move(link, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Established TCP connections from this machine to the server's port (the server's own sockets excluded). */
  private static long connectionsTo(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    long n = 0;
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) continue;
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("01")) n++;
      }
    }
    return n;
  }

  @Test
  void aRotatedClientCertificateIsPickedUpWithoutARestartAndTheOldClientCloses() throws IOException {
    Path current = tmp.resolve("current");
    mount(current, "v1", Certs.client(mutual.ca, "app", false));
    TlsFiles.Paths paths = new TlsFiles.Paths(current.resolve("ca.crt"), current.resolve("tls.crt"),
        current.resolve("tls.key"), new TlsContexts.Names("--tls-ca-file", "--tls-cert-file", "--tls-key-file"));
    TlsFiles files = new TlsFiles(paths, TlsFiles.read(paths));
    Clients clients = new Clients();
    MongoUri uri = MongoUri.parse(mutual.uri());
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(200), Duration.ofSeconds(2));
    try (RunningSidecar sidecar = RunningSidecar.startWithTls(() -> uri, files, settings, clients)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> sidecar.status("/readyz") == 200);
      assertThat(clients.seen).hasSize(1);
      long before = connectionsTo(mutual.port());
      assertThat(before).as("the first client's connections").isPositive();

      mount(current, "v2", Certs.client(mutual.ca, "app", true));
      await().atMost(Duration.ofSeconds(10)).until(() -> clients.seen.size() == 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/consecutiveFailures").asInt() == 0
          && sidecar.status("/readyz") == 200);
      // The old client is closed: its sockets go, so no more are open than one client holds.
      await().atMost(Duration.ofSeconds(10)).until(() -> connectionsTo(mutual.port()) <= before);
      assertThat(clients.seen).as("one new client, no churn on unchanged files").hasSize(2);
    }
  }

  @Test
  void aWrongCaFailsThePingWithReasonTlsAndNoCertificateContent() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("wrong"));
    Certs.Issued other = Certs.ca("not the server's CA");
    Files.writeString(dir.resolve("ca.crt"), other.certPem());
    TlsFiles.Paths paths = new TlsFiles.Paths(dir.resolve("ca.crt"), null, null,
        new TlsContexts.Names("--tls-ca-file", "--tls-cert-file", "--tls-key-file"));
    MongoUri uri = MongoUri.parse(mutual.uri());
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(200), Duration.ofSeconds(1));
    try (RunningSidecar sidecar = RunningSidecar.startWithTls(() -> uri, new TlsFiles(paths, TlsFiles.read(paths)),
        settings)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> !sidecar.health().at("/lastError/reason").isMissingNode()
          && sidecar.health().at("/lastError/reason").asText().equals("tls"));
      assertThat(sidecar.status("/readyz")).isEqualTo(503);
      assertThat(sidecar.health().at("/lastError/message").asText()).containsIgnoringCase("certification path")
          .doesNotContain("BEGIN");
    }
  }

  @Test
  void aRotationToGarbageKeepsTheLastGoodMaterialAndHealthSaysSo() throws IOException {
    Path current = tmp.resolve("current");
    Certs.Issued client = Certs.client(mutual.ca, "app", false);
    mount(current, "v1", client);
    TlsFiles.Paths paths = new TlsFiles.Paths(current.resolve("ca.crt"), current.resolve("tls.crt"),
        current.resolve("tls.key"), new TlsContexts.Names("--tls-ca-file", "--tls-cert-file", "--tls-key-file"));
    Clients clients = new Clients();
    MongoUri uri = MongoUri.parse(mutual.uri());
    ProbeSettings settings = ProbeSettings.of(Duration.ofMillis(200), Duration.ofSeconds(2));
    try (RunningSidecar sidecar = RunningSidecar.startWithTls(() -> uri, new TlsFiles(paths, TlsFiles.read(paths)),
        settings, clients)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> sidecar.status("/readyz") == 200);
      assertThat(sidecar.health().at("/warning").isMissingNode()).isTrue();

      // The Secret now holds garbage in tls.key.
      mount(current, "v2", client);
      Files.writeString(tmp.resolve("v2").resolve("tls.key"), "garbage, not a key");
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/warning").asText()
          .contains("kept the last good TLS material"));
      assertThat(sidecar.health().at("/warning").asText()).contains("--tls-key-file holds no PEM private key")
          .doesNotContain("garbage");
      long checks = sidecar.health().at("/checks").asLong();
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/checks").asLong() > checks + 2);
      assertThat(sidecar.status("/readyz")).as("still pinging with the old material").isEqualTo(200);
      assertThat(clients.seen).as("no new client for unusable files").hasSize(1);

      // Repaired: the warning goes.
      mount(current, "v3", client);
      await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.health().at("/warning").isMissingNode());
      assertThat(sidecar.status("/readyz")).isEqualTo(200);
    }
  }
}
