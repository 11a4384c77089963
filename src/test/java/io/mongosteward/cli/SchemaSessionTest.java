package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.mongo.MongoUri;
import org.junit.jupiter.api.Test;

class SchemaSessionTest {
  @Test
  void theCliWaitsFiveSecondsForAServerUnlessTold() {
    ClientOptions declared = new ClientOptions();
    declared.setMaxPoolSize(7);
    ClientOptions o = SchemaSession.interactive(MongoUri.parse("mongodb://db"), declared);
    assertThat(o.getServerSelectionTimeoutMS()).isEqualTo(5000);
    assertThat(o.getMaxPoolSize()).isEqualTo(7);
    assertThat(SchemaSession.interactive(MongoUri.parse("mongodb://db"), null).getServerSelectionTimeoutMS()).isEqualTo(5000);
  }

  @Test
  void aTimeoutInTheUriOrTheSpecWins() {
    assertThat(SchemaSession.interactive(MongoUri.parse("mongodb://db/?serverSelectionTimeoutMS=30000"), null)).isNull();
    ClientOptions declared = new ClientOptions();
    declared.setServerSelectionTimeoutMS(60000);
    assertThat(SchemaSession.interactive(MongoUri.parse("mongodb://db"), declared)).isSameAs(declared);
  }
}
