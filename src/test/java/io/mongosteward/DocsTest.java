package io.mongosteward;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The documentation keeps up with the code, and the repository stands alone. */
class DocsTest {
  static final Path TROUBLESHOOTING = Path.of("docs", "troubleshooting.md");

  /** The `### Name` headings between `## Condition reasons` and the next `## `. */
  static List<String> reasonSections(String doc) {
    int start = doc.indexOf("\n## Condition reasons\n");
    assertThat(start).as(TROUBLESHOOTING + " has a section '## Condition reasons'").isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    String section = end < 0 ? doc.substring(start) : doc.substring(start, end);
    List<String> headings = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^### (.+?)\\s*$").matcher(section);
    while (m.find()) {
      headings.add(m.group(1));
    }
    return headings;
  }

  @Test
  void everyReasonHasATroubleshootingSectionAndEverySectionIsAReason() throws IOException {
    List<String> sections = reasonSections(Files.readString(TROUBLESHOOTING));
    List<String> reasons = Arrays.stream(Reason.values()).map(Enum::name).toList();
    assertThat(sections).as("a '### <Reason>' in " + TROUBLESHOOTING + " for each value of Reason")
        .containsAll(reasons);
    assertThat(sections).as("no section for a reason the code no longer has").containsOnlyElementsOf(reasons)
        .doesNotHaveDuplicates();
  }

  @Test
  void everyMigrationPhaseIsExplained() throws IOException {
    String doc = Files.readString(TROUBLESHOOTING);
    for (MigrationPhase phase : MigrationPhase.values()) {
      assertThat(doc).as("MongoMigration phase " + phase).contains("phase `" + phase + "`");
    }
  }

  static final List<Path> INSTALL_DOCS = List.of(Path.of("README.md"), Path.of("docs", "install.md"),
      Path.of("docs", "operator.md"), Path.of("docs", "troubleshooting.md"),
      Path.of("helm", "mongo-steward", "templates", "NOTES.txt"));

  /**
   * `helm upgrade --reuse-values` renders the new chart with the old release's values only, so the
   * first value a new chart version adds is missing; `--reset-then-reuse-values` (Helm 3.14) takes
   * the new defaults under the old values.
   */
  @Test
  void upgradesAreDocumentedWithResetThenReuseValues() throws IOException {
    for (Path f : INSTALL_DOCS) {
      String text = Files.readString(f);
      // A `helm upgrade` command (up to the end of its code span or block) with plain --reuse-values.
      Matcher m = Pattern.compile("helm upgrade[^`]*?(?<!then-)--reuse-values").matcher(text);
      assertThat(m.find()).as("%s recommends --reuse-values: %s", f, m.find(0) ? m.group() : "").isFalse();
      if (text.contains("helm upgrade")) {
        assertThat(text).as(f.toString()).contains("--reset-then-reuse-values");
      }
    }
  }

  /** The leader-election runbook names the verbs the Role grants (deploy/04 and the chart), no others. */
  @Test
  void theLeaseVerbsInTheDocsAreTheRolesVerbs() throws IOException {
    String role = Files.readString(Path.of("deploy", "04-leader-election-role.yaml"));
    assertThat(role).contains("verbs: [get, create, patch]");
    assertThat(Files.readString(TROUBLESHOOTING)).contains("`get`, `create`, `patch` on `leases`")
        .contains("kubectl auth can-i patch leases");
    try (Stream<Path> docs = Stream.concat(Stream.of(Path.of("README.md")), Files.list(Path.of("docs")))) {
      for (Path f : docs.toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContainIgnoringCase("update leases")
            .doesNotContain("`update` on `leases`");
      }
    }
  }

