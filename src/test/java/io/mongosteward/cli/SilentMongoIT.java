package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MongoDB that goes silent in the middle of an apply: a real proxy drops every reply (Toxiproxy
 * timeout toxic with timeout 0) once the first change starts. Before, the CLI waited in
 * listIndexes or the first write until it was killed.
 */
class SilentMongoIT {
  @TempDir Path tmp;

  /**
   * @param step the progress line after which the server goes silent: the first step (a write),
   *     or an index build, which may legitimately run for an hour and so was waited on for good
   */
  @ParameterizedTest
  @ValueSource(strings = {"... ", "... createIndexes"})
  void applyEndsWithExitOneAndAClearErrorWithinTwoMinutesUnderTheDefaults(String step) throws Exception {
    Proxy proxy = Toxiproxy.proxy("silent-cli", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    try {
      // Default clientOptions (none in the spec) and the default --attempts.
      Path file = tmp.resolve("s.yaml");
      Files.writeString(file, CliIT.schema("silent", "cli_silent",
          "[{name: posts, indexes: [{name: a_1, keys: [{field: a}]}]}]"));
      AtomicBoolean cut = new AtomicBoolean();
      Writer err = new StringWriter();
      // Progress goes to stderr as each step starts: the first one blackholes the proxy.
      PrintWriter progress = new PrintWriter(new Writer() {
        @Override
        public void write(char[] buf, int off, int len) throws IOException {
          err.write(buf, off, len);
          if (new String(buf, off, len).contains(step) && cut.compareAndSet(false, true)) {
            proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      }, true);
      StringWriter out = new StringWriter();
      long start = System.nanoTime();
      CompletableFuture<Integer> apply = CompletableFuture.supplyAsync(() -> Main.run(
          Map.of("HOME", tmp.toString(), "MONGODB_URI", Toxiproxy.uriOf(proxy)),
          new java.io.ByteArrayInputStream(new byte[0]), new PrintWriter(out), progress, "apply", "-f", file.toString()));

      int code = apply.get(150, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(cut).as("the proxy went silent mid-apply").isTrue();
      assertThat(code).as(err.toString()).isEqualTo(1);
      assertThat(took).isLessThan(Duration.ofMinutes(2));
      // Which operation, that it timed out, and that it was retried.
      assertThat(err.toString()).containsPattern("error: \\w+ [\\w.]+: ").contains("gave up after 5 attempts");
    } finally {
      try {
        proxy.delete();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
