package io.mongosteward.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.event.CommandListener;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.health.Sidecar;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.Pinger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

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
    Pinger pinger = new Pinger(parsed, null, settings.timeout(), List.of(listeners));
    try {
      return new RunningSidecar(Sidecar.start(settings, new MongoProbe(pinger), MongoProbe.REASONS,
          parsed.redacted(), new InetSocketAddress("127.0.0.1", 0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
