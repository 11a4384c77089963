package io.mongosteward.migrate;

import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.plan.Owner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One migration to run.
 *
 * @param owner the MongoMigration (its uid from the cluster; null in the CLI)
 * @param migrationName "namespace/name", as the lease and the ledger name it
 * @param specHash what identifies the change in the ledger: {@link #specHash(MongoMigrationSpec)}
 */
public record MigrationJob(Owner owner, String migrationName, MongoMigrationSpec spec, String specHash) {
  /** A job whose hash is {@link #specHash(MongoMigrationSpec)}; the name is the owner's namespace/name. */
  public static MigrationJob of(Owner owner, MongoMigrationSpec spec) {
    return new MigrationJob(owner, owner.namespace() + "/" + owner.name(), spec, specHash(spec));
  }

  /**
   * 16 hex digits over what decides the result: the collection, the kind of change and its fields,
   * dryRun and rerun (only when set: the hashes of specs without it are those of earlier versions). Not batchSize, maxDocumentsPerSecond, suspend or the connection: changing how fast
   * or from where a run goes resumes it instead of starting another.
   */
  public static String specHash(MongoMigrationSpec spec) {
    StringBuilder b = new StringBuilder("v1|").append(field(spec.getCollection())).append('|')
        .append(spec.isDryRun() ? "dry" : "real").append('|');
    DeduplicateSpec d = spec.getDeduplicate();
    BackfillSpec f = spec.getBackfill();
    if (d != null) {
      b.append("deduplicate|").append(list(d.getKeys())).append('|').append(d.getKeep()).append('|')
          .append(field(d.getKeepBy())).append('|').append(field(d.getArchiveCollection()));
    }
    if (f != null) {
      b.append("backfill|").append(field(f.getSource())).append('|').append(field(f.getTarget())).append('|')
          .append(list(f.getTransforms().stream().map(Transform::name).toList())).append('|').append(f.isOnlyMissing());
    }
    if (spec.getRerun() != null) {
      b.append("|rerun|").append(field(spec.getRerun()));
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String field(String s) {
    return s == null ? "-" : s.length() + ":" + s;
  }

  private static String list(List<String> items) {
    StringBuilder b = new StringBuilder("[");
    items.forEach(i -> b.append(field(i)).append(','));
    return b.append(']').toString();
  }
}
