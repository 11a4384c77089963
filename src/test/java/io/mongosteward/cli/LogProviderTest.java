package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main's logging set-up, each in a fresh JVM as a command starts one (a provider is bound once per
 * JVM): `sidecar` logs through slf4j-simple in the other commands' line format and levels, the
 * others through Logback, and SLF4J says nothing about finding two providers.
 */
class LogProviderTest {
  static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

  @TempDir Path dir;

  /** The child: Main's set-up for the command in args[0], then a few lines at each level. */
  public static void main(String[] args) {
    Main.logging(args);
    System.out.println(LoggerFactory.getILoggerFactory().getClass().getName());
    Logger probe = LoggerFactory.getLogger("io.mongosteward.health.Probe");
    probe.trace("a trace line");
    probe.debug("a debug line");
    probe.info("mongodb://db:27017 is up: ping {}ms", 0.41);
    probe.warn("a warning");
    probe.error("health request /metrics failed", new IllegalStateException("boom", new java.io.IOException("cause")));
    LoggerFactory.getLogger("org.mongodb.driver.cluster").info("a driver info line");
    LoggerFactory.getLogger("org.mongodb.driver.cluster").warn("a driver warning");
    LoggerFactory.getLogger("org.mongodb.driverx.Other").info("not the driver");
    LoggerFactory.getLogger("io.netty.channel.nio.NioEventLoop").info("a netty info line");
  }

  @Test
  void theSidecarLogsThroughSlf4jSimpleInTheCommandsFormat() throws Exception {
    Run run = run(List.of(), "sidecar");
    assertThat(run.out).isEqualTo("org.slf4j.simple.SimpleLoggerFactory");
    List<String> lines = run.err.lines().toList();
    assertThat(lines.get(0)).matches(TIME + " INFO Probe - mongodb://db:27017 is up: ping 0.41ms");
    assertThat(lines.get(1)).matches(TIME + " WARN Probe - a warning");
    assertThat(lines.get(2)).matches(TIME + " ERROR Probe - health request /metrics failed");
    assertThat(lines.get(3)).isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(lines.get(4)).startsWith("\tat ");
    assertThat(run.err).contains("Caused by: java.io.IOException: cause")
        .doesNotContain("a trace line", "a debug line", "a driver info line", "a netty info line", "SLF4J");
    assertThat(lines).anyMatch(l -> l.matches(TIME + " WARN cluster - a driver warning"))
        .anyMatch(l -> l.matches(TIME + " INFO Other - not the driver"));
  }

  @Test
  void theLevelIsMongostewardLogLevelAndTheDriverStaysAtWarn() throws Exception {
    Run debug = run(List.of("-Dmongosteward.log.level=debug"), "sidecar");
    assertThat(debug.err).containsPattern(TIME + " DEBUG Probe - a debug line").doesNotContain("a trace line",
        "a driver info line", "a netty info line");
    // Logback's names: ALL is TRACE.
    assertThat(run(List.of("-Dmongosteward.log.level=ALL"), "sidecar").err)
        .containsPattern(TIME + " TRACE Probe - a trace line");
    Run error = run(List.of("-Dmongosteward.log.level=ERROR"), "sidecar");
    assertThat(error.err).containsPattern(TIME + " ERROR Probe - health request").doesNotContain("a warning");
  }

  @Test
  void theOtherCommandsKeepLogbackWithoutAWordFromSlf4j() throws Exception {
    Run operator = run(List.of(), "operator");
    assertThat(operator.out).isEqualTo("ch.qos.logback.classic.LoggerContext");
    // cli.LogSetup's pattern: the level padded to five.
    assertThat(operator.err).containsPattern("(?m)^" + TIME + " INFO  Probe - mongodb://db:27017 is up: ping 0.41ms$")
        .doesNotContain("SLF4J", "a driver info line", "a netty info line");
    Run plan = run(List.of(), "plan");
    assertThat(plan.out).isEqualTo("ch.qos.logback.classic.LoggerContext");
    assertThat(plan.err).containsPattern("(?m)^" + TIME + " WARN  Probe - a warning$").doesNotContain("SLF4J", "is up");
  }

  @Test
  void aLogbackFileBringsLogbackBackToTheSidecar() throws Exception {
    Path xml = dir.resolve("logback.xml");
    Files.writeString(xml, """
        <configuration>
          <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>custom %level %logger - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="E"/></root>
        </configuration>
        """);
    Run run = run(List.of("-Dlogback.configurationFile=" + xml), "sidecar");
    assertThat(run.out).isEqualTo("ch.qos.logback.classic.LoggerContext");
    assertThat(run.err).contains("custom INFO io.mongosteward.health.Probe - mongodb://db:27017 is up")
        .doesNotContain("SLF4J");
  }

  record Run(String out, String err) {}

  Run run(List<String> flags, String command) throws Exception {
    return run(dir, flags, command);
  }

  /** This class's main in a JVM of its own, on the test class path, with no SLF4J property of surefire's. */
  static Run run(Path dir, List<String> flags, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(flags);
    cmd.add(LogProviderTest.class.getName());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    Run run = new Run(Files.readString(out).strip(), Files.readString(err));
    assertThat(p.exitValue()).as(run.err).isZero();
    return run;
  }
}
