package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.CliRun;
import io.mongosteward.testsupport.TlsFerrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `plan` over TLS, against FerretDB processes that serve only TLS (one requires client certificates). */
class CliTlsIT {
  @RegisterExtension static final TlsFerrets SERVERS = new TlsFerrets();
  @TempDir Path tmp;

  private Path schema() throws IOException {
    Path p = tmp.resolve("schema.yaml");
    Files.writeString(p, CliIT.schema("tls", "cli_tls", "[{name: posts, indexes: [{name: by_author, keys: "
        + "[{field: author}]}]}]"));
    return p;
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private CliRun run(Map<String, String> env, String... args) {
    return CliRun.of(tmp, env, args);
  }

  @Test
  void planWithTheServersCaReadsTheDatabaseOverTls() throws IOException {
    Path ca = write("ca.pem", SERVERS.open().ca.certPem());
    CliRun r = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.open().uri(), "--tls-ca-file",
        ca.toString());
    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.out()).contains("CreateIndex", "posts.by_author");

    // The same from the environment.
    CliRun env = run(Map.of("MONGODB_URI", SERVERS.open().uri(), "MONGODB_TLS_CA_FILE", ca.toString()), "plan", "-f",
        schema().toString());
    assertThat(env.code()).as(env.all()).isEqualTo(2);
  }

  @Test
  void aWrongCaIsRefusedAsATlsHandshakeFailure() throws IOException {
    Certs.Issued other = Certs.ca("not the server's CA");
    Path ca = write("other-ca.pem", other.certPem());
    CliRun r = run(Map.of(), "plan", "-f", schema().toString(), "--attempts", "1", "--mongo-uri", SERVERS.open().uri(),
        "--tls-ca-file", ca.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach MongoDB").contains("TLS handshake").containsIgnoringCase(
        "certification path").doesNotContain("BEGIN");
  }

  @Test
  void aClientCertificateIsPresentedWhereTheServerRequiresOne() throws IOException {
    Path ca = write("ca.pem", SERVERS.mutual().ca.certPem());
    Certs.Issued client = Certs.client(SERVERS.mutual().ca, "cli", false);
    Path cert = write("tls.crt", client.certPem());
    Path key = write("tls.key", client.keyTraditionalPem());
    CliRun without = run(Map.of(), "plan", "-f", schema().toString(), "--attempts", "1", "--mongo-uri", SERVERS.mutual().uri(),
        "--tls-ca-file", ca.toString());
    assertThat(without.code()).isEqualTo(1);
    assertThat(without.err()).contains("client certificate");

    CliRun with = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.mutual().uri(), "--tls-ca-file",
        ca.toString(), "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString());
    assertThat(with.code()).as(with.all()).isEqualTo(2);
    assertThat(with.out()).contains("posts.by_author");
  }

  @Test
  void badTlsInputIsRefusedNamingTheFlag() throws IOException {
    Path cert = write("tls.crt", Certs.client(SERVERS.mutual().ca, "cli", false).certPem());
    CliRun noKey = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.mutual().uri(), "--tls-cert-file",
        cert.toString());
    assertThat(noKey.code()).isEqualTo(1);
    assertThat(noKey.err()).contains("--tls-cert-file").contains("needs its private key");

    Path notPem = write("ca.txt", "not a certificate at all");
    CliRun bad = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.open().uri(), "--tls-ca-file",
        notPem.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("--tls-ca-file " + notPem).doesNotContain("not a certificate at all");

    CliRun embedded = run(Map.of(), "plan", "-f", schema().toString(), "--tls-ca-file", notPem.toString());
    assertThat(embedded.code()).isEqualTo(1);
    assertThat(embedded.err()).contains("the embedded server serves no TLS");
  }

  @Test
  void aSpecConnectionTlsTheCliDoesNotReadIsNamedWithTheFlagsToUse() throws IOException {
    Path file = write("with-tls.yaml", "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\n"
        + "metadata: {name: tls, namespace: cli}\nspec:\n  connection:\n    secretRef: {name: mongo}\n"
        + "    tls: {caSecretRef: {name: mongo-ca}}\n  database: cli_tls\n  collections: [{name: posts, indexes: [{name: by_author, keys: [{field: author}]}]}]\n");
    CliRun r = run(Map.of(), "plan", "-f", file.toString(), "--mongo-uri", SERVERS.open().uri(), "--tls-ca-file",
        write("ca.pem", SERVERS.open().ca.certPem()).toString());
    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("the CLI does not read them");
    CliRun without = run(Map.of(), "plan", "-f", file.toString(), "--attempts", "1", "--mongo-uri", SERVERS.open().uri());
    assertThat(without.err()).contains("spec.connection.tls names Secrets for the operator; the CLI does not read them")
        .contains("--tls-ca-file");
  }

  @Test
  void anInsecureOptionOfTheConnectionStringIsWarnedAboutWithoutTheConnectionString() throws IOException {
    Path ca = write("ca.pem", SERVERS.open().ca.certPem());
    CliRun r = run(Map.of("MONGODB_URI", SERVERS.open().uri() + "/?tlsAllowInvalidHostnames=true"), "plan", "-f",
        schema().toString(), "--tls-ca-file", ca.toString());
    assertThat(r.code()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).contains("warning: the connection string sets tlsAllowInvalidHostnames=true")
        .contains("host name is not verified");
    assertThat(r.err().lines().filter(l -> l.contains("tlsAllowInvalidHostnames")))
        .noneSatisfy(l -> assertThat(l).contains("mongodb://"));
    CliRun secure = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.open().uri(),
        "--tls-ca-file", ca.toString());
    assertThat(secure.err()).doesNotContain("warning: the connection string sets");
  }

  @Test
  void aDerCaFileIsNamedAsDer() throws Exception {
    Path der = tmp.resolve("ca.der");
    Files.write(der, new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(SERVERS.open().ca
        .cert()).getEncoded());
    CliRun r = run(Map.of(), "plan", "-f", schema().toString(), "--mongo-uri", SERVERS.open().uri(), "--tls-ca-file",
        der.toString());
    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).contains("--tls-ca-file " + der + " holds no PEM certificate (it looks like DER: convert with "
        + "`openssl x509 -inform der");
  }
}
