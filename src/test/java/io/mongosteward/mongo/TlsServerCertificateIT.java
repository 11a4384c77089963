package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import io.mongosteward.testsupport.Certs;
import io.mongosteward.testsupport.TlsFerret;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server certificate signed by the trusted CA but wrong all the same: expired, not valid yet, or
 * for another host. Each is TLSHandshakeFailed, and the message names the cause the JDK found, so
 * that the reader knows what to renew or reissue; the sidecar's ping too. Each case is a FerretDB
 * serving that certificate.
 */
class TlsServerCertificateIT {
  @ParameterizedTest
  @CsvSource({
      "EXPIRED, the server's certificate has expired",
      "NOT_YET_VALID, the server's certificate is not valid yet",
      "WRONG_NAME, hostname mismatch: the server's certificate does not name 127.0.0.1"})
  void aFlawedServerCertificateIsRefusedNamingTheFlaw(Certs.Flaw flaw, String cause) {
    ClientOptions quick = new ClientOptions();
    quick.setServerSelectionTimeoutMS(1500);
    quick.setTimeoutMS(3000L);
    try (TlsFerret server = TlsFerret.start(false, flaw);
        ClientRegistry clients = new ClientRegistry(new Retrier(new RetryPolicy(1, Duration.ofMillis(50),
            Duration.ofMillis(100), 2.0), Redactor.none()))) {
      Failure f = catchThrowableOfType(Failure.class, () -> clients.connect(MongoUri.parse(server.uri()), quick,
          new TlsMaterial(server.ca.certPem(), null, null, false)));
      assertThat(f).as("a connect to %s", flaw).isNotNull();
      assertThat(f.reason()).as(f.getMessage()).isEqualTo(Reason.TLSHandshakeFailed);
      assertThat(f.getMessage()).contains(cause).doesNotContain("BEGIN");
      // The sidecar's ping says the same in /health's lastError.
      try (Pinger pinger = new Pinger(MongoUri.parse(server.uri()), quick,
          new TlsMaterial(server.ca.certPem(), null, null, false), Duration.ofSeconds(2), java.util.List.of())) {
        Pinger.PingFailedException e = catchThrowableOfType(Pinger.PingFailedException.class, pinger::ping);
        assertThat(e.failure()).isEqualTo(Pinger.Failure.TLS);
        assertThat(e.getMessage()).startsWith(cause);
      }
    }
  }
}
