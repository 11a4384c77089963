package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.TlsFerrets;
import java.time.Duration;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS through the one client factory every command uses, against FerretDB processes that serve
 * only TLS: one that verifies nothing of the client, one that requires a client certificate
 * signed by its CA. Certificates are made here, with BouncyCastle.
 */
class TlsConnectIT {
  @RegisterExtension static final TlsFerrets SERVERS = new TlsFerrets();

  private static ClientRegistry registry() {
    return new ClientRegistry(new Retrier(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100), 2.0),
        Redactor.none()));
  }

  private static ClientOptions quick() {
    ClientOptions o = new ClientOptions();
    o.setServerSelectionTimeoutMS(1500);
    o.setTimeoutMS(3000L);
    return o;
  }

  private static void ping(com.mongodb.client.MongoClient client) {
    assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok")).isIn(1, 1.0);
  }

  @Test
  void theRightCaConnectsAndWritesOverTls() {
    try (ClientRegistry clients = registry()) {
      var client = clients.connect(MongoUri.parse(SERVERS.open().uri()), quick(), new TlsMaterial(SERVERS.open().ca.certPem(), null, null,
          false));
      client.getDatabase("tls_it").getCollection("c").insertOne(new Document("a", 1));
      assertThat(client.getDatabase("tls_it").getCollection("c").countDocuments()).isPositive();
    }
  }

  @Test
  void withoutTlsTheTlsOnlyServerIsNotReached() {
    // Proves the server serves TLS alone: the same address in plain text does not answer a ping.
    try (ClientRegistry clients = registry()) {
      Failure f = catchThrowableOfType(Failure.class, () -> clients.connect(MongoUri.parse(SERVERS.open().uri()), quick()));
      assertThat(f).isInstanceOf(Failure.Transient.class);
      assertThat(f.reason()).isNotEqualTo(Reason.Synced);
    }
  }

  @Test
  void aWrongCaIsRefusedAsTlsHandshakeFailedAndNoContentIsQuoted() {
    Certs.Issued other = Certs.ca("some other CA");
    try (ClientRegistry clients = registry()) {
      Failure f = catchThrowableOfType(Failure.class, () -> clients.connect(MongoUri.parse(SERVERS.open().uri()), quick(),
          new TlsMaterial(other.certPem(), null, null, false)));
      assertThat(f).isInstanceOf(Failure.Transient.class);
      assertThat(f.reason()).as(f.getMessage()).isEqualTo(Reason.TLSHandshakeFailed);
      assertThat(f.getMessage()).contains("127.0.0.1:" + SERVERS.open().port()).containsIgnoringCase("certification path")
          .doesNotContain("BEGIN").doesNotContain(body(other.certPem()));
      assertThat(clients.size()).as("a failed connect keeps no client").isZero();
    }
  }

  @Test
  void insecureSkipVerifyConnectsToAServerOfAnUnknownCa() {
    try (ClientRegistry clients = registry()) {
      ping(clients.connect(MongoUri.parse(SERVERS.open().uri()), quick(), new TlsMaterial(null, null, null, true)));
    }
  }

  @Test
  void aServerThatRequiresAClientCertificateRefusesAClientWithoutOne() {
    try (ClientRegistry clients = registry()) {
      Failure f = catchThrowableOfType(Failure.class, () -> clients.connect(MongoUri.parse(SERVERS.mutual().uri()), quick(),
          new TlsMaterial(SERVERS.mutual().ca.certPem(), null, null, false)));
      assertThat(f.reason()).as(f.getMessage()).isEqualTo(Reason.TLSHandshakeFailed);
    }
  }

  @Test
  void aClientCertificateSignedByTheServersCaIsAcceptedInEachKeyFormat() {
    Certs.Issued rsa = Certs.client(SERVERS.mutual().ca, "app-rsa", false);
    Certs.Issued ec = Certs.client(SERVERS.mutual().ca, "app-ec", true);
    try (ClientRegistry clients = registry()) {
      MongoUri uri = MongoUri.parse(SERVERS.mutual().uri());
      ping(clients.connect(uri, quick(), new TlsMaterial(SERVERS.mutual().ca.certPem(), rsa.certPem(), rsa.keyPkcs8Pem(), false)));
      ping(clients.connect(uri, quick(), new TlsMaterial(SERVERS.mutual().ca.certPem(), rsa.certPem(), rsa.keyTraditionalPem(),
          false)));
      ping(clients.connect(uri, quick(), new TlsMaterial(SERVERS.mutual().ca.certPem(), ec.certPem(), ec.keyTraditionalPem(),
          false)));
      ping(clients.connect(uri, quick(), new TlsMaterial(SERVERS.mutual().ca.certPem(), ec.certPem(), ec.keyPkcs8Pem(), false)));
      assertThat(clients.size()).as("each material is a client of its own").isEqualTo(4);
    }
  }

  @Test
  void aClientCertificateOfAnotherCaIsRefused() {
    Certs.Issued stranger = Certs.client(Certs.ca("stranger CA"), "stranger", false);
    try (ClientRegistry clients = registry()) {
      Failure f = catchThrowableOfType(Failure.class, () -> clients.connect(MongoUri.parse(SERVERS.mutual().uri()), quick(),
          new TlsMaterial(SERVERS.mutual().ca.certPem(), stranger.certPem(), stranger.keyPkcs8Pem(), false)));
      assertThat(f.reason()).as(f.getMessage()).isEqualTo(Reason.TLSHandshakeFailed);
      assertThat(f.getMessage()).doesNotContain(body(stranger.keyPkcs8Pem())).doesNotContain(body(stranger.certPem()));
    }
  }

  @Test
  void aRotatedCertificateIsANewClientAndTheOldOneIsClosed() {
    Certs.Issued first = Certs.client(SERVERS.mutual().ca, "app", false);
    Certs.Issued second = Certs.client(SERVERS.mutual().ca, "app", false);
    try (ClientRegistry clients = registry()) {
      MongoUri uri = MongoUri.parse(SERVERS.mutual().uri());
      TlsMaterial before = new TlsMaterial(SERVERS.mutual().ca.certPem(), first.certPem(), first.keyPkcs8Pem(), false);
      TlsMaterial after = new TlsMaterial(SERVERS.mutual().ca.certPem(), second.certPem(), second.keyPkcs8Pem(), false);
      var old = clients.connect(uri, quick(), before);
      assertThat(clients.connect(uri, quick(), new TlsMaterial(SERVERS.mutual().ca.certPem(), first.certPem(),
          first.keyPkcs8Pem(), false))).as("the same material, the same client").isSameAs(old);
      var next = clients.connect(uri, quick(), after);
      assertThat(next).isNotSameAs(old);
      clients.retainOnly(Set.of(ClientRegistry.keyOf(uri, quick(), after)));
      assertThat(clients.size()).isEqualTo(1);
      ping(next);
      assertThat(catchThrowableOfType(IllegalStateException.class, () -> ping(old))).as("the old client is closed")
          .hasMessageContaining("open");
      assertThat(ClientRegistry.keyOf(uri, quick(), after).toString()).doesNotContain(body(second.keyPkcs8Pem()))
          .doesNotContain(body(second.certPem())).contains("sha256:");
    }
  }

  @Test
  void badPemIsRefusedNamingThePartWithoutQuotingIt() {
    Certs.Issued c = Certs.client(SERVERS.mutual().ca, "app", false);
    String notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXRleHQtbm90LWEta2V5\n-----END PRIVATE KEY-----\n";
    var names = new TlsContexts.Names("CA file", "cert file", "key file");
    assertThat(catchThrowableOfType(TlsContexts.InvalidTlsMaterialException.class, () -> TlsContexts.build(
        new TlsMaterial("not a certificate", null, null, false), names))).hasMessageContaining("CA file")
        .hasMessageNotContaining("not a certificate");
    assertThat(catchThrowableOfType(TlsContexts.InvalidTlsMaterialException.class, () -> TlsContexts.build(
        new TlsMaterial(null, c.certPem(), notAKey, false), names))).hasMessageContaining("key file")
        .hasMessageNotContaining("c2VjcmV0");
    assertThat(catchThrowableOfType(TlsContexts.InvalidTlsMaterialException.class, () -> TlsContexts.build(
        new TlsMaterial(null, c.keyPkcs8Pem(), c.keyPkcs8Pem(), false), names))).hasMessageContaining("cert file");
    Certs.Issued other = Certs.client(SERVERS.mutual().ca, "other", false);
    assertThat(catchThrowableOfType(TlsContexts.InvalidTlsMaterialException.class, () -> TlsContexts.build(
        new TlsMaterial(null, c.certPem(), other.keyPkcs8Pem(), false), names)))
        .hasMessageContaining("key file is not the private key of cert file");
  }

  /** A line from the middle of a PEM block: what a leak would show. */
  static String body(String pem) {
    String[] lines = pem.split("\n");
    return lines[lines.length / 2].strip();
  }
}
