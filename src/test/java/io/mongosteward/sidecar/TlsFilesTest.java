package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongosteward.mongo.TlsContexts;
import io.mongosteward.mongo.TlsMaterial;
import io.mongosteward.testsupport.Certs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS files re-read before each ping: same material, same instance; bad files keep the last good. */
class TlsFilesTest {
  private static final Certs.Issued CA = Certs.ca("test CA");
  @TempDir Path dir;

  private TlsFiles.Paths paths() {
    return new TlsFiles.Paths(dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"),
        new TlsContexts.Names("--tls-ca-file", "--tls-cert-file", "--tls-key-file"));
  }

  private void write(Certs.Issued client) throws IOException {
    Files.writeString(dir.resolve("ca.crt"), CA.certPem());
    Files.writeString(dir.resolve("tls.crt"), client.certPem());
    Files.writeString(dir.resolve("tls.key"), client.keyPkcs8Pem());
  }

  @Test
  void unchangedFilesGiveTheSameInstanceAndChangedOnesANewOne() throws IOException {
    write(Certs.client(CA, "a", false));
    TlsFiles files = new TlsFiles(paths(), TlsFiles.read(paths()));
    TlsMaterial first = files.get();
    assertThat(files.get()).isSameAs(first);
    write(Certs.client(CA, "b", true));
    TlsMaterial second = files.get();
    assertThat(second).isNotSameAs(first).isNotEqualTo(first);
    assertThat(files.get()).isSameAs(second);
  }

  @Test
  void aHalfWrittenRotationKeepsTheLastGoodMaterial() throws IOException {
    write(Certs.client(CA, "a", false));
    TlsFiles files = new TlsFiles(paths(), TlsFiles.read(paths()));
    TlsMaterial good = files.get();
    // The certificate rotated before its key: not a pair, so not used.
    Files.writeString(dir.resolve("tls.crt"), Certs.client(CA, "b", false).certPem());
    assertThat(files.get()).isSameAs(good);
    Files.delete(dir.resolve("ca.crt"));
    assertThat(files.get()).isSameAs(good);
  }

  @Test
  void atStartABadFileIsAnErrorNamingItsFlagNeverItsContent() throws IOException {
    write(Certs.client(CA, "a", false));
    Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsFiles.read(paths())).hasMessageContaining("--tls-key-file")
        .hasMessageNotContaining("bm90IGEga2V5");
    TlsFiles.Paths noKey = new TlsFiles.Paths(null, dir.resolve("tls.crt"), null, paths().names());
    assertThatThrownBy(() -> TlsFiles.read(noKey)).hasMessageContaining("--tls-cert-file needs its private key");
  }

  @Test
  void aDerCaFileIsNamedAsDerWithTheCommandThatConvertsIt() throws Exception {
    Path der = dir.resolve("ca.der");
    Files.write(der, new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(CA.cert())
        .getEncoded());
    TlsFiles.Paths paths = new TlsFiles.Paths(der, null, null,
        new TlsContexts.Names("--tls-ca-file " + der, "--tls-cert-file", "--tls-key-file"));
    assertThatThrownBy(() -> TlsFiles.read(paths))
        .isInstanceOf(TlsContexts.InvalidTlsMaterialException.class)
        .hasMessageContaining("--tls-ca-file " + der + " holds no PEM certificate")
        .hasMessageContaining("it looks like DER: convert with `openssl x509 -inform der")
        .hasMessageNotContaining("MalformedInputException");
  }

  @Test
  void aDerKeyFileIsNamedAsDerToo() throws IOException {
    Certs.Issued client = Certs.client(CA, "a", false);
    write(client);
    Files.write(dir.resolve("tls.key"), client.keys().getPrivate().getEncoded());
    assertThatThrownBy(() -> TlsFiles.read(paths())).hasMessageContaining("--tls-key-file holds no PEM private key")
        .hasMessageContaining("it looks like DER: convert with `openssl pkey -inform der");
  }

  @Test
  void aBinaryFileIsNoPemCertificateNotAnUnreadableFile() throws IOException {
    Path binary = dir.resolve("random.bin");
    byte[] bytes = new byte[512];
    new java.util.Random(42).nextBytes(bytes);
    bytes[0] = (byte) 0xff; // not the start of a DER SEQUENCE, and not UTF-8
    Files.write(binary, bytes);
    TlsFiles.Paths paths = new TlsFiles.Paths(binary, null, null,
        new TlsContexts.Names("--tls-ca-file " + binary, "--tls-cert-file", "--tls-key-file"));
    assertThatThrownBy(() -> TlsFiles.read(paths)).hasMessageContaining("--tls-ca-file " + binary
        + " holds no PEM certificate").hasMessageNotContaining("MalformedInputException")
        .hasMessageNotContaining("DER");
  }

  @Test
  void aPemFileWithALatin1CommentIsRead() throws IOException {
    write(Certs.client(CA, "a", false));
    Files.write(dir.resolve("ca.crt"), ("# Zertifikat f\u00fcr die Pr\u00fcfung\n" + CA.certPem())
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(TlsFiles.read(paths()).caPem()).contains("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void aBrokenRotationIsLoggedOnceAsKeepingTheLastGoodMaterialAndItsRepairToo() throws IOException {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        TlsFiles.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      Certs.Issued client = Certs.client(CA, "a", false);
      write(client);
      TlsFiles files = new TlsFiles(paths(), TlsFiles.read(paths()));
      TlsMaterial good = files.get();
      // The Secret now holds garbage: a probe failure would restart the pod, so the sidecar pings on.
      Files.writeString(dir.resolve("tls.key"), "garbage, not a key");
      assertThat(files.get()).isSameAs(good);
      assertThat(files.get()).isSameAs(good);
      java.util.List<String> warnings = logs.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).map(e -> e.getFormattedMessage()).toList();
      assertThat(warnings).as("once per bad state, not per ping").singleElement().satisfies(w -> assertThat(w)
          .contains("--tls-key-file holds no PEM private key")
          .contains("kept the last good TLS material (" + good + ")")
          .doesNotContain("garbage"));
      write(client);
      assertThat(files.get()).isEqualTo(good);
      assertThat(logs.list.stream().map(e -> e.getFormattedMessage()))
          .anySatisfy(m -> assertThat(m).contains("TLS files are usable again"));
    } finally {
      logger.detachAppender(logs);
    }
  }
}
