package io.mongosteward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs on a local health server, for the tests of the operator, the sidecar and the health server. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /** GET http://127.0.0.1:{port}{path}, with a 10 s bound; an I/O failure is unchecked, so that Awaitility can ignore it. */
  public static HttpResponse<String> get(int port, String path) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String body(int port, String path) {
    return get(port, path).body();
  }

  public static int status(int port, String path) {
    return get(port, path).statusCode();
  }

  /** The sum of the samples of a Prometheus text that {@code regex} matches, its first group being the value. */
  public static double sum(String prometheusText, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(prometheusText);
    double total = 0;
    while (m.find()) total += Double.parseDouble(m.group(1));
    return total;
  }
}
