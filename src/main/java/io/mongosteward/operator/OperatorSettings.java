package io.mongosteward.operator;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The operator's configuration, read once at start and validated there. Built with
 * {@link #defaults()} and {@link #with}; the CLI fills it from flags and environment variables.
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param resyncInterval how often a Ready schema is checked again for drift
 * @param secretPollInterval how often each referenced Secret is fetched to notice creation or rotation
 * @param unreachableRecheck after the framework's retries are exhausted, how often to try again
 * @param permanentErrorRecheck how often a schema stuck on a permanent error is rechecked
 * @param deleteAttempts attempts to clean up after a deleted schema before its finalizer is released anyway
 * @param deleteRetryDelay the first wait between those attempts; it grows linearly
 * @param mongoAttempts attempts of each MongoDB operation within one reconcile
 * @param leaderElection whether replicas elect one active leader through a Lease
 * @param leaseNamespace the Lease's namespace; null for the client's own
 * @param identity this replica's name in the Lease
 * @param reconcileThreads schemas reconciled at once; each holds a thread while MongoDB answers
 * @param blockedRecheck how long a unique build that duplicates blocked waits before it is tried
 *     again; until then each resync only recounts the duplicates
 * @param stuckReconcile how long a reconcile may stand at one step (an index build, say) before
 *     /livez fails; well above the index-build bound
 * @param migrationThreads MongoMigrations run at once, each on a thread of its own (not a reconcile thread); the
 *     others wait as Pending
 * @param maxConcurrentIndexBuilds index builds at once on one MongoDB deployment (one client); the
 *     others queue, and their schemas show Reconciling
 */
public record OperatorSettings(Set<String> namespaces, Duration resyncInterval, Duration secretPollInterval,
    Duration unreachableRecheck, Duration permanentErrorRecheck, int deleteAttempts, Duration deleteRetryDelay,
    int mongoAttempts, boolean leaderElection, String leaseName, String leaseNamespace, String identity,
    int reconcileThreads, Duration blockedRecheck, Duration stuckReconcile, int migrationThreads,
    int maxConcurrentIndexBuilds) {

  public static OperatorSettings defaults() {
    return new Builder().build();
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    requirePositive("resync interval", resyncInterval);
    requirePositive("secret poll interval", secretPollInterval);
    requirePositive("unreachable recheck", unreachableRecheck);
    requirePositive("permanent error recheck", permanentErrorRecheck);
    requirePositive("delete retry delay", deleteRetryDelay);
    requirePositive("blocked build recheck", blockedRecheck);
    requirePositive("stuck reconcile bound", stuckReconcile);
    if (deleteAttempts < 1) throw new IllegalArgumentException("delete attempts must be at least 1");
    if (mongoAttempts < 1) throw new IllegalArgumentException("MongoDB attempts must be at least 1");
    if (reconcileThreads < 1) throw new IllegalArgumentException("reconcile threads must be at least 1");
    if (migrationThreads < 1) throw new IllegalArgumentException("migration threads must be at least 1");
    if (maxConcurrentIndexBuilds < 1) {
      throw new IllegalArgumentException("max concurrent index builds must be at least 1");
    }
  }

  /** A copy with what {@code change} sets on a builder that starts from these settings. */
  public OperatorSettings with(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** The pod name in a cluster (POD_NAME, else HOSTNAME), plus a random part: two replicas never share one. */
  static String defaultIdentity() {
    String pod = System.getenv().getOrDefault("POD_NAME", System.getenv().getOrDefault("HOSTNAME", "mongo-steward"));
    return pod + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void requirePositive(String what, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
    }
  }

  /** Every setting with its default, in one place. */
  public static final class Builder {
    public Set<String> namespaces = Set.of();
    public Duration resyncInterval = Duration.ofMinutes(10);
    public Duration secretPollInterval = Duration.ofSeconds(30);
    public Duration unreachableRecheck = Duration.ofMinutes(1);
    public Duration permanentErrorRecheck = Duration.ofMinutes(5);
    public int deleteAttempts = 5;
    public Duration deleteRetryDelay = Duration.ofSeconds(2);
    public int mongoAttempts = 3;
    public boolean leaderElection = true;
    public String leaseName = "mongo-steward-operator";
    public String leaseNamespace;
    public String identity = defaultIdentity();
    public int reconcileThreads = 10;
    public Duration blockedRecheck = Duration.ofHours(1);
    public Duration stuckReconcile = Duration.ofMinutes(90);
    public int migrationThreads = 2;
    public int maxConcurrentIndexBuilds = 1;

    Builder() {}

    Builder(OperatorSettings s) {
      namespaces = s.namespaces;
      resyncInterval = s.resyncInterval;
      secretPollInterval = s.secretPollInterval;
      unreachableRecheck = s.unreachableRecheck;
      permanentErrorRecheck = s.permanentErrorRecheck;
      deleteAttempts = s.deleteAttempts;
      deleteRetryDelay = s.deleteRetryDelay;
      mongoAttempts = s.mongoAttempts;
      leaderElection = s.leaderElection;
      leaseName = s.leaseName;
      leaseNamespace = s.leaseNamespace;
      identity = s.identity;
      reconcileThreads = s.reconcileThreads;
      blockedRecheck = s.blockedRecheck;
      stuckReconcile = s.stuckReconcile;
      migrationThreads = s.migrationThreads;
      maxConcurrentIndexBuilds = s.maxConcurrentIndexBuilds;
    }

    public OperatorSettings build() {
      return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
          permanentErrorRecheck, deleteAttempts, deleteRetryDelay, mongoAttempts, leaderElection, leaseName,
          leaseNamespace, identity, reconcileThreads, blockedRecheck, stuckReconcile, migrationThreads,
          maxConcurrentIndexBuilds);
    }
  }
}
