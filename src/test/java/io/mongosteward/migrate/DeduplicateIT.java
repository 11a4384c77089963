package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeduplicateIT {
  @ParameterizedTest
  @EnumSource(MongoBackend.class)
  void smallDeduplication(MongoBackend backend) {
    MongoDatabase db = freshDatabase(backend);
    MongoCollection<Document> posts = db.getCollection("posts");
    Posts seeded = seedPosts(posts, 100_000, 0.05, 1);
    MongoMigrationSpec spec = deduplicate("posts", KeepPolicy.Oldest, "created_at", "post_id");
    spec.setBatchSize(500);
    List<Progress> seen = new ArrayList<>();
    long start = System.nanoTime();
    RunResult r = runner().run(db, job(spec), seen::add, () -> false);
    System.out.println(backend + ": " + r + " in " + (System.nanoTime() - start) / 1_000_000 + " ms, " + seen.size() + " progress");
    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(duplicateKeys(posts, "post_id")).isZero();
    assertThat(ids(posts)).isEqualTo(seeded.survivors());
    assertThat(db.getCollection("posts_duplicates").countDocuments()).isEqualTo(seeded.losers());
    assertThat(r.last().changed()).isEqualTo(seeded.losers());
    posts.createIndex(Indexes.ascending("post_id"), new IndexOptions().unique(true));
    System.out.println(db.getCollection("mongosteward").find().into(new ArrayList<>()));
  }
}
