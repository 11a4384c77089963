package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mongo-steward sidecar` refuses bad configuration with exit 1 and a message naming the flag and the fix. */
class SidecarCommandTest {
  static final String SECRET = "Sup3r-S3cret";
  // Nothing listens there; these tests stop before any ping.
  static final String URI = "mongodb://app:" + SECRET + "@127.0.0.1:1/app";

  @TempDir Path dir;
  final Map<String, String> env = new HashMap<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "sidecar";
    System.arraycopy(args, 0, all, 1, args.length);
    return Main.run(env, new PrintWriter(out), new PrintWriter(err), all);
  }

  @Test
  void helpTeachesTheEndpointsTheVariablesAndTheDefaults() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString().replaceAll("\\s+", " ")).contains("/livez", "/readyz", "/health", "/metrics", "MONGODB_URI",
        "--mongo-uri-file", "MONGOSTEWARD_INTERVAL", "default 5s", "default 2s", "MONGOSTEWARD_PORT", "default 8080",
        "--ready-latency", "--stale-after", "--max-pool-size", "--server-selection-timeout-ms", "docs/sidecar.md");
  }

  @Test
  void noUriAtAllIsAnErrorNotAnEmbeddedServer() {
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("error: no MongoDB to probe").contains("MONGODB_URI")
        .contains("--mongo-uri-file");
  }

  @Test
  void anInvalidUriNamesItsSourceAndHidesThePassword() {
    env.put("MONGODB_URI", "mongodb://app:" + SECRET + "@host:notaport/app");
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("error: MONGODB_URI: not a valid MongoDB connection string")
        .doesNotContain(SECRET);
  }

  @Test
  void anUnreadableUriFileIsNamed() {
    Path missing = dir.resolve("missing-uri");
    assertThat(run("--mongo-uri-file", missing.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("error: --mongo-uri-file: cannot read " + missing);
  }

  @Test
  void theUriFileMayComeFromTheEnvironmentAndIsValidated() throws Exception {
    Path file = dir.resolve("uri");
    Files.writeString(file, "not-a-uri://" + SECRET + "\n");
    env.put("MONGODB_URI_FILE", file.toString());
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("error: MONGODB_URI_FILE " + file + ": not a valid MongoDB connection string")
        .doesNotContain(SECRET);
  }

  @Test
  void aBadPortFromAFlagOrTheEnvironmentIsNamed() {
    env.put("MONGODB_URI", URI);
    assertThat(run("--port", "70000")).isEqualTo(1);
    assertThat(err.toString()).contains("error: --port: '70000' is not a port");

    env.put("MONGOSTEWARD_PORT", "http");
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("error: MONGOSTEWARD_PORT (or --port): 'http' is not a port");
  }

  @Test
  void aPortInUseExitsWithTheFix() throws Exception {
    env.put("MONGODB_URI", URI);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      assertThat(run("--port", String.valueOf(taken.getLocalPort()))).isEqualTo(1);
      assertThat(err.toString()).contains("error: --port " + taken.getLocalPort() + ": cannot listen there")
          .contains("another process holds it. Choose a free port with --port or MONGOSTEWARD_PORT")
          .doesNotContain(SECRET);
    }
  }

  @Test
  void badDurationsAndNumbersAreNamed() {
    env.put("MONGODB_URI", URI);
    assertThat(run("--interval", "5")).isEqualTo(1);
    assertThat(err.toString()).contains("error: --interval: '5' is not a duration: write e.g. 500ms, 5s or 1m.");

    env.put("MONGOSTEWARD_TIMEOUT", "0s");
    assertThat(run()).isEqualTo(1);
    assertThat(err.toString()).contains("error: MONGOSTEWARD_TIMEOUT (or --timeout): must be longer than zero");
    env.remove("MONGOSTEWARD_TIMEOUT");

    assertThat(run("--max-pool-size", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("error: --max-pool-size: '0' is not a whole number of at least 1.");

    assertThat(run("--min-pool-size", "5", "--max-pool-size", "2")).isEqualTo(1);
    assertThat(err.toString()).contains("--min-pool-size 5 is larger than --max-pool-size 2");
  }

  @Test
  void durationsTooLongToHoldAreRefusedByName() {
    env.put("MONGODB_URI", URI);
    // --stale-after 1s fails any value that gets through, so that a wrongly accepted one ends the command too.
    assertThat(run("--interval", "5200000h", "--stale-after", "1s")).isEqualTo(1);
    assertThat(err.toString()).contains("error: --interval: '5200000h' is too long: at most 8760h (365 days).");

    assertThat(run("--timeout", "PT99999999999999H", "--stale-after", "1s")).isEqualTo(1);
    assertThat(err.toString()).contains("error: --timeout: 'PT99999999999999H' is too long: at most 8760h");

    env.put("MONGOSTEWARD_LATENCY_WINDOW", "99999999999999999999999999h");
    assertThat(run("--stale-after", "1s")).isEqualTo(1);
    assertThat(err.toString())
        .contains("error: MONGOSTEWARD_LATENCY_WINDOW (or --latency-window): '99999999999999999999999999h' is too long");
  }

  @Test
  void aLatencyWindowLongerThanItsSamplesCanSpanIsRefused() throws Exception {
    env.put("MONGODB_URI", URI);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      // A taken port: were the window accepted, the command would stop there instead of serving.
      assertThat(run("--interval", "10ms", "--timeout", "5ms", "--latency-window", "1h", "--port",
          String.valueOf(taken.getLocalPort()))).isEqualTo(1);
    }
    assertThat(err.toString()).contains("error: --latency-window 60m would hold 360001 pings at --interval 10ms; "
        + "the window keeps at most 4096: shorten it to 40.95s or less, or lengthen --interval.");
  }

  @Test
  void boundsThatContradictEachOtherAreExplained() {
    env.put("MONGODB_URI", URI);
    assertThat(run("--interval", "5s", "--timeout", "2s", "--stale-after", "6s")).isEqualTo(1);
    assertThat(err.toString()).contains("--stale-after 6s must be longer than --interval + --timeout (7s)");

    assertThat(run("--interval", "10s", "--max-backoff", "5s")).isEqualTo(1);
    assertThat(err.toString()).contains("--max-backoff 5s must be at least --interval (10s)");
  }

  @Test
  void aFlagWinsOverTheEnvironment() {
    env.put("MONGODB_URI", URI);
    env.put("MONGOSTEWARD_INTERVAL", "nonsense");
    // The flag's valid value is used, so the failure comes later, from the stale bound.
    assertThat(run("--interval", "5s", "--stale-after", "1s")).isEqualTo(1);
    assertThat(err.toString()).contains("--stale-after 1s").doesNotContain("nonsense");
  }
}