  /**
   * Design notes and facts kept outside the repository are not there for a reader of it: a
   * comment or document states the reason itself, or cites docs/architecture.md or the MongoDB
   * and Kubernetes documentation. The names are split so that this file does not cite them.
   */
  static final List<Pattern> OUTSIDE_CITATIONS = List.of(
      Pattern.compile("\\b(DESIGN|FACTS|ARCHITECTURE|EXAMPLES)" + "\\.md\\b"),
      Pattern.compile("\\bsee\\s+(DESIGN|FACTS|EXAMPLES)\\b"),
      Pattern.compile("\\.\\./shared" + "\\b"),
      Pattern.compile("/work/" + "shared\\b"),
      // Findings of a review kept elsewhere (the review's finding by severity and number): say what it was.
      Pattern.compile("\\bthe review's (Critical|High|Medium|Low) " + "\\d"));

  private static final Pattern COMMENT_PREFIX = Pattern.compile("^\\s*(\\*|//|#+|--)?\\s*");

  private static final Set<String> SKIPPED_DIRS = Set.of("target", ".git", ".idea", ".vscode", "node_modules");

  @Test
  void noFileCitesDocumentsOutsideTheRepository() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("."))) {
      files = walk.filter(p -> !skipped(p)).filter(Files::isRegularFile).toList();
    }
    assertThat(files).as("the walk sees the sources").contains(Path.of(".", "README.md"),
        Path.of(".", "src", "test", "java", "io", "mongosteward", "DocsTest.java"));
    for (Path f : files) {
      String text = text(f);
      if (text == null) continue;
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        // A citation may break over two lines of a comment ("see\n * FACTS").
        String window = lines[i] + (i + 1 < lines.length ? " " + COMMENT_PREFIX.matcher(lines[i + 1]).replaceFirst("") : "");
        for (Pattern p : OUTSIDE_CITATIONS) {
          Matcher m = p.matcher(window);
          if (m.find() && m.start() < lines[i].length()) {
            found.add(f + ":" + (i + 1) + ": " + lines[i].strip());
          }
        }
      }
    }
    assertThat(found).as("citations of files outside the repository: state the reason, or cite "
        + "docs/architecture.md or the MongoDB/Kubernetes documentation").isEmpty();
  }

  static final Path COMPATIBILITY = Path.of("docs", "compatibility.md");

  /**
   * docs/compatibility.md is found from the README and the operator's guide, every test it names
   * as the source of a cell exists, and every numbered source it cites is listed.
   */
  @Test
  void theCompatibilityTableIsLinkedNamesRealTestsAndListsItsSources() throws IOException {
    assertThat(Files.readString(Path.of("README.md"))).contains("](docs/compatibility.md)");
    assertThat(Files.readString(Path.of("docs", "operator.md"))).contains("](compatibility.md)");
    String doc = Files.readString(COMPATIBILITY);
    List<String> tests;
    try (Stream<Path> walk = Files.walk(Path.of("src", "test", "java"))) {
      tests = walk.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
          .map(n -> n.substring(0, n.length() - ".java".length())).toList();
    }
    Matcher named = Pattern.compile("`(\\w+(?:IT|Test))`").matcher(doc);
    int count = 0;
    while (named.find()) {
      count++;
      assertThat(tests).as("a test named in " + COMPATIBILITY).contains(named.group(1));
    }
    assertThat(count).as("tests named as sources").isPositive();
    Matcher cited = Pattern.compile("\\[(\\d+)]").matcher(doc);
    while (cited.find()) {
      assertThat(doc).as("source [" + cited.group(1) + "] is listed").containsPattern("(?m)^" + cited.group(1) + "\\. ");
    }
  }

  private static boolean skipped(Path p) {
    for (Path part : p) {
      String name = part.toString();
      if (SKIPPED_DIRS.contains(name) || (name.startsWith(".") && !name.equals(".") && !name.equals(".ci")
          && !name.equals(".gitignore"))) {
        return true;
      }
    }
    return false;
  }

  /** The file as UTF-8 text, or null for a binary file. */
  private static String text(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    for (byte b : bytes) {
      if (b == 0) return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
