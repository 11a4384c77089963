package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MongoUriTest {
  @Test
  void redactedHidesThePasswordOnly() {
    MongoUri uri = MongoUri.parse("mongodb://app:p%40ss-W0rd@db1:27017,db2:27017/bot?replicaSet=rs0");
    assertThat(uri.redacted()).isEqualTo("mongodb://app:***@db1:27017,db2:27017/bot?replicaSet=rs0");
    assertThat(uri.database()).isEqualTo("bot");
  }

  @Test
  void redactorMasksTheDecodedPasswordToo() {
    MongoUri uri = MongoUri.parse("mongodb://app:p%40ss-W0rd@db1/bot");
    assertThat(uri.redactor().scrub("auth failed for p@ss-W0rd and p%40ss-W0rd")).isEqualTo("auth failed for *** and ***");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://app:hunter22@db", "mongodb://app:hunter22@", "mongodb://app:hunter22@db:notaport",
      "mongodb://app:hunter22@db/?w=bogus&unknownOption=1&maxPoolSize=x"})
  void malformedUrisAreRejectedWithoutThePassword(String raw) {
    assertThatThrownBy(() -> MongoUri.parse(raw))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter22"));
  }

  @Test
  void blankIsRejected() {
    assertThatThrownBy(() -> MongoUri.parse("  ")).hasMessage("the connection string is empty");
  }

  @Test
  void scrubUrisWorksWithoutAKnownSecret() {
    assertThat(Redactor.scrubUris("x mongodb+srv://u:pw@c.example.net/db y")).isEqualTo("x mongodb+srv://u:***@c.example.net/db y");
  }
}
