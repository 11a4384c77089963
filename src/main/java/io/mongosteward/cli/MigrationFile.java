package io.mongosteward.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.mongosteward.api.v1alpha1.ConnectionSpec;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.plan.MigrationValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Reads MongoMigration YAML as strictly as {@link SchemaFile} reads MongoSchemas: an unknown field,
 * a wrong type or a broken rule names the file:line and the field path. A MongoSchema in the same
 * input is read too (and checked), so that a {@code schemaRef} can take its database and
 * connection; any other kind is an error.
 */
final class MigrationFile {
  private MigrationFile() {}

  /** One MongoMigration of a file and where it came from; the schema its schemaRef names, once resolved. */
  record Migration(String file, int number, boolean numbered, MongoMigration migration, ToIntFunction<String> lines,
      MongoSchema schema) {
    String source() {
      return numbered ? file + " (document " + number + ")" : file;
    }

    String at(String path) {
      int line = lines.applyAsInt(path);
      return file + (line > 0 ? ":" + line : "") + (numbered ? " (document " + number + ")" : "");
    }

    /** namespace/name: the migration's name in the lease and the ledger. */
    String id() {
      return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
    }

    /** The database: the spec's, else that of the MongoSchema schemaRef names. */
    String database() {
      String own = migration.getSpec().getDatabase();
      return own != null && !own.isBlank() ? own : schema.getSpec().getDatabase();
    }

    /** The spec's connection, else that of the MongoSchema schemaRef names; may be null. */
    ConnectionSpec connection() {
      return migration.getSpec().getConnection() != null ? migration.getSpec().getConnection()
          : schema == null ? null : schema.getSpec().getConnection();
    }

    /** Where the connection comes from, for messages: its field path in this file, or the schema's. */
    String connectionField() {
      return migration.getSpec().getConnection() != null || schema == null ? "spec.connection.secretRef"
          : "spec.schemaRef (MongoSchema " + schema.getMetadata().getName() + "'s spec.connection.secretRef)";
    }

    Migration withSchema(MongoSchema s) {
      return new Migration(file, number, numbered, migration, lines, s);
    }
  }

  /** What a file holds: its migrations, and the MongoSchemas a schemaRef may name. */
  record Contents(List<Migration> migrations, List<SchemaFile.Document> schemas) {}

  static Contents parseAll(String file, String text) {
    List<YamlScan.Doc> scanned = YamlScan.scan(SchemaFile.YAML, file, text);
    long count = scanned.stream().filter(d -> !d.empty()).count();
    if (count == 0) {
      throw new InputException(file + ": is empty; expected a MongoMigration", file, null);
    }
    List<Migration> migrations = new ArrayList<>();
    List<SchemaFile.Document> schemas = new ArrayList<>();
    try (JsonParser trees = SchemaFile.YAML.createParser(text); JsonParser beans = SchemaFile.YAML.createParser(text)) {
      for (YamlScan.Doc doc : scanned) {
        trees.nextToken();
        beans.nextToken();
        if (doc.empty()) continue;
        SchemaFile.Where where = new SchemaFile.Where(file, doc, count > 1 || doc.number() > 1);
        JsonNode tree = SchemaFile.YAML.readTree(trees);
        SchemaFile.requireMapping(where, tree, "MongoMigration");
        String kind = checkType(where, tree);
        if (kind.equals("MongoSchema")) {
          schemas.add(new SchemaFile.Document(file, doc.number(), where.numbered(), SchemaFile.mapSchema(where, beans),
              doc::lineOf));
        } else {
          MongoMigration m = SchemaFile.readTyped(where, beans, MongoMigration.class);
          SchemaFile.checkMetadata(where, m.getMetadata());
          SchemaFile.requireNone(where, new MigrationValidator().validate(m.getSpec()));
          migrations.add(new Migration(file, doc.number(), where.numbered(), m, doc::lineOf, null));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the scan has read the same text without error
    }
    return new Contents(migrations, schemas);
  }

  /** The document's kind: MongoMigration, or MongoSchema for a schemaRef to name. */
  private static String checkType(SchemaFile.Where where, JsonNode tree) {
    String expectedApi = MongoSchema.GROUP + "/" + MongoSchema.VERSION;
    String kind = tree.path("kind").asText(null);
    if (kind == null) {
      throw where.error("kind", "is required: write kind: MongoMigration");
    }
    if (!kind.equals("MongoMigration") && !kind.equals("MongoSchema")) {
      throw where.error("kind", "expected MongoMigration (or a MongoSchema that a schemaRef names), not " + kind
          + "; keep other kinds in another file");
    }
    String api = tree.path("apiVersion").asText(null);
    if (api == null) {
      throw where.error("apiVersion", "is required: write apiVersion: " + expectedApi);
    }
    if (!expectedApi.equals(api)) {
      throw where.error("apiVersion", "expected " + expectedApi + ", not " + api);
    }
    return kind;
  }
}
