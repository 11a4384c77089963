package io.mongosteward.cli;

import io.mongosteward.api.v1alpha1.MongoSchema;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The -f of migrate: a file, a directory or standard input, as for plan and apply. Its
 * MongoMigrations run in order; its MongoSchemas only lend their database and connection to a
 * {@code schemaRef}. Everything is read and checked before anything runs.
 */
final class MigrationInput {
  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "A MongoMigration YAML file (each document of it, between ---, is one; they run in order), a "
          + "directory (its *.yaml and *.yml files by name), or - for standard input. MongoSchema documents in it "
          + "are read for schemaRef only. All are checked before any runs.")
  Path file;

  List<MigrationFile.Migration> load(InputStream stdin) {
    return load(file, stdin);
  }

  static List<MigrationFile.Migration> load(Path arg, InputStream stdin) {
    List<MigrationFile.Migration> migrations = new ArrayList<>();
    List<SchemaFile.Document> schemas = new ArrayList<>();
    List<Path> files = arg.toString().equals("-") ? List.of() : Files.isDirectory(arg) ? SchemaInput.yamlFiles(arg)
        : List.of(arg);
    if (arg.toString().equals("-")) {
      add(MigrationFile.parseAll("stdin", SchemaInput.readAll(stdin)), migrations, schemas);
    }
    for (Path f : files) {
      add(MigrationFile.parseAll(f.toString(), SchemaFile.readText(f)), migrations, schemas);
    }
    if (migrations.isEmpty()) {
      throw new InputException(arg + ": holds no MongoMigration; migrate runs MongoMigration documents (see "
          + "examples/dedupe-posts.yaml). Plan and apply a MongoSchema with: mongo-steward apply -f " + arg,
          arg.toString(), null);
    }
    Map<String, MigrationFile.Migration> seen = new HashMap<>();
    List<MigrationFile.Migration> out = new ArrayList<>();
    for (MigrationFile.Migration m : migrations) {
      MigrationFile.Migration first = seen.putIfAbsent(m.id(), m);
      if (first != null) {
        throw new InputException(m.source() + ": " + m.id() + " is declared twice (first in " + first.source()
            + "); give each MongoMigration its own metadata.name", m.file(), "metadata.name");
      }
      out.add(resolve(m, schemas));
    }
    return out;
  }

  private static void add(MigrationFile.Contents c, List<MigrationFile.Migration> migrations,
      List<SchemaFile.Document> schemas) {
    migrations.addAll(c.migrations());
    schemas.addAll(c.schemas());
  }

  /**
   * A schemaRef names a MongoSchema of the same namespace in the input; it gives the database
   * unless the migration has its own, and the connection. Without that schema, the migration's own
   * database is enough (the connection then comes from --mongo-uri and the like).
   */
  static MigrationFile.Migration resolve(MigrationFile.Migration m, List<SchemaFile.Document> schemas) {
    var ref = m.migration().getSpec().getSchemaRef();
    if (ref == null) {
      return m;
    }
    String namespace = m.migration().getMetadata().getNamespace();
    for (SchemaFile.Document d : schemas) {
      MongoSchema s = d.schema();
      if (s.getMetadata().getName().equals(ref.getName()) && s.getMetadata().getNamespace().equals(namespace)) {
        return m.withSchema(s);
      }
    }
    String database = m.migration().getSpec().getDatabase();
    if (database != null && !database.isBlank()) {
      return m;
    }
    throw new InputException(m.at("spec.schemaRef.name") + ": spec.schemaRef.name: names MongoSchema " + namespace
        + "/" + ref.getName() + ", which is not in the input, and spec.database is not set: give that MongoSchema "
        + "in the same -f (a file of several documents, or a directory), or set spec.database", m.file(),
        "spec.schemaRef.name");
  }
}
