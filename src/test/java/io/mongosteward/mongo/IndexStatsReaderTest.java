package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * $indexStats answers read into one usage per index. The fixtures are shaped like the output in
 * MongoDB's manual (https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexStats/):
 * name, key, host, accesses {ops, since}, shard (through mongos: one document per shard for each
 * index) and spec (the index's full specification, with unique and expireAfterSeconds).
 */
class IndexStatsReaderTest {
  static final Instant SINCE_A = Instant.parse("2020-02-10T21:11:23.059Z");
  static final Instant SINCE_B = Instant.parse("2020-02-12T08:00:00Z");

  static Document stat(String name, Document key, String host, long ops, Instant since, String shard, Document spec) {
    Document d = new Document("name", name).append("key", key).append("host", host)
        .append("accesses", new Document("ops", ops).append("since", Date.from(since)));
    if (shard != null) {
      d.append("shard", shard);
    }
    return d.append("spec", spec.append("name", name).append("v", 2));
  }

  static Document key() {
    return new Document("item", 1).append("quantity", 1);
  }

  @Test
  void throughMongosEachShardsDocumentIsKeptAsAnAccessOfTheSameIndex() {
    List<Document> docs = List.of(
        stat("item_1_quantity_1", key(), "shardA-0.example.net:27018", 1_000_000, SINCE_A, "shardA",
            new Document("key", key())),
        stat("item_1_quantity_1", key(), "shardB-0.example.net:27018", 0, SINCE_B, "shardB",
            new Document("key", key())),
        stat("_id_", new Document("_id", 1), "shardA-0.example.net:27018", 5, SINCE_A, "shardA",
            new Document("key", new Document("_id", 1))));
    List<IndexStatsReader.Usage> usages = IndexStatsReader.usages("orders", docs, List.of());
    assertThat(usages).singleElement().satisfies(u -> {
      assertThat(u.collection()).isEqualTo("orders");
      assertThat(u.index()).isEqualTo("item_1_quantity_1");
      assertThat(u.accesses()).containsExactlyInAnyOrder(
          new IndexStatsReader.Access("shardA/shardA-0.example.net:27018", 1_000_000, SINCE_A),
          new IndexStatsReader.Access("shardB/shardB-0.example.net:27018", 0, SINCE_B));
    });
  }

  @Test
  void uniqueAndTtlIndexesAreLeftOutAsTheirWorkIsNotCounted() {
    // $indexStats counts user operations only: enforcing uniqueness on a write and the TTL monitor's
    // deletes are not accesses, so these two would look unused while they do their job.
    List<Document> docs = List.of(
        stat("email_1", new Document("email", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("email", 1)).append("unique", true)),
        stat("createdAt_1", new Document("createdAt", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("createdAt", 1)).append("expireAfterSeconds", 3600)),
        stat("type_1", new Document("type", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("type", 1))));
    assertThat(IndexStatsReader.usages("users", docs, List.of())).extracting(IndexStatsReader.Usage::index)
        .containsExactly("type_1");
  }

  @Test
  void aServerWhoseSpecOmitsTheOptionsIsCheckedAgainstTheCatalog() {
    // mongo-java-server's spec holds key, name and v only: listIndexes says what each index is.
    List<Document> docs = List.of(
        stat("email_1", new Document("email", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("email", 1))),
        stat("createdAt_1", new Document("createdAt", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("createdAt", 1))),
        stat("type_1", new Document("type", 1), "db0:27017", 0, SINCE_A, null,
            new Document("key", new Document("type", 1))));
    List<Document> catalog = List.of(
        new Document("v", 2).append("key", new Document("email", 1)).append("name", "email_1").append("unique", true),
        new Document("v", 2).append("key", new Document("createdAt", 1)).append("name", "createdAt_1")
            .append("expireAfterSeconds", 3600),
        new Document("v", 2).append("key", new Document("type", 1)).append("name", "type_1"));
    assertThat(IndexStatsReader.usages("users", docs, catalog)).extracting(IndexStatsReader.Usage::index)
        .containsExactly("type_1");
  }
}
