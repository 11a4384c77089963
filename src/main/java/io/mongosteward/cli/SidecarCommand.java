package io.mongosteward.cli;

import io.mongosteward.api.v1alpha1.ClientOptions;
import io.mongosteward.health.Durations;
import io.mongosteward.health.ProbeSettings;
import io.mongosteward.health.Sidecar;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.sidecar.MongoProbe;
import io.mongosteward.sidecar.TlsFiles;
import io.mongosteward.sidecar.UriFile;
import io.mongosteward.mongo.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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
            + "a mounted Secret, or MONGODB_URI. The file is read again before each ping: when it changes, the next "
            + "ping uses a new client, so a rotated password needs no restart. The password never appears in logs, "
            + "answers or metrics.",
        "",
        "TLS: --tls-ca-file (the CA that signed MongoDB's certificate), --tls-cert-file and --tls-key-file (a client "
            + "certificate, e.g. tls.crt and tls.key of a mounted kubernetes.io/tls Secret), or MONGODB_TLS_CA_FILE, "
            + "MONGODB_TLS_CERT_FILE, MONGODB_TLS_KEY_FILE. They are read again before each ping too: a renewed "
            + "certificate makes a new client, without a restart. A failed handshake counts as reason tls.",
        "",
        "MongoDB down at start is not an error: the sidecar stays up, answers 503 on /readyz, and turns ready when "
            + "MongoDB answers. Every option can also be set by the environment variable named in its description; "
            + "a flag wins over the environment.",
        ""},
    footer = {"", "Examples:",
        "  MONGODB_URI=mongodb://localhost:27017 mongo-steward sidecar",
        "  mongo-steward sidecar --mongo-uri-file /etc/mongo/uri --interval 10s --ready-latency 250ms --port 9090",
        "  curl -s localhost:8080/health",
        "", "Deployment: docs/sidecar.md. Exit codes: 1 on bad configuration; 0 after SIGTERM (closed within "
        + "5s)."})
final class SidecarCommand implements Callable<Integer> {
  /** What the sidecar's settings hold before they are checked together; null means the derived default. */
  static final class Values {
    Duration interval = ProbeSettings.DEFAULT_INTERVAL;
    Duration timeout = ProbeSettings.DEFAULT_TIMEOUT;
    Duration readyLatency = ProbeSettings.DEFAULT_READY_LATENCY;
    Duration staleAfter;
    Duration maxBackoff;
    Duration window;
    Integer port = 8080;
    final ClientOptions client = new ClientOptions();
  }

  /** Every setting of the sidecar, declared once; {@link Main} adds their options to this command. */
  static final List<Setting<Values>> SETTINGS = List.of(
      Setting.duration("--interval", "MONGOSTEWARD_INTERVAL", "Pause between pings while healthy. Durations: 500ms, "
          + "5s, 1m", v -> v.interval, (v, d) -> v.interval = d),
      Setting.duration("--timeout", "MONGOSTEWARD_TIMEOUT", "Bound on one ping, server selection and connection "
          + "included", v -> v.timeout, (v, d) -> v.timeout = d),
      Setting.duration("--ready-latency", "MONGOSTEWARD_READY_LATENCY", "A ping slower than this makes /readyz "
          + "answer 503", v -> v.readyLatency, (v, d) -> v.readyLatency = d),
      Setting.duration("--stale-after", "MONGOSTEWARD_STALE_AFTER", "/readyz answers 503 when the last success is "
          + "older than this, as when the loop is stuck; must exceed --interval + --timeout; default 3 intervals",
          v -> v.staleAfter, (v, d) -> v.staleAfter = d),
      Setting.duration("--max-backoff", "MONGOSTEWARD_MAX_BACKOFF", "Longest pause between pings while they fail, "
          + "so also the longest wait to see MongoDB back; default 30s, at least --interval", v -> v.maxBackoff,
          (v, d) -> v.maxBackoff = d),
      Setting.duration("--latency-window", "MONGOSTEWARD_LATENCY_WINDOW", "How far back the p50 and p99 of /health "
          + "look; at most 4095 intervals (4,096 pings), so with a short --interval the default 5m shrinks to that",
          v -> v.window, (v, d) -> v.window = d),
      Setting.port("--port", "MONGOSTEWARD_PORT", "Port of the HTTP endpoints, on every interface, as the kubelet "
          + "probes the pod's IP (0 picks a free one)", v -> v.port, (v, p) -> v.port = p),
      Setting.optionalInteger("--max-pool-size", "MONGOSTEWARD_MAX_POOL_SIZE", 1, "clientOptions.maxPoolSize; options "
          + "in the URI apply too, and these flags win", v -> v.client.getMaxPoolSize(),
          (v, n) -> v.client.setMaxPoolSize(n)),
      Setting.optionalInteger("--min-pool-size", "MONGOSTEWARD_MIN_POOL_SIZE", 0, "clientOptions.minPoolSize",
          v -> v.client.getMinPoolSize(), (v, n) -> v.client.setMinPoolSize(n)),
      Setting.optionalInteger("--connect-timeout-ms", "MONGOSTEWARD_CONNECT_TIMEOUT_MS", 0, "clientOptions."
          + "connectTimeoutMS; --timeout bounds each ping anyway", v -> v.client.getConnectTimeoutMS(),
          (v, n) -> v.client.setConnectTimeoutMS(n)),
      Setting.optionalInteger("--socket-timeout-ms", "MONGOSTEWARD_SOCKET_TIMEOUT_MS", 0, "clientOptions."
          + "socketTimeoutMS", v -> v.client.getSocketTimeoutMS(), (v, n) -> v.client.setSocketTimeoutMS(n)),
      Setting.optionalInteger("--server-selection-timeout-ms", "MONGOSTEWARD_SERVER_SELECTION_TIMEOUT_MS", 0,
          "clientOptions.serverSelectionTimeoutMS", v -> v.client.getServerSelectionTimeoutMS(),
          (v, n) -> v.client.setServerSelectionTimeoutMS(n)),
      Setting.optionalInteger("--wait-queue-timeout-ms", "MONGOSTEWARD_WAIT_QUEUE_TIMEOUT_MS", 0,
          "clientOptions.waitQueueTimeoutMS", v -> v.client.getWaitQueueTimeoutMS(),
          (v, n) -> v.client.setWaitQueueTimeoutMS(n)));

