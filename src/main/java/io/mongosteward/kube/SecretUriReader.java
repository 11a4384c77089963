package io.mongosteward.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads a connection string from a Secret key; the value never reaches an exception message. */
public final class SecretUriReader {
  private final KubernetesClient client;

  public SecretUriReader(KubernetesClient client) {
    this.client = client;
  }

  /** @throws Failure.Waiting naming the Secret and key, never their content, when either is missing */
  public String read(String namespace, String name, String key) {
    String ns = namespace != null ? namespace : client.getNamespace();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(ns).withName(name).get();
    } catch (KubernetesClientException e) {
      throw unreadable(ns, name, e);
    }
    if (secret == null) {
      throw new Failure.Waiting(Reason.SecretNotFound, "Secret " + ns + "/" + name + " not found");
    }
    return valueOf(secret, key);
  }

  /**
   * The API server's answer to a read of the Secret (403, 5xx, a timeout): retried, and named
   * without any content; a 403 says which grant is missing.
   */
  public static Failure.Transient unreadable(String namespace, String name, KubernetesClientException e) {
    return new Failure.Transient(Reason.Failed, "cannot read Secret " + namespace + "/" + name + " from the Kubernetes API"
        + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "")
        + (e.getCode() == 403 ? ": grant get on secrets to the operator's ServiceAccount" : ""));
  }

  /** The key's value, from data (base64) or stringData, stripped of surrounding whitespace. */
  public static String valueOf(Secret secret, String key) {
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded != null) {
      try {
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
      } catch (IllegalArgumentException e) {
        // The decoder's message quotes a character of the value: say only where it is.
        throw new Failure.Invalid(Reason.InvalidConnectionString, "Secret " + secret.getMetadata().getNamespace() + "/"
            + secret.getMetadata().getName() + " key '" + key + "' is not valid base64");
      }
    }
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    if (plain != null) {
      return plain.strip();
    }
    throw new Failure.Waiting(Reason.SecretKeyNotFound, "Secret " + secret.getMetadata().getNamespace() + "/"
        + secret.getMetadata().getName() + " has no key '" + key + "'");
  }
}
