package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import io.mongosteward.mongo.Pinger.Failure;
import java.io.IOException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** Driver errors map to the few failure reasons that tag the failure counter. */
class PingerFailureTest {
  static final ServerAddress ADDRESS = new ServerAddress("127.0.0.1", 27017);

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
    assertThat(Failure.of(new MongoSocketOpenException("refused", ADDRESS))).isEqualTo(Failure.NETWORK);
    assertThat(Failure.of(new MongoSecurityException(MongoCredential.createCredential("u", "admin",
        "p".toCharArray()), "bad password"))).isEqualTo(Failure.AUTH);
    assertThat(Failure.of(command(18))).isEqualTo(Failure.AUTH);
    // A missing privilege (13) is not a refused login: the server answered.
    assertThat(Failure.of(command(13))).isEqualTo(Failure.SERVER);
    assertThat(Failure.of(command(59))).isEqualTo(Failure.SERVER);
    assertThat(Failure.of(new IllegalStateException("closed"))).isEqualTo(Failure.CLIENT);
    assertThat(Failure.TIMEOUT.label()).isEqualTo("timeout");
    assertThat(MongoProbe.REASONS).containsExactly("timeout", "network", "auth", "server", "client");
  }
}
