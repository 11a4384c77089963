package io.mongosteward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.testsupport.Http;
import io.mongosteward.testsupport.ImageRuntime;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.OperatorJvm;
import io.mongosteward.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the operator as deployed (the jar, with the environment of deploy/05-deployment.yaml's
 * operator container: JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX) on the test API server, with N MongoSchemas
 * that exist before it starts, against the in-process MongoDB stand-in. For each N and each round it
 * clears the schemas' status, launches the process and measures:
 * <ul>
 *   <li>start to all-Ready: from process launch until /readyz answers 200, and until every schema's
 *       Ready condition is True on the API server (seen by an informer);
 *   <li>RSS (VmRSS) and heap used after a full GC (jcmd GC.run), and the peak RSS (VmHWM), once the
 *       first steady resync is over;
 *   <li>one steady resync (the {@code --resync} timer, {@code bench.resync} seconds): its length, from
 *       the first to the N-th reconcile counted by {@code operator_sdk_reconciliations_success_total};
 *       the API-server writes it caused, counted by the API server's {@code apiserver_request_total}
 *       (POST, PUT, PATCH, DELETE), and checked against the schemas' resourceVersions and the Events;
 *       the MongoDB commands it sent, per schema (what the stand-in received); the Secret GETs per minute;
 *   <li>the operator's TCP connections to MongoDB (its sockets to the stand-in's port, from /proc);
 *   <li>then, with N &gt; 0, a second start of the same build on the statuses the first one wrote (a
 *       restart, as a rollout does; the first start, on cleared statuses, is a first-ever start): launch
 *       to /readyz, launch to every schema reconciled once (on {@code operator_sdk_reconciliations_success_total};
 *       each schema is Ready throughout), and the MongoSchema and Event writes of that first pass;
 *   <li>the operator's CPU time (all its threads, from /proc) from launch to all Ready, and in the restart to
 *       every schema reconciled: a figure the load of other work on the machine moves far less than the times;
 *       and the API server's and etcd's CPU from launch to all Ready;
 *   <li>with N &gt; 0, the first-ever start's baseline ({@link Floor}): the same status writes by a bare
 *       client, without an operator.
 * </ul>
 * Knobs: {@code bench.schemas} (comma list, default 0,100,1000), {@code bench.rounds} / BENCH_ROUNDS
 * (default 5), {@code bench.resync} (seconds, default 20: the least resync interval; a size's first
 * round runs with at least 1.25 times its untimed first start's time to all-Ready, later rounds 1.5 times
 * the slowest measured start, as the first pass must end within one interval), {@code bench.out} / BENCH_OUT (default target/bench), {@code bench.jvmFlags}
 * (replaces deploy's JAVA_TOOL_OPTIONS; leading NAME=value words set environment variables; several
 * sets separated by '|' run interleaved, round by round, to compare them),
 * {@code bench.reconcileThreads}, {@code bench.jar} (the jar to run, default target/mongo-steward.jar; several separated
 * by '|', builds before and after a code change, run interleaved like the flag sets), {@code bench.runtime}
 * ({@code image}: as the image runs it, on the jlinked runtime with the operator's AppCDS archive and the
 * java line of scripts/image/entrypoint.sh, both built here by testsupport.ImageRuntime; {@code jdk}: this
 * JDK's java, no archive of ours; default image where this JDK can jlink; {@code jdk|image} runs both,
 * interleaved like the flag sets), {@code bench.watch} ({@code all}, the default: the operator watches every
 * namespace, deploy's default; {@code listed}: it is given the 10 namespaces by {@code --namespaces}, and watches
 * each of them apart), {@code bench.nmt=true} (adds native memory tracking and writes the
 * summary of the last round of each size next to the fragment, with the resident memory of each mapped file and the heap's
 * largest classes; with {@code bench.histogramLines=N} N lines of the histogram, with {@code bench.codelist=true}
 * the compiled methods and the code cache, with {@code bench.heapDump=true} a heap dump), {@code bench.auth} ({@code token}, the default: the operator authenticates as deploy/'s
 * ServiceAccount, bound to deploy/'s RBAC, with a TokenRequest token in a file and the in-cluster configuration, as a pod does; {@code cert}: with the test
 * API server's admin client certificate, whose TLS handshakes sign with an RSA key, about 40 per start, which a
 * pod never pays). Run after {@code mvn package}:
 * {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=OperatorMemoryBench}.
 */
class OperatorMemoryBench {
  static final List<Integer> SIZES = Arrays.stream(System.getProperty("bench.schemas", "0,100,1000").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).sorted().toList();
  static final int ROUNDS = Integer.parseInt(setting("bench.rounds", "BENCH_ROUNDS", "5"));
  static final int RESYNC_SECONDS = Integer.getInteger("bench.resync", 20);
  static final Path OUT = Path.of(setting("bench.out", "BENCH_OUT", "target/bench"));
  /** Several sets separated by '|' run interleaved, round by round, to compare flags in one run. */
  static final List<String> FLAG_SETS = System.getProperty("bench.jvmFlags", "").isBlank() ? List.of("")
      : Arrays.stream(System.getProperty("bench.jvmFlags").split("\\|")).map(String::trim).toList();
  static final String RECONCILE_THREADS = System.getProperty("bench.reconcileThreads");
  static final boolean NMT = Boolean.getBoolean("bench.nmt");
  /** token: deploy's ServiceAccount, as in a pod (default); cert: the test API server's admin certificate. */
  static final String AUTH = System.getProperty("bench.auth", "token");
  static final List<String> RUNTIMES = Arrays.stream(System.getProperty("bench.runtime",
      ImageRuntime.available() ? "image" : "jdk").split("\\|")).map(String::trim).toList();
  static final int NAMESPACES = 10;
  /**
   * all (the default): the operator watches every namespace, as deploy/ and the chart run it; listed: it
   * is given the bench's 10 namespaces, and then runs an informer, a watch connection, per namespace and kind.
   */
  static final boolean WATCH_ALL = !"listed".equals(System.getProperty("bench.watch", "all"));
  static final String LABEL = "mongosteward.io/bench";
  /** How often the reconciles are counted (ReconcileLog) while a pass runs: the times are within this. */
  static final Duration SCRAPE_EVERY = Duration.ofMillis(250);
  static final double MB = 1024 * 1024;

