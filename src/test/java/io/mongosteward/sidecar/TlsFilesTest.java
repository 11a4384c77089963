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
}
