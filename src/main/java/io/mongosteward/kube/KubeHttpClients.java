package io.mongosteward.kube;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's JDK HTTP client with a small shared executor instead of one cached pool per client. The
 * executor runs the HTTP client's asynchronous tasks (its selector has its own thread, and callers
 * wait on their own), yet a cached pool grew to one thread per request in flight: 28 idle
 * threads, and their stacks, for 60 s after each burst of reconciles. Its threads are daemons that end
 * after {@link #IDLE_SECONDS} idle, so clients need not shut it down.
 */
public final class KubeHttpClients extends JdkHttpClientFactory {
  static final int THREADS = 4;
  static final int IDLE_SECONDS = 10;
  private static final ExecutorService SHARED = executor();

  @Override
  protected java.net.http.HttpClient.Builder createNewHttpClientBuilder() {
    return super.createNewHttpClientBuilder().executor(SHARED);
  }

  private static ExecutorService executor() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "kube-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