  @ParentCommand Main main;
  @Mixin MongoTarget target;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Values v = values();
    ProbeSettings probeSettings = probeSettings(v);
    ClientOptions clientOptions = clientOptions(v);
    int listenPort = v.port;
    MongoTarget.Resolved mongo = resolveTarget();

    // A file (a mounted Secret) is read again before each ping, so that a rotated password needs no restart.
    Supplier<MongoUri> uris = mongo.file() != null ? new UriFile(mongo.file(), mongo.source(), mongo.uri())
        : mongo::uri;
    // The TLS files too: a rotated certificate is read at the next ping, and makes a new client.
    Supplier<TlsMaterial> tls = mongo.tlsFiles() != null ? new TlsFiles(mongo.tlsFiles(), mongo.tls()) : () -> null;
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(probeSettings, new MongoProbe(uris, tls, clientOptions, probeSettings.timeout(),
          List.of()),
          MongoProbe.REASONS, new InetSocketAddress(listenPort));
    } catch (IOException e) {
      throw Lifecycle.cannotServe(listenPort, e);
    }
    return Lifecycle.runUntilStopped(Sidecar.SHUTDOWN_BOUND.plusSeconds(1), sidecar::close);
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

  /** The settings checked together, with messages that name the flags. */
  private Values values() {
    Values v = Setting.read(spec, SETTINGS, new FlagOrEnv(main.env), new Values());
    if (v.staleAfter == null) v.staleAfter = ProbeSettings.defaultStaleAfter(v.interval, v.timeout);
    if (v.maxBackoff == null) {
      v.maxBackoff = v.interval.compareTo(ProbeSettings.DEFAULT_MAX_BACKOFF) > 0 ? v.interval
          : ProbeSettings.DEFAULT_MAX_BACKOFF;
    }
    if (v.window == null) v.window = ProbeSettings.defaultWindow(v.interval);
    return v;
  }

  private static ProbeSettings probeSettings(Values v) {
    Duration every = v.interval;
    if (v.staleAfter.compareTo(every.plus(v.timeout)) <= 0) {
      throw new InputException("--stale-after " + Durations.format(v.staleAfter) + " must be longer than --interval + "
          + "--timeout (" + Durations.format(every.plus(v.timeout)) + "), or a healthy sidecar would turn not ready "
          + "between two pings. Raise it, or leave it unset for 3 intervals.");
    }
    if (v.maxBackoff.compareTo(every) < 0) {
      throw new InputException("--max-backoff " + Durations.format(v.maxBackoff) + " must be at least --interval ("
          + Durations.format(every) + "): pings never come faster than the interval.");
    }
    if (ProbeSettings.pingsIn(v.window, every) > ProbeSettings.MAX_WINDOW_SAMPLES) {
      throw new InputException("--latency-window " + Durations.format(v.window) + " would hold "
          + ProbeSettings.pingsIn(v.window, every) + " pings at --interval " + Durations.format(every)
          + "; the window keeps at most " + ProbeSettings.MAX_WINDOW_SAMPLES + ": shorten it to "
          + Durations.format(ProbeSettings.longestWindow(every)) + " or less, or lengthen --interval.");
    }
    return new ProbeSettings(every, v.timeout, v.readyLatency, v.staleAfter, v.maxBackoff, v.window);
  }

  private static ClientOptions clientOptions(Values v) {
    ClientOptions o = v.client;
    if (o.getMinPoolSize() != null && o.getMaxPoolSize() != null && o.getMinPoolSize() > o.getMaxPoolSize()) {
      throw new InputException("--min-pool-size " + o.getMinPoolSize() + " is larger than --max-pool-size "
          + o.getMaxPoolSize() + "; lower the first or raise the second.");
    }
    return o;
  }
}
