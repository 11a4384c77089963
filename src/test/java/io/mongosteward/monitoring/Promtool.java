package io.mongosteward.monitoring;

import io.mongosteward.testsupport.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the promtool that scripts/build-test-servers.sh builds; stdin optional. */
final class Promtool {
  record Result(int exit, String output) {}

  private Promtool() {}

  static Result run(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(TestServers.promtool().toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool " + args[0] + " ran over 60 s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The chart's files, which the tests check as shipped. */
  static final Path CHART_FILES = Path.of("helm", "mongo-steward", "files");
  static final Path RULES = CHART_FILES.resolve("prometheus-rules.yaml");
  static final Path DASHBOARD = CHART_FILES.resolve("dashboard.json");
  static final Path RULE_TESTS = Path.of("src", "test", "resources", "prometheus", "alerts-test.yaml");
}
