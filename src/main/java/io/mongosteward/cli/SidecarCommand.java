package io.mongosteward.cli;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.health.Durations;
import io.mongosteward.health.MongoProbe;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.health.Sidecar;
import io.mongosteward.mongo.Pinger;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "sidecar", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Serves MongoDB health for Kubernetes probes and Prometheus, from a container next to your application.",
        "",
        "It pings MongoDB on its own schedule (every --interval, each ping bounded by --timeout) and answers every "
            + "request from the last result, so probes never reach MongoDB: a thousand probes per second still cost "
            + "one ping per interval. After failures the pings back off exponentially, with jitter, up to "
            + "--max-backoff.",
        "",
        "  /livez    200 while the process and its probe loop run. Point the livenessProbe here:",
        "            it does not depend on MongoDB, so an outage never restarts the pod.",
        "  /readyz   200 while the last ping succeeded, ended less than --stale-after ago and took",
        "            at most --ready-latency; else 503 with the reason. Point the readinessProbe here.",
        "  /health   JSON: status, reason, latency (last, p50 and p99 over --latency-window),",
        "            consecutive failures, last error, checkedAt, server version. 200 or 503 like /readyz.",
        "  /metrics  Prometheus text: mongosteward_ping_latency_seconds (histogram), mongosteward_up,",
        "            mongosteward_ready, mongosteward_ping_failures_total{reason},",
        "            mongosteward_last_success_timestamp_seconds, and JVM metrics.",
        "",
        "The connection string comes from, in order: --mongo-uri, --mongo-uri-file (or MONGODB_URI_FILE), such as "
            + "a mounted Secret, or MONGODB_URI. Its password never appears in logs, answers or metrics.",
        "",
        "MongoDB down at start is not an error: the sidecar stays up, answers 503 on /readyz, and turns ready when "
            + "MongoDB answers. Every option can also be set by the environment variable named in its description; "
            + "a flag wins over the environment.",
        ""},
    footer = {"", "Examples:",
        "  MONGODB_URI=mongodb://localhost:27017 mongo-steward sidecar",
        "  mongo-steward sidecar --mongo-uri-file /etc/mongo/uri --interval 10s --ready-latency 250ms --port 9090",
        "  curl -s localhost:8080/health",
        "", "Deployment: docs/sidecar.md. Exit codes: 1 on bad configuration; 143 after SIGTERM (closed within "
        + "5s)."})