  @TempDir Path tmp;
  /**
   * How the operator finds the API server: as a pod does (KubeApi.operatorInClusterEnv), or with
   * bench.auth=cert a kubeconfig of the admin's certificate.
   */
  private Map<String, String> apiEnv = Map.of();
  /** The image's runtime, built once when a variant runs on it; the operator's archive of each jar. */
  private ImageRuntime image;
  private final Map<Path, Path> archives = new HashMap<>();
  /**
   * The operator's --resync for the rounds of the size being measured. A fixed 20 s failed a run at
   * 1,000 schemas on a slower machine (its first pass took 20.1 s, so the resync wave would have
   * overlapped it); so a size's first round takes 1.25 times its untimed first start, which creates the
   * indexes and is the slowest of its starts (56 s there, where a measured first pass took 20 s), and
   * each later round 1.5 times the slowest measured start before it, and no more, as every round waits
   * one interval (at 1,000 schemas about 40 s less per round).
   */
  private int resyncSeconds = RESYNC_SECONDS;
  /** The interval of each round, by size. */
  private final Map<Integer, List<Integer>> resyncBySize = new TreeMap<>();
  /** Launch to all-Ready of the last start, measured or not. */
  private double lastAllReady;

  record Round(double readyzS, double allReadyS, double rssMb, double peakMb, double heapMb, double resyncS,
      int connections, long schemaWrites, long eventWrites, long otherWrites, int rvChanged, int eventsAdded,
      double mongoCommandsPerSchema, double secretGetsPerMinute, double classes, double threads, double allReadyCpuS,
      double allReadyServerCpuS, Restart restart, Floor floor) {
    Round withRestart(Restart r) {
      return new Round(readyzS, allReadyS, rssMb, peakMb, heapMb, resyncS, connections, schemaWrites, eventWrites,
          otherWrites, rvChanged, eventsAdded, mongoCommandsPerSchema, secretGetsPerMinute, classes, threads,
          allReadyCpuS, allReadyServerCpuS, r, floor);
    }

    Round withFloor(Floor f) {
      return new Round(readyzS, allReadyS, rssMb, peakMb, heapMb, resyncS, connections, schemaWrites, eventWrites,
          otherWrites, rvChanged, eventsAdded, mongoCommandsPerSchema, secretGetsPerMinute, classes, threads,
          allReadyCpuS, allReadyServerCpuS, restart, f);
    }
  }

  /**
   * The baseline of a first-ever start: the same N status writes by a bare client, without an operator,
   * on as many threads as the operator reconciles with, each the server-side apply JOSDK sends (the whole
   * schema, its status set, to the status subresource, under the operator's field manager). The time
   * until the last is acknowledged, and the CPU the API server and etcd spent on them.
   */
  record Floor(double wallS, double serverCpuS) {}

  /**
   * A restart that finds every status current (the realistic start: a rollout, a rescheduled pod):
   * launch to /readyz, and to every schema reconciled once (each was Ready throughout); the writes
   * its first pass made, which should be none.
   */
  record Restart(double readyzS, double reconciledS, double cpuS, long schemaWrites, long eventWrites, int rvChanged) {}

