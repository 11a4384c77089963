package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;
import io.mongosteward.testsupport.MongoBackend;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * $indexStats on the stand-ins: mongo-java-server answers it (each index but _id_, a count and the
 * time counting started); FerretDB refuses it, and the reader says so in a note instead of failing.
 */
class IndexStatsIT {
  private static final ClientRegistry CLIENTS =
      new ClientRegistry(new Retrier(RetryPolicy.DEFAULT, Redactor.none()), List.of());

  @AfterAll
  static void close() {
    CLIENTS.close();
  }

  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void aServerWithoutIndexStatsGetsANoteNotAnError(MongoBackend backend) {
    MongoClient client = CLIENTS.connect(MongoUri.parse(backend.uri()), null);
    MongoDatabase db = client.getDatabase("it_indexstats_" + backend.name().toLowerCase());
    db.getCollection("posts").insertOne(new Document("a", 1));
    db.getCollection("posts").createIndex(Indexes.ascending("a"));
    IndexStatsReader.Stats stats = new IndexStatsReader(new Retrier(RetryPolicy.DEFAULT, Redactor.none()))
        .read(db, List.of("posts"));
    if (backend == MongoBackend.FERRETDB) {
      assertThat(stats.usages()).isEmpty();
      assertThat(stats.note()).contains("does not answer $indexStats").contains("code ")
          .contains("unused indexes are not reported");
    } else {
      assertThat(stats.note()).isNull();
      assertThat(stats.usages()).singleElement().satisfies(u -> {
        assertThat(u.collection()).isEqualTo("posts");
        assertThat(u.index()).isEqualTo("a_1");
        assertThat(u.accesses()).singleElement().satisfies(a -> assertThat(a.since()).isNotNull());
      });
    }
  }

  @org.junit.jupiter.api.Test
  void uniqueAndTtlIndexesAreNeverInTheUsages() {
    // mongo-java-server counts no access at all: without the exclusion both would be listed unused.
    MongoClient client = CLIENTS.connect(MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri()), null);
    MongoDatabase db = client.getDatabase("it_indexstats_kinds");
    db.getCollection("users").insertOne(new Document("email", "a@example.com").append("at", new java.util.Date()));
    db.getCollection("users").createIndex(Indexes.ascending("email"), new com.mongodb.client.model.IndexOptions()
        .unique(true));
    db.getCollection("users").createIndex(Indexes.ascending("at"), new com.mongodb.client.model.IndexOptions()
        .expireAfter(3600L, java.util.concurrent.TimeUnit.SECONDS));
    db.getCollection("users").createIndex(Indexes.ascending("name"));
    IndexStatsReader.Stats stats = new IndexStatsReader(new Retrier(RetryPolicy.DEFAULT, Redactor.none()))
        .read(db, List.of("users"));
    assertThat(stats.usages()).extracting(IndexStatsReader.Usage::index).containsExactly("name_1");
  }
}
