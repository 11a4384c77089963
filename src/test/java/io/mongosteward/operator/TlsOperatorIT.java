package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.TlsFerrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.connection.tls on the real API server, against FerretDB processes that serve only TLS (one
 * of them requires client certificates), with certificates made here. FerretDB v1.24 has no x509
 * authentication (no MONGODB-X509 mechanism): what is shown is that the client certificate from
 * the Secret is presented, and that the server that requires one accepts it and refuses its absence.
 */
class TlsOperatorIT {
  @RegisterExtension static final TlsFerrets SERVERS = new TlsFerrets();

  /** One MongoDB attempt per reconcile; the framework's retry: 1 s doubling, as in production. */
  private static OperatorHarness harness(String prefix) {
    return new OperatorHarness(prefix, s -> s.with(b -> b.mongoAttempts = 1),
        new GenericRetry().setMaxAttempts(6).setInitialInterval(1000).setIntervalMultiplier(2).setMaxInterval(30_000));
  }

  /** @param database one per test: schemas in other namespaces must not claim the same collections */
  private static String spec(String database, String tls) {
    return """
        connection:
          secretRef: {name: mongo}
          clientOptions: {serverSelectionTimeoutMS: 300, timeoutMS: 5000}
          tls: %s
        database: %s
        collections:
          - name: posts
            indexes:
              - name: by_author
                keys: [{field: author}]
        """.formatted(tls, database);
  }

  private static void caSecret(OperatorHarness op, String name, String pem) {
    op.client.secrets().inNamespace(op.namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .endMetadata().withStringData(Map.of("ca.crt", pem)).build()).serverSideApply();
  }

  private static void clientSecret(OperatorHarness op, String name, Certs.Issued cert) {
    op.client.secrets().inNamespace(op.namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .endMetadata().withType("kubernetes.io/tls")
        .withStringData(Map.of("tls.crt", cert.certPem(), "tls.key", cert.keyTraditionalPem())).build())
        .serverSideApply();
  }

