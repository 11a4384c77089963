package io.mongosteward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/architecture.md draws: which of the project's packages each package may
 * import, and which packages may run MongoDB commands. Read from the import lines of src/main.
 */
class LayeringTest {
  static final Path ROOT = Path.of("src", "main", "java", "io", "mongosteward");

  static final Map<String, Set<String>> ALLOWED = Map.of(
      "api", Set.of(),
      "plan", Set.of("api"),
      "failure", Set.of("api"),
      "mongo", Set.of("api", "plan", "failure"),
      "kube", Set.of("api", "failure"),
      "health", Set.of(),
      "migrate", Set.of("api", "plan", "failure", "mongo"),
      "sidecar", Set.of("api", "health", "mongo"),
      "operator", Set.of("api", "plan", "failure", "mongo", "kube", "health", "migrate"),
      "cli", Set.of("api", "plan", "failure", "mongo", "kube", "health", "migrate", "sidecar", "operator"));

  private static final Pattern PROJECT_IMPORT = Pattern.compile("(?m)^import (?:static )?io\\.mongosteward\\.([a-z]+)\\.");
  /** What only the mongo package may touch: the driver's commands, models and exceptions. */
  private static final Pattern DRIVER_INTERNALS = Pattern.compile(
      "(?m)^import (?:static )?com\\.mongodb\\.(?!client\\.MongoClient;|client\\.MongoDatabase;|client\\.MongoCollection;"
          + "|event\\.CommandListener;)");

  @Test
  void eachPackageImportsOnlyTheLayersBelowIt() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
      for (Path f : sources(e.getKey())) {
        Matcher m = PROJECT_IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(e.getKey()) && !e.getValue().contains(used)) {
            violations.add(f + " imports " + used);
          }
        }
      }
    }
    assertThat(violations).as("imports against the layering of docs/architecture.md").isEmpty();
  }

  @Test
  void everyPackageIsPlacedInTheLayering() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList())
          .containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    }
  }

  /**
   * Outside mongo, the driver appears only as handles passed along (a client, a database, a
   * collection) and the command listener the CLI plugs in: commands, their options and the
   * server's exceptions are mongo's, so that retries, redaction and error codes are decided there.
   */
  static final Map<String, String> DRIVER_EXCEPTIONS = Map.of(
      "cli/DemoCommand.java", "the demo loads its sample data (posts with duplicates, a legacy index) itself",
      "migrate/BackfillRun.java", "builds its projection with the driver's Projections, a BSON builder, no command");

  @Test
  void onlyTheMongoPackageUsesTheDriversCommandsAndExceptions() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String pkg : ALLOWED.keySet()) {
      if (pkg.equals("mongo")) continue;
      for (Path f : sources(pkg)) {
        if (DRIVER_EXCEPTIONS.containsKey(ROOT.relativize(f).toString().replace('\\', '/'))) continue;
        Matcher m = DRIVER_INTERNALS.matcher(Files.readString(f));
        while (m.find()) {
          int end = Files.readString(f).indexOf('\n', m.start());
          violations.add(f + ": " + Files.readString(f).substring(m.start(), end));
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  private static List<Path> sources(String pkg) throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT.resolve(pkg))) {
      return walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }
}
