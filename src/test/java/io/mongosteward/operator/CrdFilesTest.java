package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** crds/ is checked in for kubectl and Helm; it must be what the build generates from the Java types. */
class CrdFilesTest {
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");

  @Test
  void checkedInCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (var files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).isNotEmpty();
    for (Path g : generated) {
      Path checkedIn = Path.of("crds").resolve(g.getFileName());
      assertThat(checkedIn).as("crds/%s is missing; run scripts/update-crds.sh", g.getFileName()).exists();
      assertThat(Files.readString(checkedIn)).as("crds/%s differs from the generated CRD; run scripts/update-crds.sh and commit",
          g.getFileName()).isEqualTo(Files.readString(g));
    }
    try (var files = Files.list(Path.of("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .as("crds/ holds only generated CRDs").isEqualTo(generated.stream().map(p -> p.getFileName().toString()).toList());
    }
  }
}