  private static List<Event> events(OperatorHarness op, String reason) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static double failures(OperatorHarness op, Reason reason) {
    var counter = op.registry.find("mongosteward.reconcile.failures").tag("reason", reason.name()).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void theRightCaConnectsAndAWrongOneIsRefusedWithBackoffUntilTheCaSecretIsRotated() {
    String db = "tls_ca";
    try (OperatorHarness op = harness("tls-ca")) {
      op.secret("mongo", SERVERS.open().uri());
      caSecret(op, "mongo-ca", Certs.ca("not the server's CA").certPem());
      op.apply("s", spec(db, "{caSecretRef: {name: mongo-ca}}"));
      op.awaitReady("s", "False", Reason.TLSHandshakeFailed.name());
      assertThat(op.ready("s").getMessage()).contains("127.0.0.1:" + SERVERS.open().port()).doesNotContain("BEGIN");

      // Backoff, not a hot loop: each attempt fails in well under a second, so a loop would make
      // dozens in this window; the framework's retry (1 s, 2 s, 4 s, 8 s) makes a handful.
      double before = failures(op, Reason.TLSHandshakeFailed);
      Awaitility.await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true);
      double attempts = failures(op, Reason.TLSHandshakeFailed) - before;
      assertThat(attempts).as("attempts in 12 s").isBetween(1.0, 5.0);
      assertThat(events(op, Reason.TLSHandshakeFailed.name())).isNotEmpty()
          .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("BEGIN"));

      // The CA Secret rotated to the right CA: the poller sees it, a new client connects.
      caSecret(op, "mongo-ca", SERVERS.open().ca.certPem());
      op.awaitReady("s", "True", Reason.Synced.name());
      assertThat(op.app.openClients()).isEqualTo(1);
    }
  }

  @Test
  void aClientCertificateFromAKubernetesTlsSecretIsPresentedAndItsRotationMakesANewClient() {
    String db = "tls_x509";
    try (OperatorHarness op = harness("tls-x509")) {
      op.secret("mongo", SERVERS.mutual().uri());
      caSecret(op, "mongo-ca", SERVERS.mutual().ca.certPem());
      // Without a client certificate the server closes the connection.
      op.apply("s", spec(db, "{caSecretRef: {name: mongo-ca}}"));
      op.awaitReady("s", "False", Reason.TLSHandshakeFailed.name());

      clientSecret(op, "mongo-client", Certs.client(SERVERS.mutual().ca, "app", true));
      op.apply("s", spec(db, "{caSecretRef: {name: mongo-ca}, clientCertSecretRef: {name: mongo-client}}"));
      op.awaitReady("s", "True", Reason.Synced.name());
      int created = op.app.createdClients();
      assertThat(op.app.openClients()).isEqualTo(1);

      // A rotated certificate (as cert-manager renews it): a new client, and the old one closed.
      clientSecret(op, "mongo-client", Certs.client(SERVERS.mutual().ca, "app", false));
      OperatorHarness.eventually().alias("a new client after the rotation")
          .until(() -> op.app.createdClients() > created);
      OperatorHarness.eventually().until(() -> op.app.openClients() == 1);
      assertThat(op.app.createdClients()).isEqualTo(created + 1);
      op.awaitReady("s", "True", Reason.Synced.name());
    }
  }

  @Test
  void insecureSkipVerifyConnectsToAnUnknownCaAndSaysSoOnReadyAndInAnEvent() {
    String db = "tls_insecure";
    try (OperatorHarness op = harness("tls-insecure")) {
      op.secret("mongo", SERVERS.open().uri());
      op.apply("s", spec(db, "{insecureSkipVerify: true}"));
      op.awaitReady("s", "True", Reason.Synced.name());
      assertThat(op.ready("s").getMessage()).contains("insecureSkipVerify is true");
      OperatorHarness.eventually().until(() -> !events(op, Reason.InsecureSkipVerify.name()).isEmpty());
      Event e = events(op, Reason.InsecureSkipVerify.name()).get(0);
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("not verified");
    }
  }

  @Test
  void aSecretThatHoldsNoPemIsRefusedNamingItsKey() {
    String db = "tls_bad";
    try (OperatorHarness op = harness("tls-bad")) {
      op.secret("mongo", SERVERS.open().uri());
      caSecret(op, "mongo-ca", "this is not a certificate");
      op.apply("s", spec(db, "{caSecretRef: {name: mongo-ca}}"));
      op.awaitReady("s", "False", Reason.InvalidTLSMaterial.name());
      assertThat(op.ready("s").getMessage()).contains("Secret " + op.namespace + "/mongo-ca key 'ca.crt'")
          .doesNotContain("this is not a certificate");
    }
  }

  @Test
  void aMigrationWithItsOwnConnectionRunsOverTlsWithAClientCertificate() {
    Certs.Issued client = Certs.client(SERVERS.mutual().ca, "migrator", false);
    try (OperatorHarness op = harness("tls-mig");
        var mongo = com.mongodb.client.MongoClients.create(com.mongodb.MongoClientSettings.builder()
            .applyConnectionString(new com.mongodb.ConnectionString(SERVERS.mutual().uri()))
            .applyToSslSettings(ssl -> ssl.enabled(true).context(io.mongosteward.mongo.TlsContexts.build(
                new io.mongosteward.mongo.TlsMaterial(SERVERS.mutual().ca.certPem(), client.certPem(), client.keyPkcs8Pem(),
                    false), new io.mongosteward.mongo.TlsContexts.Names("ca", "cert", "key")))).build())) {
      var posts = mongo.getDatabase("tls_mig").getCollection("posts");
      for (int i = 0; i < 50; i++) {
        posts.insertOne(new org.bson.Document("_id", i).append("title", "  Title " + i + "  "));
      }
      op.secret("mongo", SERVERS.mutual().uri());
      caSecret(op, "mongo-ca", SERVERS.mutual().ca.certPem());
      clientSecret(op, "mongo-client", client);
      String yaml = "apiVersion: mongosteward.io/v1alpha1\nkind: MongoMigration\nmetadata:\n  name: trim\n"
          + "  namespace: " + op.namespace + "\nspec:\n" + """
          connection:
            secretRef: {name: mongo}
            tls: {caSecretRef: {name: mongo-ca}, clientCertSecretRef: {name: mongo-client}}
          database: tls_mig
          collection: posts
          backfill: {source: title, target: title_trimmed, transforms: [Trim]}
          """.stripIndent().indent(2);
      var m = op.client.resources(io.mongosteward.api.v1alpha1.MongoMigration.class)
          .load(new java.io.ByteArrayInputStream(yaml.getBytes())).item();
      op.client.resource(m).serverSideApply();
      OperatorHarness.eventually().alias("migration Succeeded over TLS").until(() -> {
        var now = op.client.resources(io.mongosteward.api.v1alpha1.MongoMigration.class).inNamespace(op.namespace)
            .withName("trim").get();
        return now != null && now.getStatus() != null
            && now.getStatus().getPhase() == io.mongosteward.api.v1alpha1.MigrationPhase.Succeeded;
      });
      assertThat(posts.countDocuments(new org.bson.Document("title_trimmed", "Title 7"))).isEqualTo(1);
    }
  }

  @Test
  void anInsecureOptionOfTheConnectionStringIsSaidOnReadyAndInAnEventLikeInsecureSkipVerify() {
    String db = "tls_uri_insecure";
    try (OperatorHarness op = harness("tls-uri-insecure")) {
      // Verified against the CA, but not the host name: the Java driver's tlsInsecure does the same.
      op.secret("mongo", SERVERS.open().uri() + "/?tls=true&tlsAllowInvalidHostnames=true");
      caSecret(op, "mongo-ca", SERVERS.open().ca.certPem());
      op.apply("s", spec(db, "{caSecretRef: {name: mongo-ca}}"));
      op.awaitReady("s", "True", Reason.Synced.name());
      assertThat(op.ready("s").getMessage()).contains("the connection string sets tlsAllowInvalidHostnames=true")
          .doesNotContain("mongodb://").doesNotContain("127.0.0.1");
      OperatorHarness.eventually().until(() -> !events(op, Reason.InsecureSkipVerify.name()).isEmpty());
      Event e = events(op, Reason.InsecureSkipVerify.name()).get(0);
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("tlsAllowInvalidHostnames=true").contains("not verified")
          .doesNotContain("mongodb://");

      // Without a tls block at all: tlsInsecure in the connection string alone.
      op.secret("plain", io.mongosteward.testsupport.MongoBackend.MONGO_JAVA_SERVER.uri() + "/?tlsInsecure=true");
      op.apply("u", spec(db + "_u", "null").replace("  tls: null\n", "").replace("{name: mongo}", "{name: plain}"));
      op.awaitReady("u", "True", Reason.Synced.name());
      assertThat(op.ready("u").getMessage()).contains("the connection string sets tlsInsecure=true");
      OperatorHarness.eventually().until(() -> events(op, Reason.InsecureSkipVerify.name()).stream()
          .anyMatch(x -> x.getInvolvedObject().getName().equals("u")));
    }
  }
}
