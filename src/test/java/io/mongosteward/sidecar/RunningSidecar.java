package io.mongosteward.sidecar;

import io.mongosteward.testsupport.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.event.CommandListener;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.health.Sidecar;
import io.mongosteward.mongo.MongoUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** An in-process sidecar, wired exactly as the CLI wires it, with an HTTP client for its endpoints. */
final class RunningSidecar implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final Sidecar sidecar;

  private RunningSidecar(Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  static RunningSidecar start(String uri, ProbeSettings settings, CommandListener... listeners) {
    MongoUri parsed = MongoUri.parse(uri);
    return start(() -> parsed, settings, listeners);
  }

  /** With the connection string in a file, as from a mounted Secret (--mongo-uri-file). */
  static RunningSidecar startFromFile(Path file, ProbeSettings settings) {
    try {
      return start(new UriFile(file, "--mongo-uri-file", MongoUri.parse(Files.readString(file))), settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RunningSidecar start(Supplier<MongoUri> uris, ProbeSettings settings, CommandListener... listeners) {
    return startWithTls(uris, () -> null, settings, listeners);
  }

  /** With TLS material, such as {@link TlsFiles} reads before each ping. */
  static RunningSidecar startWithTls(Supplier<MongoUri> uris, Supplier<io.mongosteward.mongo.TlsMaterial> tls,
      ProbeSettings settings, CommandListener... listeners) {
    try {
      return new RunningSidecar(Sidecar.start(settings,
          new MongoProbe(uris, tls, null, settings.timeout(), List.of(listeners)), MongoProbe.REASONS,
          new InetSocketAddress("127.0.0.1", 0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return Http.get(sidecar.port(), path);
  }

  int status(String path) {
    return get(path).statusCode();
  }

  JsonNode health() {
    try {
      return JSON.readTree(get("/health").body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    sidecar.close();
  }
}