  /**
   * The CPU time the operator process has used (all its threads: the JIT compiler's and the GC's
   * too): unlike the times, robust to other work on the machine.
   */
  static double cpuSeconds(Process p) {
    return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  @Test
  void measure() throws Exception {
    // Several jars separated by '|' (builds before and after a code change) run interleaved too.
    List<Path> jars = Arrays.stream(System.getProperty("bench.jar", "target/mongo-steward.jar").split("\\|"))
        .map(String::trim).map(Path::of).toList();
    jars.forEach(j -> assertThat(j).as("run mvn package first").exists());
    List<Map<String, String>> envs = new ArrayList<>();
    List<Path> variantJars = new ArrayList<>();
    for (Path jarOfVariant : jars) for (String flags : FLAG_SETS) for (String runtime : RUNTIMES) {
      Map<String, String> env = new HashMap<>(OperatorJvm.deployEnv());
      if (runtime.equals("image")) {
        if (image == null) {
          image = ImageRuntime.build(tmp.resolve("image"));
        }
        if (!archives.containsKey(jarOfVariant)) {
          archives.put(jarOfVariant, image.operatorArchive(jarOfVariant.toAbsolutePath(),
              tmp.resolve("image").resolve("operator-" + archives.size() + ".jsa")));
        }
      } else if (!runtime.equals("jdk")) {
        throw new IllegalArgumentException("bench.runtime: image or jdk, not " + runtime);
      }
      env.put("BENCH_RUNTIME", runtime); // read by operator(); harmless in the process's environment
      if (!flags.isEmpty()) {
        // Leading NAME=value words are environment variables (MALLOC_ARENA_MAX=2), the rest JVM flags.
        List<String> jvm = new ArrayList<>();
        for (String word : flags.split("\\s+")) {
          if (jvm.isEmpty() && word.matches("[A-Z_]+=.*")) {
            env.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
          } else {
            jvm.add(word);
          }
        }
        env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvm));
      }
      if (NMT) {
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS") + " -XX:NativeMemoryTracking=summary");
      }
      envs.add(env);
      variantJars.add(jarOfVariant);
      if (jars.size() > 1) {
        env.put("BENCH_JAR", jarOfVariant.toString()); // only a label for the fragment
      }
    }
    try (KubernetesClient admin = KubeApi.client()) {
      // token: a pod's in-cluster configuration (no kubeconfig, whose YAML a pod never reads).
      apiEnv = "cert".equals(AUTH) ? Map.of("KUBECONFIG", KubeApi.kubeConfigFile(tmp).toString())
          : KubeApi.operatorInClusterEnv(tmp, admin);
    }
    String mongo = MongoBackend.MONGO_JAVA_SERVER.uri();
    int mongoPort = Integer.parseInt(mongo.substring(mongo.lastIndexOf(':') + 1));
    List<Map<Integer, List<Round>>> results = new ArrayList<>();
    envs.forEach(e -> results.add(new TreeMap<>()));
    String load0 = loadAverage();
    try (KubernetesClient client = KubeApi.client()) {
      List<String> namespaces = new ArrayList<>();
      for (int n = 0; n < NAMESPACES; n++) {
        String ns = KubeApi.newNamespace(client, "bench");
        namespaces.add(ns);
        client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata().withName("mongo").endMetadata().withStringData(Map.of("uri", mongo)).build()).create();
      }
      int created = 0;
      for (int size : SIZES) {
        createSchemas(client, namespaces, created, size);
        created = Math.max(created, size);
        // Untimed: the first start creates the new schemas' indexes and metadata; the rounds find them.
        resyncSeconds = RESYNC_SECONDS;
        round(client, envs.get(0), variantJars.get(0), namespaces, size, mongoPort, false, 0);
        resyncSeconds = Math.max(RESYNC_SECONDS, (int) Math.ceil(1.25 * lastAllReady));
        List<Integer> intervals = resyncBySize.computeIfAbsent(size, k -> new ArrayList<>());
        double slowestStart = 0;
        for (int r = 0; r < ROUNDS; r++) {
          intervals.add(resyncSeconds);
          for (int v = 0; v < envs.size(); v++) {
            Round round = round(client, envs.get(v), variantJars.get(v), namespaces, size, mongoPort, true, v);
            slowestStart = Math.max(slowestStart, round.allReadyS());
            if (size > 0) {
              // Right after it: the statuses that start wrote are current.
              round = round.withRestart(restart(client, envs.get(v), variantJars.get(v), namespaces, size));
              round = round.withFloor(statusWritesAlone(client));
            }
            System.out.println("BENCH jvm=" + (char) ('A' + v) + " schemas=" + size + " " + round);
            results.get(v).computeIfAbsent(size, k -> new ArrayList<>()).add(round);
          }
          resyncSeconds = Math.min(resyncSeconds, Math.max(RESYNC_SECONDS, (int) Math.ceil(1.5 * slowestStart)));
        }
      }
    }
    String fragment = fragment(results, envs.stream().map(e -> (RUNTIMES.size() > 1 ? e.get("BENCH_RUNTIME") + " runtime, " : "")
        + (e.containsKey("BENCH_JAR") ? e.get("BENCH_JAR") + " " : "")
        + (e.containsKey("MALLOC_ARENA_MAX") ? "MALLOC_ARENA_MAX="
        + e.get("MALLOC_ARENA_MAX") + " " : "") + "JAVA_TOOL_OPTIONS=\"" + e.get("JAVA_TOOL_OPTIONS") + "\"").toList(), load0,
        loadAverage(), resyncBySize);
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("OperatorMemoryBench.md"), fragment);
    System.out.println(fragment);
  }

  private Round round(KubernetesClient client, Map<String, String> env, Path jar,
      List<String> namespaces, int size, int mongoPort, boolean measure, int variant) throws Exception {
    clearStatuses(client, schemas(client));
    ReadyTracker ready = new ReadyTracker(size);
    SharedIndexInformer<MongoSchema> informer = client.resources(MongoSchema.class).inAnyNamespace()
        .withLabel(LABEL, "operator").inform(ready);
    informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    int port = TestServers.freePort();
    ProcessBuilder pb = operator(env, jar, namespaces, size, port);
    ReconcileLog reconciles = new ReconcileLog(log(size));
    double server0 = serverCpuSeconds();
    long t0 = System.nanoTime();
    ready.start(t0);
    Process p = pb.start();
    try {
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
          .ignoreExceptions().until(() -> Http.status(port, "/readyz") == 200);
      double readyz = (System.nanoTime() - t0) / 1e9;
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(ready::done);
      double allReady = Math.max(readyz, (ready.doneAt() - t0) / 1e9);
      double allReadyCpu = cpuSeconds(p);
      double allReadyServerCpu = serverCpuSeconds() - server0;
      lastAllReady = allReady;
      if (!measure) {
        return null;
      }
      // Steady from here: every schema Ready (its first status write landed) and reconciled at least once.
      Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(SCRAPE_EVERY)
          .until(() -> reconciles.count() >= size);
      double sinceReady = (System.nanoTime() - t0) / 1e9 - readyz;
      double before = reconciles.count();
      long w0At = System.nanoTime();
      Writes w0 = writes(client);
      Map<String, String> rv0 = ready.versions();
      int events0 = events(client, namespaces);
      long mongo0 = benchCommands();
      double resync = Double.NaN;
      if (size > 0) {
        // Each schema's resync timer runs from its last reconcile: the wave comes about one interval
        // after the first pass, and is over when the counter has grown by N.
        assertThat(sinceReady).as("the first pass ended within one resync interval (else raise bench.resync)")
            .isLessThan(resyncSeconds);
        long first = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(resyncSeconds + 300);
        while (true) {
          double now = reconciles.count();
          if (first == 0 && now > before) {
            first = System.nanoTime();
          }
          if (now >= before + size) {
            resync = (System.nanoTime() - first) / 1e9;
            break;
          }
          assertThat(System.nanoTime()).as("the resync wave ends").isLessThan(deadline);
          Thread.sleep(SCRAPE_EVERY.toMillis()); // a sampling period, not synchronization: the wave's end is read from the counter
        }
      }
      Writes w1 = writes(client);
      double minutes = (System.nanoTime() - w0At) / 60e9;
      System.out.println("BENCH writes during the resync: " + w1.delta(w0));
      Map<String, String> rv1 = ready.versions();
      int rvChanged = (int) rv1.entrySet().stream().filter(e -> !e.getValue().equals(rv0.get(e.getKey()))).count();
      int eventsAdded = events(client, namespaces) - events0;
      double commandsPerSchema = size == 0 ? Double.NaN : (benchCommands() - mongo0) / (double) size;
      int connections = tcpConnections(p.pid(), mongoPort);
      jcmd(p.pid(), "GC.run");
      String metrics = Http.body(port, "/metrics");
      double heap = Http.sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} ([0-9.E+]+)") / MB;
      double classes = Http.sum(metrics, "(?m)^jvm_classes_loaded_classes(?:\\{[^}]*\\})? ([0-9.E+]+)");
      double threads = Http.sum(metrics, "(?m)^jvm_threads_live_threads(?:\\{[^}]*\\})? ([0-9.E+]+)");
      long[] rss = rssKb(p.pid());
      if (NMT) {
        Files.createDirectories(OUT);
        String threadDump = jcmd(p.pid(), "Thread.print");
        Files.writeString(OUT.resolve("OperatorMemoryBench-threads-" + (char) ('A' + variant) + "-" + size + ".txt"),
            threadDump);
        Files.writeString(OUT.resolve("OperatorMemoryBench-nmt-" + (char) ('A' + variant) + "-" + size + ".txt"),
            jcmd(p.pid(), "VM.native_memory", "summary") + "\n" + residentByMapping(p.pid()) + "\n"
                + threadsByName(threadDump) + "\n"
                + jcmd(p.pid(), "GC.class_histogram").lines().limit(Integer.getInteger("bench.histogramLines", 45)).collect(java.util.stream.Collectors.joining("\n")));
        if (Boolean.getBoolean("bench.codelist")) {
          Files.writeString(OUT.resolve("OperatorMemoryBench-codelist-" + (char) ('A' + variant) + "-" + size + ".txt"),
              jcmd(p.pid(), "Compiler.codelist") + "\n" + jcmd(p.pid(), "Compiler.codecache"));
        }
        if (Boolean.getBoolean("bench.heapDump")) {
          jcmd(p.pid(), "GC.heap_dump", OUT.resolve("OperatorMemoryBench-" + (char) ('A' + variant) + "-" + size + ".hprof")
              .toAbsolutePath().toString());
        }
      }
      return new Round(readyz, allReady, rss[0] / 1024.0, rss[1] / 1024.0, heap, resync, connections,
          w1.minus(w0, "mongoschemas"), w1.minus(w0, "events"), w1.minusOthers(w0), rvChanged, eventsAdded,
          commandsPerSchema, w1.minus(w0, "GET secrets") / minutes, classes, threads, allReadyCpu, allReadyServerCpu,
          null, null);
    } finally {
      informer.close();
      stop(p);
    }
  }

  /** A start on schemas whose statuses are current: until each is reconciled once, and what that wrote. */
  private Restart restart(KubernetesClient client, Map<String, String> env, Path jar,
      List<String> namespaces, int size) throws Exception {
    ReadyTracker ready = new ReadyTracker(size);
    SharedIndexInformer<MongoSchema> informer = client.resources(MongoSchema.class).inAnyNamespace()
        .withLabel(LABEL, "operator").inform(ready);
    informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // The informer hands its first list to the handler after start() returns: wait until it has all.
    Awaitility.await("the start before left every schema Ready").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50)).until(() -> ready.readyCount() == size);
    Map<String, String> rv0 = ready.versions();
    Writes w0 = writes(client);
    int port = TestServers.freePort();
    ProcessBuilder pb = operator(env, jar, namespaces, size, port);
    ReconcileLog reconciles = new ReconcileLog(log(size));
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
          .ignoreExceptions().until(() -> Http.status(port, "/readyz") == 200);
      double readyz = (System.nanoTime() - t0) / 1e9;
      // Each schema was Ready before and stays so; the start is over when each has been reconciled once.
      Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(SCRAPE_EVERY)
          .until(() -> reconciles.count() >= size);
      double reconciled = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuSeconds(p);
      Writes w1 = writes(client);
      System.out.println("BENCH writes during the restart's first pass: " + w1.delta(w0));
      Map<String, String> rv1 = ready.versions();
      int rvChanged = (int) rv1.entrySet().stream().filter(e -> !e.getValue().equals(rv0.get(e.getKey()))).count();
      assertThat(ready.readyCount()).as("every schema still Ready").isEqualTo(size);
      return new Restart(readyz, reconciled, cpu, w1.minus(w0, "mongoschemas"), w1.minus(w0, "events"), rvChanged);
    } finally {
      informer.close();
      stop(p);
    }
  }

  /** The first-ever start's baseline ({@link Floor}): clears the statuses, then writes them back, timed. */
  private static Floor statusWritesAlone(KubernetesClient client) throws Exception {
    List<MongoSchema> current = schemas(client);
    // Each keeps the status the operator wrote, with the resourceVersion the operator's cache would hold.
    clearStatuses(client, current);
    PatchContext apply = new PatchContext.Builder().withFieldManager("mongoschemareconciler").withForce(true)
        .withPatchType(PatchType.SERVER_SIDE_APPLY).build();
    ExecutorService pool = Executors.newFixedThreadPool(RECONCILE_THREADS == null ? 10
        : Integer.parseInt(RECONCILE_THREADS));
    try {
      double server0 = serverCpuSeconds();
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (MongoSchema s : current) {
        done.add(pool.submit(() -> client.resource(s).subresource("status").patch(apply)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return new Floor((System.nanoTime() - t0) / 1e9, serverCpuSeconds() - server0);
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The CPU time of the test API server's processes (kube-apiserver and etcd, which this JVM started):
   * the 2 cores the operator shares with them bound a first-ever start.
   */
  static double serverCpuSeconds() {
    return ProcessHandle.current().descendants()
        .filter(h -> h.info().command().map(c -> c.endsWith("/kube-apiserver") || c.endsWith("/etcd")).orElse(false))
        .mapToDouble(h -> h.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
  }

  private ProcessBuilder operator(Map<String, String> env, Path jar, List<String> namespaces, int size,
      int port) throws IOException {
    List<String> cmd = new ArrayList<>("image".equals(env.get("BENCH_RUNTIME"))
        ? image.command(archives.get(jar), jar.toAbsolutePath())
        : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    cmd.addAll(List.of("operator", "--port", String.valueOf(port), "--leader-election", "false",
        "--resync", resyncSeconds + "s"));
    if (!WATCH_ALL) {
      cmd.addAll(List.of("--namespaces", String.join(",", namespaces)));
    }
    if (RECONCILE_THREADS != null) {
      cmd.addAll(List.of("--reconcile-threads", RECONCILE_THREADS));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(size).toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("MONGODB_") || k.startsWith("MONGOSTEWARD_"));
    pb.environment().putAll(env);
    pb.environment().keySet().removeIf(k -> k.equals("KUBECONFIG") || k.startsWith("KUBERNETES_"));
    pb.environment().putAll(apiEnv);
    return pb;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Seen by an informer: the schemas whose Ready condition is True, and when the last one became so. */
  static final class ReadyTracker implements ResourceEventHandler<MongoSchema> {
    private final int expected;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    private final AtomicLong doneAt = new AtomicLong();
    private volatile long startedAt = Long.MAX_VALUE;

    ReadyTracker(int expected) {
      this.expected = expected;
    }

    void start(long t0) {
      startedAt = t0;
    }

    private void see(MongoSchema s) {
      String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
      versions.put(key, s.getMetadata().getResourceVersion());
      if (s.getStatus() != null && Conditions.isTrue(s.getStatus().getConditions(), "Ready")) {
        ready.add(key);
      } else {
        ready.remove(key);
      }
      if (ready.size() >= expected && System.nanoTime() > startedAt) {
        doneAt.compareAndSet(0, System.nanoTime());
      }
    }

    boolean done() {
      return expected == 0 || doneAt.get() != 0;
    }

    int readyCount() {
      return ready.size();
    }

    long doneAt() {
      return expected == 0 ? 0 : doneAt.get();
    }

    Map<String, String> versions() {
      return Map.copyOf(versions);
    }

    @Override
    public void onAdd(MongoSchema s) {
      see(s);
    }

    @Override
    public void onUpdate(MongoSchema old, MongoSchema s) {
      see(s);
    }

    @Override
    public void onDelete(MongoSchema s, boolean unknown) {}
  }

  private static void createSchemas(KubernetesClient client, List<String> namespaces, int from, int to)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          String yaml = """
              apiVersion: mongosteward.io/v1alpha1
              kind: MongoSchema
              metadata: {name: s%d, namespace: %s, labels: {%s: operator}}
              spec:
                connection: {secretRef: {name: mongo}}
                database: bench_%d
                collections:
                  - name: posts
                    indexes:
                      - {name: post_id_unique, keys: [{field: post_id}], unique: true}
                      - {name: channel_created, keys: [{field: channel}, {field: created_at, order: -1}]}
                  - name: events
                    indexes:
                      - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 604800}
                counters:
                  - {name: post_id, seedFrom: {collection: posts, field: post_id}}
              """.formatted(n, namespaces.get(n % namespaces.size()), LABEL, n);
          MongoSchema schema = client.resources(MongoSchema.class)
              .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
          // As `kubectl apply` creates it: with a copy of the applied object in an annotation.
          schema.getMetadata().setAnnotations(Map.of(MongoSchema.LAST_APPLIED,
              io.fabric8.kubernetes.client.utils.Serialization.asJson(schema) + "\n"));
          client.resource(schema).create();
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Each round starts from schemas without status, so that Ready says this process reconciled them. */
  /** The bench's schemas as the API server has them now. */
  private static List<MongoSchema> schemas(KubernetesClient client) {
    return client.resources(MongoSchema.class).inAnyNamespace().withLabel(LABEL, "operator").list().getItems();
  }

  /**
   * Clears the status of each of these schemas that has one; each one's resourceVersion becomes the
   * cleared object's, as an informer would hold it next. Its status object is left as it was read.
   */
  private static void clearStatuses(KubernetesClient client, List<MongoSchema> schemas) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (MongoSchema s : schemas) {
        if (s.getStatus() != null) {
          done.add(pool.submit(() -> s.getMetadata().setResourceVersion(client.resources(MongoSchema.class)
              .inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName()).editStatus(x -> {
                x.setStatus(null);
                return x;
              }).getMetadata().getResourceVersion())));
        }
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }


  private Path log(int size) {
    return tmp.resolve("operator-" + size + ".log");
  }

  /**
   * The schemas reconciled since a launch, counted from the operator's log ("reconciled ns/name"), which
   * its process appends to: this costs the operator nothing, where reading its reconcile counter from
   * /metrics four times a second collected every schema's series each time (at 1,000 schemas 44% of
   * one run's samples, name[] or not: the registry collects all families before it filters).
   */
  static final class ReconcileLog {
    private static final String MARK = " MongoSchemaReconciler - reconciled ";
    private final Path file;
    private long position;
    private long count;
    private String unended = "";

    ReconcileLog(Path file) throws IOException {
      this.file = file;
      this.position = Files.exists(file) ? Files.size(file) : 0;
    }

    synchronized long count() throws IOException {
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          in.skipNBytes(position);
          byte[] more = in.readAllBytes();
          position += more.length;
          String text = unended + new String(more, StandardCharsets.ISO_8859_1);
          int end = text.lastIndexOf('\n') + 1;
          count += text.substring(0, end).lines().filter(l -> l.contains(MARK)).count();
          unended = text.substring(end);
        }
      }
      return count;
    }
  }

  /** The API server's own count of write requests, by resource (with subresource), across all clients. */
  record Writes(Map<String, Double> byResource) {
    long minus(Writes before, String resource) {
      return Math.round(byResource.entrySet().stream().filter(e -> e.getKey().startsWith(resource))
          .mapToDouble(e -> e.getValue() - before.byResource.getOrDefault(e.getKey(), 0.0)).sum());
    }

    Map<String, Long> delta(Writes before) {
      Map<String, Long> d = new TreeMap<>();
      byResource.forEach((k, v) -> {
        long n = Math.round(v - before.byResource.getOrDefault(k, 0.0));
        if (n != 0) d.put(k, n);
      });
      return d;
    }

    /**
     * Except our two, and what the API server writes itself: its Leases (renewed every 10 s; the bench runs
     * the operator without leader election) and the endpoints of the kubernetes Service.
     */
    long minusOthers(Writes before) {
      return Math.round(byResource.entrySet().stream()
          .filter(e -> !e.getKey().startsWith("mongoschemas") && !e.getKey().startsWith("events")
              && !e.getKey().startsWith("leases") && !e.getKey().startsWith("endpoints")
              && !e.getKey().startsWith("GET"))
          .mapToDouble(e -> e.getValue() - before.byResource.getOrDefault(e.getKey(), 0.0)).sum());
    }
  }

  private static final Pattern REQUEST = Pattern.compile("(?m)^apiserver_request_total\\{([^}]*)\\} ([0-9.E+]+)");

  static Writes writes(KubernetesClient client) {
    Map<String, Double> by = new HashMap<>();
    Matcher m = REQUEST.matcher(client.raw("/metrics"));
    while (m.find()) {
      String labels = m.group(1);
      String verb = label(labels, "verb");
      if (verb.equals("GET") && label(labels, "resource").equals("secrets")) {
        by.merge("GET secrets", Double.parseDouble(m.group(2)), Double::sum);
      } else if (Set.of("POST", "PUT", "PATCH", "DELETE", "APPLY").contains(verb)) {
        String key = label(labels, "resource") + "/" + label(labels, "subresource");
        by.merge(key, Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    return new Writes(by);
  }

  private static String label(String labels, String name) {
    Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
    return m.find() ? m.group(1) : "";
  }

  private static int events(KubernetesClient client, List<String> namespaces) {
    int n = 0;
    for (String ns : namespaces) {
      n += client.v1().events().inNamespace(ns).list().getItems().size();
    }
    return n;
  }

  /** Commands the stand-in received on the bench's databases. */
  private static long benchCommands() {
    return MongoBackend.MONGO_JAVA_SERVER.serverCommands().commands().stream()
        .filter(c -> c.database() != null && c.database().startsWith("bench_")).count();
  }

  /** Established TCP sockets of the process whose remote end is the given local port. */
  static int tcpConnections(long pid, int port) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while listing
        }
      }
    }
    int count = 0;
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        // f[2] is the remote address, f[3] the state (01 = established), f[9] the inode
        if (f[2].endsWith(hexPort) && f[3].equals("01") && inodes.contains(f[9])) {
          count++;
        }
      }
    }
    return count;
  }

  private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** VmRSS and VmHWM (the peak), in kB. */
  private static long[] rssKb(long pid) throws IOException {
    long rss = -1;
    long hwm = -1;
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith("VmRSS:")) rss = Long.parseLong(l.replaceAll("\\D", ""));
      if (l.startsWith("VmHWM:")) hwm = Long.parseLong(l.replaceAll("\\D", ""));
    }
    return new long[] {rss, hwm};
  }

  private static String setting(String property, String env, String fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(env);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  /** The live threads by name, digits folded ("pool-#-thread-#"), most first. */
  static String threadsByName(String dump) {
    Map<String, Long> n = dump.lines().filter(l -> l.startsWith("\""))
        .map(l -> l.substring(1, l.indexOf('"', 1)).replaceAll("[0-9]+", "#"))
        .collect(java.util.stream.Collectors.groupingBy(x -> x, TreeMap::new, java.util.stream.Collectors.counting()));
    StringBuilder out = new StringBuilder("Threads by name:\n");
    n.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.append(String.format(Locale.ROOT, "%4d %s%n", e.getValue(), e.getKey())));
    return out.toString();
  }

  /** Resident kB per mapped file (anonymous mappings together), largest first, from /proc/PID/smaps. */
  static String residentByMapping(long pid) throws IOException {
    Map<String, Long> kb = new HashMap<>();
    String name = "?";
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] f = line.trim().split("\\s+", 6);
        name = f.length < 6 || f[5].isBlank() ? "[anonymous]" : f[5];
      } else if (line.startsWith("Rss:")) {
        kb.merge(name, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
      }
    }
    StringBuilder out = new StringBuilder("Resident by mapping (kB):\n");
    kb.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
        .forEach(e -> out.append(String.format(Locale.ROOT, "%8d %s%n", e.getValue(), e.getKey())));
    return out.toString();
  }

  // ---- the fragment ----

  private static String fragment(List<Map<Integer, List<Round>>> results, List<String> flags, String load0,
      String load1, Map<Integer, List<Integer>> resyncBySize) {
    StringBuilder md = new StringBuilder();
    md.append("### Operator memory, start and resync\n\n");
    md.append("The operator jar with deploy/05-deployment.yaml's JVM settings, "
        + (RUNTIMES.equals(List.of("image")) ? "run as the image runs it (the jlinked runtime of scripts/image/jre.sh, "
            + "the operator's AppCDS archive from scripts/image/operator.classlist, the java line of "
            + "scripts/image/entrypoint.sh), " : RUNTIMES.equals(List.of("jdk")) ? "on the build's JDK without an archive, " : "")
        + ("cert".equals(AUTH) ? "authenticated by the test API server's admin client certificate, "
            : "authenticated as deploy/'s ServiceAccount with its RBAC (a token file and the in-cluster configuration, as in a pod), ")
        + "N MongoSchemas existing before it starts "
        + "(10 namespaces, 3 indexes and a counter each, created as `kubectl apply` creates them, "
        + "with its last-applied annotation; the in-process MongoDB stand-in), "
        + (WATCH_ALL ? "the operator watching every namespace (deploy's default), "
            : "the operator given the 10 namespaces (`--namespaces`: an informer per namespace and kind), ") + ROUNDS
        + " rounds per N, each a first-ever start (the statuses cleared before it) and then a restart that finds the "
        + "statuses the first wrote. Goals: RSS ≤128 MB at 1,000 schemas; start to all-Ready ≤3 s; 0 API-server writes per "
        + "steady resync; one MongoDB pool for one connection string.\n\n");
    for (int v = 0; v < flags.size(); v++) {
      md.append(flags.size() > 1 ? "JVM " + (char) ('A' + v) + ": " : "").append("`")
          .append(flags.get(v)).append("`\n");
    }
    md.append('\n').append(RECONCILE_THREADS != null ? "`--reconcile-threads " + RECONCILE_THREADS + "`, " : "")
        .append("resync every ").append(resyncBySize.entrySet().stream().filter(e -> e.getKey() > 0)
            .map(e -> e.getValue().stream().map(String::valueOf).collect(Collectors.joining("/")) + " s at " + e.getKey())
            .collect(Collectors.joining(", ")))
        .append(" schemas, round by round (at least ").append(RESYNC_SECONDS)
        .append(" s; a size's first round 1.25 times its untimed first start, which creates the indexes, each later "
            + "one 1.5 times the slowest measured start before it); load average ").append(load0).append(" before, ")
        .append(load1).append(" after.\n\n");
    boolean several = results.size() > 1;
    md.append(several ? "| schemas | JVM | figure | median | min | max | goal |\n|---|---|---|---|---|---|---|\n"
        : "| schemas | figure | median | min | max | goal |\n|---|---|---|---|---|---|\n");
    Set<Integer> sizes = new java.util.TreeSet<>(results.get(0).keySet());
    for (int n : sizes) {
      for (int v = 0; v < results.size(); v++) {
        List<Round> r = results.get(v).get(n);
        String at = String.format(Locale.ROOT, "%,d", n) + (several ? " | " + (char) ('A' + v) : "");
        row(md, at, "start to /readyz 200", r, Round::readyzS, "%.2f s", "");
        row(md, at, n > 0 ? "first-ever start (statuses cleared): start to all Ready" : "start to all Ready", r,
            Round::allReadyS, "%.2f s", "≤3 s");
        row(md, at, "operator CPU from launch to all Ready", r, Round::allReadyCpuS, "%.2f s", "");
        if (n > 0) {
          row(md, at, "API server and etcd CPU from launch to all Ready", r, Round::allReadyServerCpuS, "%.2f s", "");
          row(md, at, "baseline: the same status writes by a bare client, no operator (" + (RECONCILE_THREADS == null
              ? "10" : RECONCILE_THREADS) + " threads): until the last acknowledged", r, x -> x.floor().wallS(), "%.2f s", "");
          row(md, at, "baseline: API server and etcd CPU for those writes", r, x -> x.floor().serverCpuS(), "%.2f s", "");
          row(md, at, "restart (statuses current): start to /readyz 200", r, x -> x.restart().readyzS(), "%.2f s", "");
          row(md, at, "restart (statuses current): start to every schema reconciled, all Ready", r,
              x -> x.restart().reconciledS(), "%.2f s", "≤3 s");
          row(md, at, "restart (statuses current): operator CPU from launch to every schema reconciled", r,
              x -> x.restart().cpuS(), "%.2f s", "");
          row(md, at, "restart (statuses current): API writes in its first pass, MongoSchemas", r,
              x -> x.restart().schemaWrites(), "%.0f", "0");
          row(md, at, "restart (statuses current): API writes in its first pass, Events", r,
              x -> x.restart().eventWrites(), "%.0f", "0");
          row(md, at, "restart (statuses current): schemas whose resourceVersion changed", r,
              x -> x.restart().rvChanged(), "%.0f", "0");
        }
        row(md, at, "RSS after a full GC", r, Round::rssMb, "%.0f MB", n >= 1000 ? "≤128 MB" : "");
        row(md, at, "peak RSS (VmHWM)", r, Round::peakMb, "%.0f MB", "");
        row(md, at, "heap used after a full GC", r, Round::heapMb, "%.1f MB", "");
        row(md, at, "classes loaded", r, Round::classes, "%.0f", "");
        row(md, at, "live threads", r, Round::threads, "%.0f", "");
        if (n > 0) {
          row(md, at, "full resync (first to last reconcile)", r, Round::resyncS, "%.2f s", "");
          row(md, at, "API writes per resync: MongoSchemas", r, x -> x.schemaWrites(), "%.0f", "0");
          row(md, at, "API writes per resync: Events", r, x -> x.eventWrites(), "%.0f", "0");
          row(md, at, "API writes per resync: other (not the API server's own)", r, x -> x.otherWrites(), "%.0f", "0");
          row(md, at, "schemas whose resourceVersion changed", r, x -> x.rvChanged(), "%.0f", "0");
          row(md, at, "Events added during the resync", r, x -> x.eventsAdded(), "%.0f", "0");
          row(md, at, "MongoDB commands per schema per resync", r, Round::mongoCommandsPerSchema, "%.1f", "");
          row(md, at, "Secret GETs per minute (the Secret polling)", r, Round::secretGetsPerMinute, "%.0f", "");
        }
        row(md, at, "TCP connections to MongoDB", r, x -> x.connections(), "%.0f", n > 0 ? "one pool" : "");
      }
    }
    md.append('\n');
    // The slope leaves 0 out: the first schema also brings the MongoDB client and the reconcile path's classes.
    List<Integer> some = sizes.stream().filter(n -> n > 0).toList();
    if (some.size() >= 2) {
      for (int v = 0; v < results.size(); v++) {
        Map<Integer, List<Round>> withSchemas = new TreeMap<>(results.get(v));
        withSchemas.remove(0);
        md.append(String.format(Locale.ROOT, "Slope%s (least squares over the medians at %s schemas): RSS %.1f kB per "
                + "schema, heap %.1f kB per schema.", several ? " of JVM " + (char) ('A' + v) : "",
            some.stream().map(String::valueOf).collect(Collectors.joining(", ")),
            slope(withSchemas, Round::rssMb) * 1024, slope(withSchemas, Round::heapMb) * 1024));
        if (sizes.contains(0)) {
          double at0 = median(results.get(v).get(0).stream().mapToDouble(Round::rssMb).sorted().toArray());
          double atFirst = median(results.get(v).get(some.get(0)).stream().mapToDouble(Round::rssMb).sorted().toArray());
          md.append(String.format(Locale.ROOT, " From 0 to %d schemas, RSS %+.0f MB (the MongoDB client and the "
              + "classes of the reconcile path).", some.get(0), atFirst - at0));
        }
        md.append('\n');
      }
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String at, String figure, List<Round> rounds, ToDoubleFunction<Round> f,
      String format, String goal) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    md.append("| ").append(at).append(" | ").append(figure).append(" | ")
        .append(String.format(Locale.ROOT, format, median(v))).append(" | ")
        .append(String.format(Locale.ROOT, format, v[0])).append(" | ")
        .append(String.format(Locale.ROOT, format, v[v.length - 1])).append(" | ").append(goal).append(" |\n");
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double slope(Map<Integer, List<Round>> results, ToDoubleFunction<Round> f) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = results.size();
    for (var e : results.entrySet()) {
      double x = e.getKey();
      double y = median(e.getValue().stream().mapToDouble(f).sorted().toArray());
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
  }
}
