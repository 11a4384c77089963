import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the image's AppCDS archive: runs `mongo-steward sidecar` with -XX:DumpLoadedClassList
 * against an in-memory MongoDB (mongo-java-server, inside the jar), asks each endpoint, and stops it
 * with SIGTERM; then dumps the classes it loaded, the JDK's and the jar's, into one static archive,
 * which later processes map instead of loading and parsing those classes again. One archive of the
 * classes the sidecar uses, instead of the JDK's base archive (about 1,300 classes chosen for any
 * program) with a dynamic one on top: about 2 MB less of it is resident (docs/benchmarks.md).
 * The Dockerfile runs it in the final stage, with the image's own runtime and jar path, as an
 * archive is only used with the runtime and the jar (path, size and time) it was made with.
 *
 * <p>With a fourth argument it skips the training and dumps the classes of that list: the
 * operator's archive, from scripts/image/operator.classlist, as the operator needs an API server to
 * load its classes and an image build has none (JlinkRuntimeIT checks that the list still covers
 * what the operator loads, and rewrites it when asked).
 *
 * <p>Usage: java -cp DIR:mongo-steward.jar CdsTraining JAVA JAR ARCHIVE [CLASSLIST]
 */
public final class CdsTraining {
  public static void main(String[] args) throws Exception {
    String java = args[0];
    String jar = args[1];
    Path archive = Path.of(args[2]);
    if (args.length > 3) {
      dump(java, jar, Path.of(args[3]), archive);
      return;
    }
    MongoServer mongo = new MongoServer(new MemoryBackend());
    mongo.bind("127.0.0.1", 0);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path classList = Path.of(archive + ".classlist");
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-XX:DumpLoadedClassList=" + classList, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar, "sidecar", "--port", String.valueOf(port),
        "--interval", "200ms")).inheritIO();
    pb.environment().put("MONGODB_URI", "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/app");
    Process sidecar = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (status(http, port, "/readyz") != 200) {
      if (!sidecar.isAlive() || System.nanoTime() > deadline) {
        sidecar.destroyForcibly();
        throw new IllegalStateException("the sidecar did not turn ready within 60 s");
      }
      Thread.sleep(100); // a training run, not a test: polling is all it needs
    }
    // Every endpoint, and enough pings for the probe loop's steady path.
    for (int i = 0; i < 50; i++) {
      for (String path : List.of("/livez", "/readyz", "/health", "/metrics")) {
        status(http, port, path);
      }
      Thread.sleep(20);
    }
    sidecar.destroy(); // SIGTERM: the shutdown path is archived too
    if (!sidecar.waitFor(30, TimeUnit.SECONDS) || sidecar.exitValue() != 0 || !Files.isRegularFile(classList)) {
      throw new IllegalStateException("the training run did not end cleanly with a class list at " + classList);
    }
    mongo.shutdownNow();
    dump(java, jar, classList, archive);
    Files.delete(classList);
  }

  private static void dump(String java, String jar, Path classList, Path archive) throws Exception {
    // The class path must be the one `-jar JAR` gives. The warnings go to a file, not the build's
    // output: picocli's classes are Java 5 class files, which CDS skips with one warning each, as it
    // does the driver's compressors whose optional libraries are absent, and the list names
    // generated proxies that cannot be preloaded. What says the list is out of date is printed.
    Path warnings = Path.of(archive + ".warnings");
    Process dump = new ProcessBuilder(List.of(java, "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
        "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=error", "-Xlog:cds=warning:file=" + warnings,
        "-XX:+UseSerialGC", "-cp", jar)).inheritIO().start();
    if (!dump.waitFor(300, TimeUnit.SECONDS) || dump.exitValue() != 0 || !Files.isRegularFile(archive)) {
      dump.destroyForcibly();
      throw new IllegalStateException("-Xshare:dump did not write " + archive);
    }
    List<String> outOfDate = Files.readAllLines(warnings).stream().filter(CdsTraining::outOfDate).toList();
    Files.deleteIfExists(warnings);
    outOfDate.forEach(w -> System.out.println("class list out of date: " + w.replaceFirst("^\\[[^ ]*\\] ?", "")));
    System.out.println("CDS archive " + archive + ": " + Files.size(archive) / (1024 * 1024) + " MB"
        + (outOfDate.isEmpty() ? "" : "; " + outOfDate.size() + " entries of " + classList + " out of date: those "
        + "classes load from the jar (a slower start, no other effect)"));
  }

  /** A class the list names that the jar no longer has, or a lambda or method handle it no longer makes. */
  static boolean outOfDate(String warning) {
    return warning.contains("out-of-date") || warning.contains("Failed to generate")
        || (warning.contains("Cannot find") && !warning.contains("$Proxy"));
  }

  private static int status(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1; // not listening yet
    }
  }
}
