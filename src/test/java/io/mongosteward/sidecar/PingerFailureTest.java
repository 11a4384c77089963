package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Pinger;
import io.mongosteward.mongo.Pinger.Failure;
import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** Driver errors map to the few failure reasons that tag the failure counter; a refusal on a real socket. */
class PingerFailureTest {
  static final ServerAddress ADDRESS = new ServerAddress("127.0.0.1", 27017);
  static final String SECRET = "Refus3d-S3cret";

  static MongoCommandException command(int code) {
    return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
        .append("errmsg", new BsonString("nope")), ADDRESS);
  }

  @Test
  void timeoutsOfEveryKind() {
    assertThat(Failure.of(new MongoOperationTimeoutException("timeoutMS expired"))).isEqualTo(Failure.TIMEOUT);
    assertThat(Failure.of(new MongoTimeoutException("server selection"))).isEqualTo(Failure.TIMEOUT);
    assertThat(Failure.of(new MongoSocketReadTimeoutException("read", ADDRESS, new IOException())))
        .isEqualTo(Failure.TIMEOUT);
    assertThat(Failure.of(new MongoOperationTimeoutException("op", new MongoSocketOpenException("x", ADDRESS))))
        .isEqualTo(Failure.TIMEOUT);
  }

  @Test
  void networkAuthServerAndClient() {
    assertThat(Failure.of(new MongoSocketOpenException("Exception opening socket", ADDRESS,
        new ConnectException("Connection refused")))).isEqualTo(Failure.REFUSED);
    assertThat(Failure.of(new MongoSocketOpenException("Exception opening socket", ADDRESS,
        new UnknownHostException("db")))).isEqualTo(Failure.NETWORK);
    assertThat(Failure.of(new MongoSecurityException(MongoCredential.createCredential("u", "admin",
        "p".toCharArray()), "bad password"))).isEqualTo(Failure.AUTH);
    assertThat(Failure.of(command(18))).isEqualTo(Failure.AUTH);
    // A missing privilege (13) is not a refused login: the server answered.
    assertThat(Failure.of(command(13))).isEqualTo(Failure.SERVER);
    assertThat(Failure.of(command(59))).isEqualTo(Failure.SERVER);
    assertThat(Failure.of(new IllegalStateException("closed"))).isEqualTo(Failure.CLIENT);
    assertThat(Failure.TIMEOUT.label()).isEqualTo("timeout");
    // A failed TLS handshake is its own reason, also under the socket error the driver wraps it in.
    assertThat(Failure.of(new com.mongodb.MongoSocketWriteException("Exception sending message", ADDRESS,
        new javax.net.ssl.SSLHandshakeException("PKIX path building failed")))).isEqualTo(Failure.TLS);
    assertThat(MongoProbe.REASONS).containsExactly("timeout", "refused", "network", "auth", "server", "client",
        "tls");
  }

  @Test
  void aRefusedConnectionIsReportedAsRefusedWithTheDriversCauseNotAsATimeout() {
    int port = TestServers.freePort(); // nothing listens there: every connection attempt is refused
    MongoUri uri = MongoUri.parse("mongodb://app:" + SECRET + "@127.0.0.1:" + port + "/app");
    try (Pinger pinger = new Pinger(uri, null, Duration.ofMillis(500), List.of())) {
      assertThatThrownBy(pinger::ping).isInstanceOfSatisfying(Pinger.PingFailedException.class, e -> {
        assertThat(e.failure()).isEqualTo(Failure.REFUSED);
        assertThat(e.getMessage()).startsWith("127.0.0.1:" + port + " refused the connection: ")
            .contains("ConnectException: Connection refused").doesNotContain(SECRET);
      });
    }
  }
}
