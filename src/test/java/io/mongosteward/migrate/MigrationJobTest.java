package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.KeepPolicy;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.failure.Failure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationJobTest {
  static MongoMigrationSpec dedupe(String... keys) {
    MongoMigrationSpec s = new MongoMigrationSpec();
    s.setCollection("posts");
    DeduplicateSpec d = new DeduplicateSpec();
    d.setKeys(new ArrayList<>(List.of(keys)));
    s.setDeduplicate(d);
    return s;
  }

  static MongoMigrationSpec backfill(String source, String target, Transform... t) {
    MongoMigrationSpec s = new MongoMigrationSpec();
    s.setCollection("posts");
    BackfillSpec b = new BackfillSpec();
    b.setSource(source);
    b.setTarget(target);
    b.setTransforms(new ArrayList<>(List.of(t)));
    s.setBackfill(b);
    return s;
  }

  @Test
  void theHashFollowsWhatDecidesTheResultOnly() {
    MongoMigrationSpec a = dedupe("post_id");
    String h = MigrationJob.specHash(a);
    assertThat(h).hasSize(16).isEqualTo(MigrationJob.specHash(dedupe("post_id")));
    a.setBatchSize(10);
    a.setMaxDocumentsPerSecond(5);
    a.setSuspend(true);
    assertThat(MigrationJob.specHash(a)).as("pace and suspend resume the same run").isEqualTo(h);
    a.getDeduplicate().setKeep(KeepPolicy.Newest);
    assertThat(MigrationJob.specHash(a)).isNotEqualTo(h);
    assertThat(MigrationJob.specHash(dedupe("post_id", "chat"))).isNotEqualTo(h);
    MongoMigrationSpec dry = dedupe("post_id");
    dry.setDryRun(true);
    assertThat(MigrationJob.specHash(dry)).isNotEqualTo(h);
    String f = MigrationJob.specHash(backfill("a", "b", Transform.NormalizeUrl, Transform.Lowercase));
    assertThat(MigrationJob.specHash(backfill("a", "b", Transform.Lowercase, Transform.NormalizeUrl)))
        .as("transforms are ordered").isNotEqualTo(f);
    MongoMigrationSpec rerun = dedupe("post_id");
    rerun.setRerun("2026-11-27");
    assertThat(MigrationJob.specHash(rerun)).as("a rerun token is a new run").isNotEqualTo(h);
    String once = MigrationJob.specHash(rerun);
    rerun.setRerun("2026-11-28");
    assertThat(MigrationJob.specHash(rerun)).isNotEqualTo(once).isNotEqualTo(h);
    // Field boundaries are kept: ["ab"] is not ["a", "b"].
    assertThat(MigrationJob.specHash(dedupe("ab"))).isNotEqualTo(MigrationJob.specHash(dedupe("a", "b")));
  }

  @Test
  void theEngineRefusesWhatItCannotRunNamingTheField() {
    MongoMigrationSpec both = dedupe("k");
    both.setBackfill(new BackfillSpec());
    assertThatThrownBy(() -> MigrationRunner.validate(both)).isInstanceOf(Failure.Invalid.class)
        .hasMessageContaining("exactly one of deduplicate and backfill");
    assertThatThrownBy(() -> MigrationRunner.validate(dedupe())).hasMessageContaining("spec.deduplicate.keys");
    MongoMigrationSpec self = dedupe("k");
    self.getDeduplicate().setArchiveCollection("posts");
    assertThatThrownBy(() -> MigrationRunner.validate(self)).hasMessageContaining("archiveCollection");
    assertThatThrownBy(() -> MigrationRunner.validate(backfill("a", "a.b")))
        .hasMessageContaining("spec.backfill.target");
    assertThatThrownBy(() -> MigrationRunner.validate(backfill("a", "_id"))).hasMessageContaining("spec.backfill.target");
    MongoMigrationSpec meta = dedupe("k");
    meta.setCollection("mongosteward");
    assertThatThrownBy(() -> MigrationRunner.validate(meta)).hasMessageContaining("spec.collection");
    MigrationRunner.validate(backfill("message_link", "message_link_norm", Transform.NormalizeUrl));
    assertThat(MigrationRunner.archiveOf(dedupe("k"))).isEqualTo("posts_duplicates");
  }
}
