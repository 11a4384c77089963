package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.testsupport.ImageRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's entry point picks the archive of the command: the operator's for `operator`, the
 * sidecar's for everything else, and hands every argument to java unchanged. Run with a `java` on the
 * PATH that prints its arguments, one per line (JlinkRuntimeIT runs the real one).
 */
class ImageEntrypointTest {
  @TempDir Path dir;

  @Test
  void theOperatorMapsItsOwnArchive() throws Exception {
    assertThat(run("operator", "--namespaces", "a,b")).containsExactly(
        "-XX:SharedArchiveFile=/opt/mongo-steward/operator.jsa", "-XX:+UnlockDiagnosticVMOptions",
        "-XX:ArchiveRelocationMode=0", "-jar", "/opt/mongo-steward/mongo-steward.jar", "operator", "--namespaces", "a,b");
  }

  @Test
  void everyOtherCommandMapsTheSidecarsArchiveAndKeepsItsArguments() throws Exception {
    List<List<String>> commands = List.of(List.of("sidecar", "--uri-file", "/etc/a b/uri"), List.of("plan", "operator"),
        List.of("--help"), List.of());
    for (List<String> args : commands) {
      List<String> java = run(args.toArray(String[]::new));
      assertThat(java).as("%s", args).startsWith("-XX:SharedArchiveFile=/opt/mongo-steward/mongo-steward.jsa")
          .endsWith(args.toArray(String[]::new));
      assertThat(java.subList(java.indexOf("/opt/mongo-steward/mongo-steward.jar") + 1, java.size()))
          .as("%s", args).isEqualTo(args);
    }
  }

  private List<String> run(String... args) throws Exception {
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> cmd = new ArrayList<>(List.of("sh", ImageRuntime.ENTRYPOINT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }
}
