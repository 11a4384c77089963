package io.mongosteward.kube;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's JDK HTTP client with one executor shared by the operator's clients, whose idle threads end
 * after {@link #IDLE_SECONDS} instead of the 60 s of the cached pool fabric8 makes per client: a burst
 * of reconciles left about 28 idle threads, and their stacks, for a minute. It grows like a cached pool
 * (a thread per task in flight): a bounded one (4 threads and a queue) kept 1,000 schemas' informers
 * from ever syncing, as some of the HTTP client's tasks wait on others. Daemon threads, so clients need
 * not shut it down. The clients' own tasks (the informers' event dispatch) run on it too: fabric8's
 * default is another cached pool per client, whose 17 threads a start with 1,000 schemas left idle
 * for a minute.
 */
public final class KubeHttpClients extends JdkHttpClientFactory {
  static final int IDLE_SECONDS = 5;
  private static final ExecutorService SHARED = executor();

  /**
   * A client builder whose HTTP client and tasks run on the shared executor, and whose objects share
   * their short strings ({@link SharedStrings}).
   */
  public static KubernetesClientBuilder clientBuilder() {
    return new KubernetesClientBuilder().withHttpClientFactory(new KubeHttpClients()).withTaskExecutor(SHARED)
        .withKubernetesSerialization(SharedStrings.serialization());
  }

  @Override
  protected java.net.http.HttpClient.Builder createNewHttpClientBuilder() {
    return super.createNewHttpClientBuilder().executor(SHARED);
  }

  private static ExecutorService executor() {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "kube-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
