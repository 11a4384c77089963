package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Main.logging with what users get wrong or set themselves (found by a hostile review): each case in a
 * JVM of its own, through LogProviderTest's child (Main.logging, then a line at each level).
 */
class LogProviderEdgeTest {
  static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

  @TempDir Path dir;

  @Test
  void unknownLevelNamesReadAsInfoForTheSidecarAsForLogback() throws Exception {
    for (String level : List.of("verbose", "", "WARNING")) {
      LogProviderTest.Run sidecar = run(List.of("-Dmongosteward.log.level=" + level), "sidecar");
      assertThat(sidecar.err()).as("level '%s'", level).containsPattern(TIME + " INFO Probe - mongodb://db:27017 is up")
          .doesNotContain("a debug line", "SLF4J");
      LogProviderTest.Run operator = run(List.of("-Dmongosteward.log.level=" + level), "operator");
      assertThat(operator.err()).as("level '%s'", level).containsPattern(TIME + " INFO  Probe - mongodb://db:27017 is up")
          .doesNotContain("a debug line", "SLF4J");
    }
  }

  @Test
  void argumentOrdersOtherThanSidecarFirstKeepLogbackQuietly() throws Exception {
    for (List<String> args : List.of(List.of("--help", "sidecar"), List.of("help", "sidecar"), List.of("sidecr"),
        List.of("SIDECAR"))) {
      LogProviderTest.Run run = run(List.of(), args.toArray(String[]::new));
      assertThat(run.out()).as("%s", args).isEqualTo("ch.qos.logback.classic.LoggerContext");
      assertThat(run.err()).as("%s", args).doesNotContain("SLF4J");
    }
    LogProviderTest.Run help = run(List.of(), "sidecar", "--help");
    assertThat(help.out()).isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
    assertThat(help.err()).doesNotContain("SLF4J");
  }

  /** Main's doc: "A provider ... given with -D wins"; SLF4J should still say nothing. */
  @Test
  void aProviderNamedByTheUserBringsNoSlf4jChatter() throws Exception {
    LogProviderTest.Run run = run(List.of("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider"), "sidecar");
    assertThat(run.out()).isEqualTo("ch.qos.logback.classic.LoggerContext");
    assertThat(run.err()).doesNotContain("SLF4J");
  }

  /** The sidecar's own provider named explicitly still follows mongosteward.log.level and keeps the driver at WARN. */
  @Test
  void theSidecarsOwnProviderNamedExplicitlyKeepsTheSidecarsLevels() throws Exception {
    LogProviderTest.Run run = run(List.of("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider", "-Dmongosteward.log.level=WARN"),
        "sidecar");
    assertThat(run.out()).isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
    assertThat(run.err()).doesNotContain("is up").doesNotContain("a driver info line");
  }

  /** A mistyped provider class is named once and set aside: no SLF4J fallback report, the sidecar's own logging. */
  @Test
  void aMistypedProviderIsToldOnceAndTheCommandsOwnLoggingUsed() throws Exception {
    LogProviderTest.Run run = run(List.of("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvder"), "sidecar");
    assertThat(run.out()).isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
    assertThat(run.err()).contains("slf4j.provider names org.slf4j.simple.SimpleServiceProvder, which is not in the jar")
        .doesNotContain("SLF4J").containsPattern(TIME + " INFO Probe - mongodb://db:27017 is up");
  }

  /** A logback.configurationFile that does not exist is told once; no DEBUG flood on standard output. */
  @Test
  void aMissingLogbackFileIsToldOnceAndKeepsStdoutFreeOfLogs() throws Exception {
    Path missing = dir.resolve("missing.xml");
    LogProviderTest.Run sidecar = run(List.of("-Dlogback.configurationFile=" + missing), "sidecar");
    assertThat(sidecar.out()).isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
    assertThat(sidecar.err()).contains("logback.configurationFile names " + missing).doesNotContain("a debug line");
    LogProviderTest.Run operator = run(List.of("-Dlogback.configurationFile=" + missing), "operator");
    assertThat(operator.out()).isEqualTo("ch.qos.logback.classic.LoggerContext");
    assertThat(operator.err()).contains("logback.configurationFile names " + missing).doesNotContain("a debug line")
        .containsPattern(TIME + " INFO  Probe - mongodb://db:27017 is up");
  }

  private LogProviderTest.Run run(List<String> flags, String... args) throws Exception {
    return LogProviderTest.run(dir, flags, args);
  }
}
