package io.mongosteward.operator;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.kube.KubeHttpClients;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active replica, through a Lease, with fabric8's elector. Not JOSDK's: its manager exits the
 * JVM from the stop-leading callback even when the stop was asked for (a deadlock inside a
 * shutdown hook), and never releases the Lease, so the standby waited out the whole lease. Here a
 * stop that is asked for releases the Lease, within a bound; only a lease lost while running calls
 * {@code onLost}. The elector alone does not notice a silent API server: its renewal blocks on the
 * request with no bound, and a leader cut off from the API server led on beside the new one. So
 * the Lock records each renewal that the API server took, and a watchdog calls {@code onLost} once
 * the renew deadline passes without one, whatever the elector is waiting on.
 */
final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
  static final Duration LEASE = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY = Duration.ofSeconds(2);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

  private final LeaderElector elector;
  private final ExecutorService executor;
  private final ScheduledExecutorService watchdog;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean lost = new AtomicBoolean();
  private final RenewalClock renewals;
  private volatile boolean leading;
  private final Runnable onLost;
  private final KubernetesClient client;
  private volatile CompletableFuture<?> running;

  /**
   * @param onLeading runs once this replica holds the Lease
   * @param onLost runs when the Lease is lost while running: the caller exits, so that two
   *     replicas never write at once
   */
  LeaderElection(KubernetesClient client, String namespace, String name, String identity, Runnable onLeading,
      Runnable onLost, java.util.function.Consumer<String> onNewLeader) {
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "leader-election");
      t.setDaemon(true);
      return t;
    });
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lease-watchdog");
      t.setDaemon(true);
      return t;
    });
    this.onLost = onLost;
    this.client = shortLived(client);
    this.renewals = new RenewalClock(new LeaseLock(namespace, name, identity));
    this.elector = new LeaderElectorBuilder(this.client, executor).withConfig(new LeaderElectionConfigBuilder()
        .withName(name)
        .withLock(renewals)
        .withLeaseDuration(LEASE)
        .withRenewDeadline(RENEW_DEADLINE)
        .withRetryPeriod(RETRY)
        .withReleaseOnCancel(false)
        .withLeaderCallbacks(new LeaderCallbacks(() -> {
          LOG.info("{} leads (Lease {}/{})", identity, namespace, name);
          leading = true;
          onLeading.run();
        }, () -> lose(identity + " lost the Lease " + namespace + "/" + name), leader -> {
          // A released Lease has no holder: nobody to wait for.
          if (leader != null && !leader.isEmpty()) {
            LOG.info("Lease {}/{} is held by {}", namespace, name, leader);
            onNewLeader.accept(leader);
          }
        }))
        .build()).build();
  }

  /**
   * The elector's own client, whose requests give up well within the renew deadline: with the
   * shared client's 10 s timeout and retries, one renewal could outlast the deadline after a blip
   * of a few seconds, and a stop would wait on it.
   */
  private static KubernetesClient shortLived(KubernetesClient client) {
    return KubeHttpClients.clientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
        .withConnectionTimeout((int) REQUEST_TIMEOUT.toMillis())
        .withRequestRetryBackoffLimit(0)
        .build()).build();
  }

  void start() {
    running = elector.start();
    long period = RETRY.toMillis() / 2;
    watchdog.scheduleWithFixedDelay(() -> {
      Duration since = renewals.sinceLastRenewal();
      if (leading && since.compareTo(RENEW_DEADLINE) > 0) {
        lose("the API server took no renewal of the Lease for " + since.toSeconds() + " s (deadline "
            + RENEW_DEADLINE.toSeconds() + " s)");
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  private void lose(String why) {
    if (!stopping.get() && lost.compareAndSet(false, true)) {
      LOG.error("{} while running: stops leading, so that another replica takes over", why);
      onLost.run();
    }
  }

  /**
   * Gives the Lease back, so that a standby takes over at once rather than after the lease runs
   * out; waits at most {@code bound} for the API server.
   */
  void stop(Duration bound) {
    stopping.set(true);
    watchdog.shutdownNow();
    CompletableFuture<?> r = running;
    if (r != null) {
      // Off this thread: the elector's cancel and release both wait on its lock, which a renewal
      // holds while the API server does not answer.
      try {
        CompletableFuture.runAsync(() -> {
          r.cancel(true);
          elector.release();
        }, executor).get(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("could not give the Lease back ({}): the standby takes over when it runs out", e.getClass().getSimpleName());
      }
    }
    executor.shutdownNow();
    client.close();
  }

  /** The Lease lock, noting when the API server last accepted this replica's claim. */
  static final class RenewalClock implements Lock {
    private final Lock lock;
    private volatile long renewedAt = System.nanoTime();

    RenewalClock(Lock lock) {
      this.lock = lock;
    }

    Duration sinceLastRenewal() {
      return Duration.ofNanos(System.nanoTime() - renewedAt);
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return lock.get(client);
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      lock.create(client, record);
      renewedAt = System.nanoTime();
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      lock.update(client, record);
      renewedAt = System.nanoTime();
    }

    @Override
    public String identity() {
      return lock.identity();
    }

    @Override
    public String describe() {
      return lock.describe();
    }
  }
}
