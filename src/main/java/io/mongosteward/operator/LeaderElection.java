package io.mongosteward.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active replica, through a Lease, with fabric8's elector. Not JOSDK's: its manager exits the
 * JVM from the stop-leading callback even when the stop was asked for (a deadlock inside a
 * shutdown hook), and never releases the Lease, so the standby waited out the whole lease. Here a
 * stop that is asked for releases the Lease; only a lease lost while running calls {@code onLost}.
 */
final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
  static final Duration LEASE = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY = Duration.ofSeconds(2);

  private final LeaderElector elector;
  private final ExecutorService executor;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile CompletableFuture<?> running;

  /**
   * @param onLeading runs once this replica holds the Lease
   * @param onLost runs when the Lease is lost while running: the caller exits, so that two
   *     replicas never write at once
   */
  LeaderElection(KubernetesClient client, String namespace, String name, String identity, Runnable onLeading,
      Runnable onLost) {
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "leader-election");
      t.setDaemon(true);
      return t;
    });
    this.elector = new LeaderElectorBuilder(client, executor).withConfig(new LeaderElectionConfigBuilder()
        .withName(name)
        .withLock(new LeaseLock(namespace, name, identity))
        .withLeaseDuration(LEASE)
        .withRenewDeadline(RENEW_DEADLINE)
        .withRetryPeriod(RETRY)
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(() -> {
          LOG.info("{} leads (Lease {}/{})", identity, namespace, name);
          onLeading.run();
        }, () -> {
          if (!stopping.get()) {
            LOG.error("{} lost the Lease {}/{} while running: exiting, so that another replica takes over", identity,
                namespace, name);
            onLost.run();
          }
        }, leader -> LOG.info("Lease {}/{} is held by {}", namespace, name, leader)))
        .build()).build();
  }

  void start() {
    running = elector.start();
  }

  /** Gives the Lease back, so that a standby takes over at once rather than after the lease runs out. */
  void stop() {
    stopping.set(true);
    CompletableFuture<?> r = running;
    if (r != null) {
      r.cancel(true); // releaseOnCancel: the elector releases the Lease it holds
    }
    executor.shutdownNow();
  }
}
