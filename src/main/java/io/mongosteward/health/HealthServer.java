package io.mongosteward.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /livez, /readyz, /health (JSON) and /metrics (Prometheus text) for any {@link HealthSource}: the
 * sidecar's probe loop, the operator's runtime. Every answer comes from memory; nothing here does
 * I/O beyond the socket.
 *
 * <p>Served by {@link HttpLoop}: one thread that never waits on a client, so clients that send half
 * a request cost a socket each, not a worker, and cannot delay the probes; they are cut after
 * {@link #REQUEST_TIMEOUT}.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** A request must be whole within this of the connection opening (or of its first byte, on a kept-alive one). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** An answer the client does not take within this closes the connection. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  /** A kept-alive connection waiting for its next request is closed after this (the JDK server's default too). */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** GET and HEAD have no body; a probe's request line and headers take a few hundred bytes. */
  static final int MAX_LINE = 4096;
  static final int MAX_HEADERS = 8192;
  /**
   * Probes open a connection each and hold it for a millisecond, Prometheus keeps one: beyond this,
   * the oldest connection of the address holding the most is closed, so that clients holding
   * connections open can neither fill the heap nor keep the probes out.
   */
  static final int MAX_CONNECTIONS = 128;
  static final HttpLoop.Limits LIMITS = new HttpLoop.Limits(REQUEST_TIMEOUT, RESPONSE_TIMEOUT, IDLE_TIMEOUT, MAX_LINE,
      MAX_HEADERS, MAX_CONNECTIONS, Duration.ofMillis(50));
  private static final HttpAnswer BAD_REQUEST = HttpAnswer.text(400, TEXT, "bad request\n");
  private static final String ALLOWED = "GET, HEAD";

  private final HttpLoop loop;

  private HealthServer(HttpLoop loop) {
    this.loop = loop;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound (java.net.BindException when in use)
   */
  public static HealthServer start(InetSocketAddress address, HealthSource source, PrometheusMeterRegistry registry)
      throws IOException {
    return start(address, source, registry, LIMITS);
  }

  /** With other limits: tests shorten the timeouts. */
  static HealthServer start(InetSocketAddress address, HealthSource source, PrometheusMeterRegistry registry,
      HttpLoop.Limits limits) throws IOException {
    Endpoints endpoints = new Endpoints(source, registry);
    return new HealthServer(HttpLoop.start(address, limits, endpoints, BAD_REQUEST, "health-http"));
  }

  public int port() {
    return loop.port();
  }

  int connections() {
    return loop.connections();
  }

  /** Stops at once: in-flight answers are microseconds long, and probes retry. */
  @Override
  public void close() {
    loop.close();
  }

  /** The four endpoints, routed by path. */
  private record Endpoints(HealthSource source, PrometheusMeterRegistry registry) implements HttpLoop.Responder {

    /** A scrape reads every meter: about 20 ms of CPU in an operator with 1,000 schemas. */
    @Override
    public boolean costly(HttpRequestHead request) {
      return "/metrics".equals(request.path());
    }

    @Override
    public HttpAnswer answer(HttpRequestHead request) {
      String path = request.path();
      try {
        if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
          return HttpAnswer.text(405, TEXT, "only GET and HEAD are allowed\n").withAllow(ALLOWED);
        }
        return switch (path) {
          case "/livez" -> {
            boolean live = source.live();
            yield HttpAnswer.text(status(live), TEXT, live ? "ok\n" : "not live: " + source.notLiveReason() + "\n");
          }
          case "/readyz" -> {
            Readiness r = source.readiness();
            yield HttpAnswer.text(status(r.ready()), TEXT, (r.ready() ? "ready: " : "not ready: ") + r.reason() + "\n");
          }
          case "/health" -> {
            Readiness r = source.readiness();
            yield HttpAnswer.text(status(r.ready()), JSON, Json.write(source.details(r)) + "\n");
          }
          case "/metrics" -> metrics(request.query());
          default -> HttpAnswer.text(404, TEXT, "not found; try /livez, /readyz, /health or /metrics\n");
        };
      } catch (RuntimeException e) {
        LOG.error("health request {} failed", path, e);
        return HttpAnswer.text(500, TEXT, "internal error\n");
      }
    }

    /** name[] as Prometheus client libraries take it: only those families are written. */
    private HttpAnswer metrics(String query) {
      Set<String> names = new HashSet<>();
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          String name;
          String value;
          try {
            name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            return HttpAnswer.text(400, TEXT, "malformed query: " + e.getMessage() + "\n");
          }
          if (name.equals("name[]")) {
            names.add(value);
          }
        }
      }
      return HttpAnswer.text(200, PROMETHEUS_TEXT,
          names.isEmpty() ? registry.scrape() : registry.scrape(PROMETHEUS_TEXT, families(names)));
    }

    /**
     * The registry matches a family's name (a counter's without {@code _total}); a sample's name is
     * what users copy from a scrape, so both are taken.
     */
    private static Set<String> families(Set<String> names) {
      Set<String> out = new HashSet<>(names);
      for (String n : names) {
        out.add(n.replaceFirst("_(total|created|bucket|count|sum|info)$", ""));
      }
      return out;
    }

    private static int status(boolean ok) {
      return ok ? 200 : 503;
    }
  }
}
