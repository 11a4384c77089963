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
 * Makes the image's AppCDS archive: runs `mongo-steward sidecar` with -XX:ArchiveClassesAtExit
 * against an in-memory MongoDB (mongo-java-server, inside the jar), asks each endpoint, and stops it
 * with SIGTERM; at exit the JVM writes the classes it loaded to the archive, which later processes
 * map instead of loading and parsing those classes again. The Dockerfile runs it in the final stage,
 * with the image's own runtime and jar path, as an archive is only used with the runtime and the jar
 * (path, size and time) it was made with.
 *
 * <p>Usage: java -cp DIR:mongo-steward.jar CdsTraining JAVA JAR ARCHIVE
 */
public final class CdsTraining {
  public static void main(String[] args) throws Exception {
    String java = args[0];
    String jar = args[1];
    Path archive = Path.of(args[2]);
    MongoServer mongo = new MongoServer(new MemoryBackend());
    mongo.bind("127.0.0.1", 0);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // -Xlog:cds=error: picocli's classes are Java 5 class files, which CDS skips with one warning each.
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=error",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar, "sidecar", "--port", String.valueOf(port),
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
    if (!sidecar.waitFor(30, TimeUnit.SECONDS) || sidecar.exitValue() != 0 || !Files.isRegularFile(archive)) {
      throw new IllegalStateException("the training run did not end cleanly with an archive at " + archive);
    }
    mongo.shutdownNow();
    System.out.println("CDS archive " + archive + ": " + Files.size(archive) / (1024 * 1024) + " MB");
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
