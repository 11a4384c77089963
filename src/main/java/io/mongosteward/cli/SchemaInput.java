package io.mongosteward.cli;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.ManagedRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The -f of plan and apply: a file, a directory or standard input, every document of which is a
 * MongoSchema, as with `kubectl apply -f`. All of them are read and checked before any is used,
 * so that a mistake in one changes nothing anywhere.
 */
public final class SchemaInput {
  @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
      description = "A MongoSchema YAML file (each document of it, between ---, is one MongoSchema), a "
          + "directory (its *.yaml and *.yml files by name, not its subdirectories; a broken link is an error), or - "
          + "for standard input. "
          + "All are checked before any is used.")
  Path file;

  List<SchemaFile.Document> load(InputStream stdin) {
    return load(file, stdin);
  }

  static List<SchemaFile.Document> load(Path arg, InputStream stdin) {
    List<SchemaFile.Document> docs = new ArrayList<>();
    if (arg.toString().equals("-")) {
      docs.addAll(SchemaFile.parseAll("stdin", readAll(stdin)));
    } else if (Files.isDirectory(arg)) {
      for (Path f : yamlFiles(arg)) {
        docs.addAll(SchemaFile.parseAll(f.toString(), SchemaFile.readText(f)));
      }
    } else {
      docs.addAll(SchemaFile.parseAll(arg.toString(), SchemaFile.readText(arg)));
    }
    if (docs.isEmpty()) {
      throw new InputException(arg + ": holds MongoMigration documents only; plan and apply read MongoSchema "
          + "documents. Run the migrations with: mongo-steward migrate -f " + arg, arg.toString(), null);
    }
    requireDistinct(docs);
    requireOneManager(docs);
    return docs;
  }

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> named = entries
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted().toList();
      // A link whose target is gone would drop out of isRegularFile silently, and with it a schema.
      for (Path p : named) {
        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
          throw new InputException(p + ": a symbolic link to " + target(p) + ", which does not exist: fix the link or "
              + "remove it", p.toString(), null);
        }
      }
      List<Path> files = named.stream().filter(Files::isRegularFile).toList();
      if (files.isEmpty()) {
        throw new InputException(dir + ": no *.yaml or *.yml file in this directory", dir.toString(), null);
      }
      return files;
    } catch (IOException e) {
      throw new InputException(dir + ": cannot list: " + e.getMessage(), dir.toString(), null);
    }
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "a path that cannot be read";
    }
  }

  static String readAll(InputStream stdin) {
    try {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("stdin: cannot read: " + e.getMessage(), "stdin", null);
    }
  }

  /** A collection or counter, in a database, that a document declares; the path of its name there. */
  private record Claim(SchemaFile.Document doc, String path) {}

  /**
   * One schema manages a collection or a counter (the metadata records of each database say which):
   * of two documents declaring the same one in the same database, apply would refuse the second
   * with ManagedElsewhere, so planning both would promise what apply will not do.
   */
  private static void requireOneManager(List<SchemaFile.Document> docs) {
    Map<String, Claim> seen = new HashMap<>();
    for (SchemaFile.Document doc : docs) {
      MongoSchemaSpec spec = doc.schema().getSpec();
      for (int i = 0; i < spec.getCollections().size(); i++) {
        CollectionSpec c = spec.getCollections().get(i);
        claim(seen, spec.getDatabase(), ManagedRecord.collectionId(c.getName()), new Claim(doc,
            "spec.collections[" + i + "].name"), "collection '" + c.getName() + "'");
      }
      for (int i = 0; i < spec.getCounters().size(); i++) {
        CounterSpec c = spec.getCounters().get(i);
        claim(seen, spec.getDatabase(), ManagedRecord.counterId(c.getCollection(), c.getName()), new Claim(doc,
            "spec.counters[" + i + "].name"), "counter '" + c.getName() + "' (in " + c.getCollection() + ")");
      }
    }
  }

  private static void claim(Map<String, Claim> seen, String database, String id, Claim claim, String what) {
    Claim first = seen.putIfAbsent(database + "\u0000" + id, claim);
    // Within one document, SpecValidator has refused a repetition already.
    if (first != null && first.doc() != claim.doc()) {
      throw new InputException(claim.doc().at(claim.path()) + ": " + claim.path() + ": " + what + " of database "
          + database + " is declared by " + first.doc().id() + " too (" + first.doc().at(first.path()) + "); one "
          + "MongoSchema manages a collection or a counter (apply would refuse the second with ManagedElsewhere): "
          + "declare it in one of them", claim.doc().file(), claim.path());
    }
  }

  /** Two documents for one namespace/name would be applied in turn, the second undoing the first. */
  private static void requireDistinct(List<SchemaFile.Document> docs) {
    Map<String, SchemaFile.Document> seen = new HashMap<>();
    for (SchemaFile.Document doc : docs) {
      SchemaFile.Document first = seen.putIfAbsent(doc.id(), doc);
      if (first != null) {
        throw new InputException(doc.source() + ": " + doc.id() + " is declared twice (first in " + first.source()
            + "); give each MongoSchema its own metadata.name", doc.file(), "metadata.name");
      }
    }
  }
}