final class SidecarCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin MongoTarget target;

  @Option(names = "--interval", paramLabel = "DURATION",
      description = "Pause between pings while healthy (env MONGOSTEWARD_INTERVAL; default 5s). Durations: 500ms, 5s, 1m.")
  String interval;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "Bound on one ping, server selection and connection included (env MONGOSTEWARD_TIMEOUT; default 2s).")
  String timeout;

  @Option(names = "--ready-latency", paramLabel = "DURATION",
      description = "A ping slower than this makes /readyz answer 503 (env MONGOSTEWARD_READY_LATENCY; default 1s).")
  String readyLatency;

  @Option(names = "--stale-after", paramLabel = "DURATION",
      description = "/readyz answers 503 when the last success is older than this, as when the loop is stuck "
          + "(env MONGOSTEWARD_STALE_AFTER; default 3 intervals). Must exceed --interval + --timeout.")
  String staleAfter;

  @Option(names = "--max-backoff", paramLabel = "DURATION",
      description = "Longest pause between pings while they fail (env MONGOSTEWARD_MAX_BACKOFF; default 30s, "
          + "at least --interval). Also the longest wait to see MongoDB back.")
  String maxBackoff;

  @Option(names = "--latency-window", paramLabel = "DURATION",
      description = "How far back the p50 and p99 of /health look (env MONGOSTEWARD_LATENCY_WINDOW; default 5m).")
  String latencyWindow;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port of the HTTP endpoints, on every interface (env MONGOSTEWARD_PORT; default 8080; 0 picks "
          + "a free one).")
  String port;

  @Option(names = "--max-pool-size", paramLabel = "N",
      description = "clientOptions.maxPoolSize (env MONGOSTEWARD_MAX_POOL_SIZE). Options in the URI apply too; "
          + "these flags win.")
  String maxPoolSize;

  @Option(names = "--min-pool-size", paramLabel = "N", description = "clientOptions.minPoolSize (env MONGOSTEWARD_MIN_POOL_SIZE).")
  String minPoolSize;

  @Option(names = "--connect-timeout-ms", paramLabel = "MS",
      description = "clientOptions.connectTimeoutMS (env MONGOSTEWARD_CONNECT_TIMEOUT_MS). --timeout bounds each ping anyway.")
  String connectTimeoutMs;

  @Option(names = "--socket-timeout-ms", paramLabel = "MS",
      description = "clientOptions.socketTimeoutMS (env MONGOSTEWARD_SOCKET_TIMEOUT_MS).")
  String socketTimeoutMs;

  @Option(names = "--server-selection-timeout-ms", paramLabel = "MS",
      description = "clientOptions.serverSelectionTimeoutMS (env MONGOSTEWARD_SERVER_SELECTION_TIMEOUT_MS).")
  String serverSelectionTimeoutMs;

  @Option(names = "--wait-queue-timeout-ms", paramLabel = "MS",
      description = "clientOptions.waitQueueTimeoutMS (env MONGOSTEWARD_WAIT_QUEUE_TIMEOUT_MS).")
  String waitQueueTimeoutMs;

  @Override
  public Integer call() throws InterruptedException {
    Settings s = new Settings();
    ProbeSettings probeSettings = s.probeSettings();
    ClientOptions clientOptions = s.clientOptions();
    int listenPort = s.port();
    MongoTarget.Resolved mongo = resolveTarget();

    Pinger pinger = new Pinger(mongo.uri(), clientOptions, probeSettings.timeout(), List.of());
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(probeSettings, new MongoProbe(pinger), MongoProbe.REASONS, mongo.uri().redacted(),
          new InetSocketAddress(listenPort));
    } catch (BindException e) {
      String why = String.valueOf(e.getMessage()).contains("in use") ? "another process holds it"
          : "ports below 1024 need privileges the sidecar should not have";
      throw new InputException("--port " + listenPort + ": cannot listen there (" + e.getMessage() + "); " + why
          + ". Choose a free port with --port or MONGOSTEWARD_PORT.");
    } catch (IOException e) {
      throw new InputException("--port " + listenPort + ": cannot start the HTTP server: " + e);
    }
    return runUntilTerminated(sidecar);
  }

  /** Blocks until SIGTERM or SIGINT; the JVM's shutdown hook closes the sidecar within its bound. */
  private static int runUntilTerminated(Sidecar sidecar) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Thread closer = new Thread(sidecar::close, "sidecar-close");
      closer.setDaemon(true);
      closer.start();
      try {
        // The bound holds even if a close step hangs: the JVM halts when this hook returns.
        closer.join(Sidecar.SHUTDOWN_BOUND.plusSeconds(1).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closed.countDown();
    }, "sidecar-shutdown"));
    closed.await();
    return Main.OK;
  }

  private MongoTarget.Resolved resolveTarget() {
    String none = "no MongoDB to probe: set MONGODB_URI, or mount the connection string from a Secret "
        + "and pass --mongo-uri-file PATH (or set MONGODB_URI_FILE). See: mongo-steward sidecar --help";
    if (!target.given(main.env)) {
      throw new InputException(none);
    }
    // Never the embedded server nor a kubeconfig Secret: the sidecar probes what the application uses.
    return target.resolve(main.env, () -> null, main.err, none);
  }

  /** Reads each setting from its flag, else its environment variable, else the default; fails with both names. */
  private final class Settings {
    private final FlagOrEnv flags = new FlagOrEnv(main.env);

    ProbeSettings probeSettings() {
      Duration every = duration("--interval", interval, "MONGOSTEWARD_INTERVAL", ProbeSettings.DEFAULT_INTERVAL);
      Duration bound = duration("--timeout", timeout, "MONGOSTEWARD_TIMEOUT", ProbeSettings.DEFAULT_TIMEOUT);
      Duration slow = duration("--ready-latency", readyLatency, "MONGOSTEWARD_READY_LATENCY",
          ProbeSettings.DEFAULT_READY_LATENCY);
      Duration stale = duration("--stale-after", staleAfter, "MONGOSTEWARD_STALE_AFTER",
          ProbeSettings.defaultStaleAfter(every, bound));
      Duration backoff = duration("--max-backoff", maxBackoff, "MONGOSTEWARD_MAX_BACKOFF",
          every.compareTo(ProbeSettings.DEFAULT_MAX_BACKOFF) > 0 ? every : ProbeSettings.DEFAULT_MAX_BACKOFF);
      Duration window = duration("--latency-window", latencyWindow, "MONGOSTEWARD_LATENCY_WINDOW",
          ProbeSettings.DEFAULT_WINDOW);
      if (stale.compareTo(every.plus(bound)) <= 0) {
        throw new InputException("--stale-after " + Durations.format(stale) + " must be longer than --interval + "
            + "--timeout (" + Durations.format(every.plus(bound)) + "), or a healthy sidecar would turn not ready "
            + "between two pings. Raise it, or leave it unset for 3 intervals.");
      }
      if (backoff.compareTo(every) < 0) {
        throw new InputException("--max-backoff " + Durations.format(backoff) + " must be at least --interval ("
            + Durations.format(every) + "): pings never come faster than the interval.");
      }
      return new ProbeSettings(every, bound, slow, stale, backoff, window);
    }

    ClientOptions clientOptions() {
      ClientOptions o = new ClientOptions();
      o.setMaxPoolSize(integer("--max-pool-size", maxPoolSize, "MONGOSTEWARD_MAX_POOL_SIZE", 1));
      o.setMinPoolSize(integer("--min-pool-size", minPoolSize, "MONGOSTEWARD_MIN_POOL_SIZE", 0));
      o.setConnectTimeoutMS(integer("--connect-timeout-ms", connectTimeoutMs, "MONGOSTEWARD_CONNECT_TIMEOUT_MS", 0));
      o.setSocketTimeoutMS(integer("--socket-timeout-ms", socketTimeoutMs, "MONGOSTEWARD_SOCKET_TIMEOUT_MS", 0));
      o.setServerSelectionTimeoutMS(integer("--server-selection-timeout-ms", serverSelectionTimeoutMs,
          "MONGOSTEWARD_SERVER_SELECTION_TIMEOUT_MS", 0));
      o.setWaitQueueTimeoutMS(integer("--wait-queue-timeout-ms", waitQueueTimeoutMs,
          "MONGOSTEWARD_WAIT_QUEUE_TIMEOUT_MS", 0));
      if (o.getMinPoolSize() != null && o.getMaxPoolSize() != null && o.getMinPoolSize() > o.getMaxPoolSize()) {
        throw new InputException("--min-pool-size " + o.getMinPoolSize() + " is larger than --max-pool-size "
            + o.getMaxPoolSize() + "; lower the first or raise the second.");
      }
      return o;
    }

    int port() {
      return flags.port("--port", port, "MONGOSTEWARD_PORT", 8080);
    }

    private Duration duration(String flag, String raw, String envName, Duration fallback) {
      return flags.duration(flag, raw, envName, fallback);
    }

    private Integer integer(String flag, String raw, String envName, int min) {
      return flags.integer(flag, raw, envName, min);
    }
  }
}
