package io.mongosteward.cli;

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
          + "directory (its *.yaml and *.yml files by name, not its subdirectories), or - for standard input. "
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
    requireDistinct(docs);
    return docs;
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> files = entries.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new InputException(dir + ": no *.yaml or *.yml file in this directory", dir.toString(), null);
      }
      return files;
    } catch (IOException e) {
      throw new InputException(dir + ": cannot list: " + e.getMessage(), dir.toString(), null);
    }
  }

  private static String readAll(InputStream stdin) {
    try {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("stdin: cannot read: " + e.getMessage(), "stdin", null);
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
