package io.mongosteward.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /livez, /readyz, /health (JSON) and /metrics (Prometheus text) on the JDK's HTTP server, for
 * any {@link HealthSource}: the sidecar's probe loop today, the operator's runtime tomorrow. Every
 * answer comes from memory; nothing here does I/O beyond the socket.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** Enough for kubelet, a scraper and a curious human; requests take microseconds. */
  private static final int THREADS = 4;

  static {
    // Read by the JDK once, when the first server is created; an operator's -D flags still win.
    // Nagle's algorithm is on by default: with keep-alive it adds up to 40 ms (delayed ACK) to small answers.
    defaultProperty("sun.net.httpserver.nodelay", "true");
    // A client that sends its request or reads the answer slowly holds a worker thread; by default
    // forever. Cut it after 5 s, so that four slow clients cannot starve the probes for long.
    defaultProperty("sun.net.httpserver.maxReqTime", "5");
    defaultProperty("sun.net.httpserver.maxRspTime", "5");
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final HealthSource source;
  private final PrometheusMeterRegistry registry;

  private HealthServer(HttpServer server, ExecutorService executor, HealthSource source,
      PrometheusMeterRegistry registry) {
    this.server = server;
    this.executor = executor;
    this.source = source;
    this.registry = registry;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound (java.net.BindException when in use)
   */
  public static HealthServer start(InetSocketAddress address, HealthSource source, PrometheusMeterRegistry registry)
      throws IOException {
    HttpServer http = HttpServer.create(address, 128);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "health-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HealthServer health = new HealthServer(http, executor, source, registry);
    http.createContext("/", health::handle);
    http.setExecutor(executor);
    http.start();
    return health;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, TEXT, "only GET and HEAD are allowed\n", false);
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/livez" -> {
          boolean live = source.live();
          send(exchange, live ? 200 : 503, TEXT, live ? "ok\n" : "not live: the probe loop is stuck\n", head);
        }
        case "/readyz" -> {
          Readiness r = source.readiness();
          send(exchange, r.ready() ? 200 : 503, TEXT, (r.ready() ? "ready: " : "not ready: ") + r.reason() + "\n",
              head);
        }
        case "/health" -> {
          Readiness r = source.readiness();
          send(exchange, r.ready() ? 200 : 503, JSON, Json.write(source.details(r)) + "\n", head);
        }
        case "/metrics" -> send(exchange, 200, PROMETHEUS_TEXT, registry.scrape(), head);
        default -> send(exchange, 404, TEXT, "not found; try /livez, /readyz, /health or /metrics\n", head);
      }
    } catch (IOException e) {
      LOG.debug("a health client went away: {}", e.toString()); // e.g. a probe that timed out and closed
    } catch (RuntimeException e) {
      LOG.error("health request {} failed", exchange.getRequestURI().getPath(), e);
      try {
        send(exchange, 500, TEXT, "internal error\n", false);
      } catch (IOException | RuntimeException ignored) {
        // headers were already sent: the client sees a cut answer
      }
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops at once: in-flight answers are microseconds long, and probes retry. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
