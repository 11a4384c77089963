package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules a MongoMigration must follow beyond its types: the same ones its CRD carries as
 * OpenAPI and CEL, for the CLI (whose files the API server never sees) and the operator.
 */
public final class MigrationValidator {
  public List<Violation> validate(MongoMigrationSpec spec) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "is required"));
      return out;
    }
    boolean schemaRef = spec.getSchemaRef() != null;
    if (spec.getConnection() != null && schemaRef) {
      out.add(new Violation("spec.schemaRef", "give either connection or schemaRef, not both"));
    }
    if (schemaRef && (spec.getSchemaRef().getName() == null || spec.getSchemaRef().getName().isBlank())) {
      out.add(new Violation("spec.schemaRef.name", "is required: the MongoSchema whose connection and database to use"));
    }
    if (spec.getDatabase() == null || spec.getDatabase().isBlank()) {
      if (!schemaRef) {
        out.add(new Violation("spec.database", "is required unless schemaRef names a MongoSchema to take it from"));
      }
    } else {
      SpecValidator.validateDatabase(spec.getDatabase(), out);
    }
    String collection = spec.getCollection();
    if (collection == null || collection.isBlank()) {
      out.add(new Violation("spec.collection", "is required: the collection to change"));
    } else {
      collectionName("spec.collection", collection, out);
    }
    if ((spec.getDeduplicate() == null) == (spec.getBackfill() == null)) {
      out.add(new Violation("spec", "give exactly one of deduplicate and backfill: one migration makes one kind of change"));
    }
    if (spec.getDeduplicate() != null) {
      deduplicate(spec.getDeduplicate(), collection, out);
    }
    if (spec.getBackfill() != null) {
      backfill(spec.getBackfill(), out);
    }
    if (spec.getBatchSize() != null && (spec.getBatchSize() < 1 || spec.getBatchSize() > 10_000)) {
      out.add(new Violation("spec.batchSize", "must be from 1 to 10,000, not " + spec.getBatchSize()));
    }
    if (spec.getMaxDocumentsPerSecond() != null
        && (spec.getMaxDocumentsPerSecond() < 1 || spec.getMaxDocumentsPerSecond() > 1_000_000)) {
      out.add(new Violation("spec.maxDocumentsPerSecond", "must be from 1 to 1,000,000, not "
          + spec.getMaxDocumentsPerSecond()));
    }
    String rerun = spec.getRerun();
    if (rerun != null && (rerun.isEmpty() || rerun.length() > 63 || rerun.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
      out.add(new Violation("spec.rerun", "must be 1 to 63 characters without control characters: any new value runs "
          + "the migration again"));
    }
    if (spec.getConnection() != null && spec.getConnection().getClientOptions() != null) {
      SpecValidator.validateClientOptions(spec.getConnection().getClientOptions(), out);
    }
    return out;
  }

  private static void deduplicate(DeduplicateSpec d, String collection, List<Violation> out) {
    String path = "spec.deduplicate";
    if (d.getKeys().isEmpty()) {
      out.add(new Violation(path + ".keys", "must list at least one field: those of the unique index to build"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < d.getKeys().size(); i++) {
      String key = d.getKeys().get(i);
      if (!SpecValidator.isFieldPath(key)) {
        out.add(new Violation(path + ".keys[" + i + "]", fieldProblem(key)));
      } else if (!seen.add(key)) {
        out.add(new Violation(path + ".keys[" + i + "]", "'" + key + "' is listed twice"));
      }
    }
    if (!SpecValidator.isFieldPath(d.getKeepBy())) {
      out.add(new Violation(path + ".keepBy", fieldProblem(d.getKeepBy())));
    }
    String archive = d.getArchiveCollection();
    if (archive != null) {
      collectionName(path + ".archiveCollection", archive, out);
      if (archive.equals(collection)) {
        out.add(new Violation(path + ".archiveCollection", "must differ from the collection: the removed documents "
            + "go there"));
      }
    }
  }

  private static void backfill(BackfillSpec b, List<Violation> out) {
    String path = "spec.backfill";
    if (!SpecValidator.isFieldPath(b.getSource())) {
      out.add(new Violation(path + ".source", fieldProblem(b.getSource())));
    }
    if (!SpecValidator.isFieldPath(b.getTarget())) {
      out.add(new Violation(path + ".target", fieldProblem(b.getTarget())));
    } else if (b.getTarget().equals(b.getSource())) {
      out.add(new Violation(path + ".target", "must differ from source: the source is read, the target written"));
    } else if (b.getTarget().equals("_id") || b.getTarget().startsWith("_id.")) {
      out.add(new Violation(path + ".target", "_id cannot be written"));
    }
    if (b.getTransforms().size() > 8) {
      out.add(new Violation(path + ".transforms", "at most 8 steps, not " + b.getTransforms().size()));
    }
    for (int i = 0; i < b.getTransforms().size(); i++) {
      if (b.getTransforms().get(i) == null) {
        out.add(new Violation(path + ".transforms[" + i + "]", "must be one of NormalizeUrl, Lowercase, Trim"));
      }
    }
  }

  private static void collectionName(String path, String name, List<Violation> out) {
    String problem = SpecValidator.collectionNameProblem(name);
    if (problem != null) {
      out.add(new Violation(path, problem));
    } else if (name.startsWith("system.")) {
      out.add(new Violation(path, "'" + name + "' is not a valid collection name: names starting with system. are "
          + "reserved by MongoDB"));
    } else if (name.equals(SpecValidator.METADATA_COLLECTION)) {
      out.add(new Violation(path, SpecValidator.metadataCollection()));
    }
  }

  private static String fieldProblem(String field) {
    return field == null || field.isBlank() ? "is required: a field path such as message_link"
        : "'" + field + "' is not a field path: no empty part (a..b, .a, a.), and no part starting with $";
  }
}
