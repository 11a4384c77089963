package io.mongosteward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real test servers that scripts/build-test-servers.sh builds and caches. A missing
 * one skips the test with a message locally, and fails it on CI (where CI is set).
 */
public final class TestServers {
  private static final Properties VERSIONS = loadVersions();

  private TestServers() {}

  public static Path cacheDir() {
    String dir = System.getenv("MONGO_STEWARD_CACHE");
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "mongo-steward");
  }

  public static String version(String key) {
    String env = System.getenv(key);
    return env != null ? env : VERSIONS.getProperty(key);
  }

  public static Path ferretDb() {
    return require(cacheDir().resolve("ferretdb-" + version("FERRETDB_VERSION")).resolve("ferretdb"), "ferretdb");
  }

  public static Path toxiproxy() {
    return require(cacheDir().resolve("toxiproxy-" + version("TOXIPROXY_VERSION")).resolve("toxiproxy-server"),
        "toxiproxy");
  }

  /**
   * The prometheus-operator's CRD of that plural (servicemonitors, podmonitors, prometheusrules...),
   * as its Go module publishes it, for checking the chart's monitoring objects on a real API server.
   */
  public static Path prometheusOperatorCrd(String plural) {
    Path crd = cacheDir().resolve("prometheus-operator-crds-" + version("PROMETHEUS_OPERATOR_VERSION"))
        .resolve("monitoring.coreos.com_" + plural + ".yaml");
    return Files.isRegularFile(crd) ? crd : missing(crd, "prometheus-crds");
  }

  /** promtool, to check and unit-test the chart's alert rules and lint scraped metrics. */
  public static Path promtool() {
    return require(cacheDir().resolve("promtool-" + version("PROMETHEUS_VERSION")).resolve("promtool"), "promtool");
  }

  /** Skips (locally) or fails (on CI) when the binary is missing. */
  public static Path require(Path binary, String target) {
    return Files.isExecutable(binary) ? binary : missing(binary, target);
  }

  private static Path missing(Path binary, String target) {
    String message = binary + " is missing; build it with: bash scripts/build-test-servers.sh " + target;
    if (System.getenv("CI") != null) {
      throw new AssertionError("CI needs every real test server. " + message);
    }
    Assumptions.abort(message);
    return binary;
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Properties loadVersions() {
    Properties p = new Properties();
    try (var in = Files.newInputStream(Path.of("scripts", "versions.env"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("tests run from the project root, next to scripts/versions.env", e);
    }
    return p;
  }
}
