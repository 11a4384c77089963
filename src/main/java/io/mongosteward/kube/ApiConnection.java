package io.mongosteward.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.net.URL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a client's connection to the API server with a small request, before anything large goes
 * over it. The JDK's HTTP client keeps the exchange that opened a connection for as long as the
 * connection lives, its response body included (the connect timer holds it:
 * {@code PlainHttpConnection.connectTimerEvent}, in JDK 17 as in 25). Opened by an informer's first
 * list, that was the JSON of every MongoSchema, 2.7 MB at 1,000 schemas, for the operator's life, or
 * not, as the start's requests raced (docs/benchmarks.md). GET /version answers a few hundred bytes,
 * needs no permission beyond being authenticated, and tells the log which API server this is.
 */
public final class ApiConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ApiConnection.class);

  private ApiConnection() {}

  /**
   * Sends GET /version and logs the server's version; returns it, or null when the server did not
   * answer it, which is logged and otherwise left to the informers, which retry on their own. Never
   * throws: a proxy that does not route /version (fabric8 reads its 404 as no version) or a refusal
   * must not keep the operator from starting.
   */
  public static String open(KubernetesClient client) {
    String server = hostAndPort(client.getMasterUrl());
    try {
      VersionInfo info = client.getKubernetesVersion();
      if (info == null) {
        LOG.warn("the Kubernetes API server at {} answered GET /version with 404; starting without its version", server);
        return null;
      }
      LOG.info("Kubernetes API server {} at {}", info.getGitVersion(), server);
      return info.getGitVersion();
    } catch (KubernetesClientException e) {
      LOG.warn("the Kubernetes API server at {} {} GET /version ({}); the informers will retry", server,
          e.getCode() > 0 ? "refused" : "did not answer",
          e.getCode() > 0 ? "HTTP " + e.getCode() : e.getCause() != null ? e.getCause().toString() : e.getMessage());
      return null;
    } catch (RuntimeException e) {
      LOG.warn("GET /version from the Kubernetes API server at {} failed ({}); the informers will retry", server,
          e.getClass().getSimpleName());
      return null;
    }
  }

  /** The URL without its path or any user info a kubeconfig might hold. */
  private static String hostAndPort(URL url) {
    return url.getHost() + ":" + (url.getPort() < 0 ? url.getDefaultPort() : url.getPort());
  }
}
