package io.mongosteward.operator;

import java.time.Duration;
import java.util.Set;

/**
 * The operator's configuration, read once at start and validated there (see OperatorCommand).
 *
 * @param namespaces the namespaces to watch; empty means all
 * @param resyncInterval how often a Ready schema is checked again for drift
 * @param secretPollInterval how often each referenced Secret is fetched to notice creation or rotation
 * @param unreachableRecheck after the framework's retries are exhausted, how often to try again
 * @param permanentErrorRecheck how often a schema stuck on a permanent error is rechecked
 * @param deleteAttempts attempts to drop indexes on deletion before the finalizer is released anyway
 * @param identity this replica's name in the leader election Lease
 * @param reconcileThreads schemas reconciled at once; each holds a thread while MongoDB answers
 * @param blockedRecheck how long a unique build that duplicates blocked waits before it is tried
 *     again; until then each resync only recounts the duplicates
 */
public record OperatorSettings(Set<String> namespaces, Duration resyncInterval, Duration secretPollInterval,
    Duration unreachableRecheck, Duration permanentErrorRecheck, int deleteAttempts, Duration deleteRetryDelay,
    int mongoAttempts, boolean leaderElection, String leaseName, String leaseNamespace, String identity, int reconcileThreads,
    Duration blockedRecheck) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(Set.of(), Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), 5, Duration.ofSeconds(2), 3, true, "mongo-steward-operator", null, defaultIdentity(), 10,
        Duration.ofHours(1));
  }

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    requirePositive("resync interval", resyncInterval);
    requirePositive("secret poll interval", secretPollInterval);
    requirePositive("unreachable recheck", unreachableRecheck);
    requirePositive("permanent error recheck", permanentErrorRecheck);
    requirePositive("delete retry delay", deleteRetryDelay);
    requirePositive("blocked build recheck", blockedRecheck);
    if (deleteAttempts < 1) throw new IllegalArgumentException("delete attempts must be at least 1");
    if (mongoAttempts < 1) throw new IllegalArgumentException("MongoDB attempts must be at least 1");
    if (reconcileThreads < 1) throw new IllegalArgumentException("reconcile threads must be at least 1");
  }

  public OperatorSettings withIdentity(String id) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, deleteAttempts, deleteRetryDelay, mongoAttempts, leaderElection, leaseName, leaseNamespace,
        id, reconcileThreads, blockedRecheck);
  }

  public OperatorSettings withReconcileThreads(int threads) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, deleteAttempts, deleteRetryDelay, mongoAttempts, leaderElection, leaseName, leaseNamespace,
        identity, threads, blockedRecheck);
  }

  /** The pod name in a cluster (POD_NAME, else HOSTNAME), plus a random part: two replicas never share one. */
  static String defaultIdentity() {
    String pod = System.getenv().getOrDefault("POD_NAME", System.getenv().getOrDefault("HOSTNAME", "mongo-steward"));
    return pod + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  private static void requirePositive(String what, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
    }
  }

  public OperatorSettings withMongoAttempts(int attempts) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, deleteAttempts, deleteRetryDelay, attempts, leaderElection, leaseName, leaseNamespace,
        identity, reconcileThreads, blockedRecheck);
  }

  public OperatorSettings withBlockedRecheck(Duration d) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, deleteAttempts, deleteRetryDelay, mongoAttempts, leaderElection, leaseName, leaseNamespace,
        identity, reconcileThreads, d);
  }

  public OperatorSettings withNamespaces(Set<String> ns) {
    return new OperatorSettings(ns, resyncInterval, secretPollInterval, unreachableRecheck, permanentErrorRecheck,
        deleteAttempts, deleteRetryDelay, mongoAttempts, leaderElection, leaseName, leaseNamespace, identity, reconcileThreads, blockedRecheck);
  }

  public OperatorSettings withIntervals(Duration resync, Duration secretPoll, Duration unreachable, Duration permanent) {
    return new OperatorSettings(namespaces, resync, secretPoll, unreachable, permanent, deleteAttempts,
        deleteRetryDelay, mongoAttempts, leaderElection, leaseName, leaseNamespace, identity, reconcileThreads, blockedRecheck);
  }

  public OperatorSettings withDeletion(int attempts, Duration delay) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, attempts, delay, mongoAttempts, leaderElection, leaseName, leaseNamespace, identity, reconcileThreads, blockedRecheck);
  }

  public OperatorSettings withLeaderElection(boolean enabled, String name, String namespace) {
    return new OperatorSettings(namespaces, resyncInterval, secretPollInterval, unreachableRecheck,
        permanentErrorRecheck, deleteAttempts, deleteRetryDelay, mongoAttempts, enabled, name, namespace, identity, reconcileThreads, blockedRecheck);
  }
}
