package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mongosteward.api.v1alpha1.Reasons;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads a connection string from a Secret key; the value never reaches an exception message. */
public final class SecretUriReader {
  private final KubernetesClient client;

  public SecretUriReader(KubernetesClient client) {
    this.client = client;
  }

  /** @throws SecretProblem naming the Secret and key, never their content */
  public String read(String namespace, String name, String key) {
    String ns = namespace != null ? namespace : client.getNamespace();
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      throw new SecretProblem(Reasons.SECRET_NOT_FOUND, "Secret " + ns + "/" + name + " not found");
    }
    return valueOf(secret, key);
  }

  /** The key's value, from data (base64) or stringData, stripped of surrounding whitespace. */
  static String valueOf(Secret secret, String key) {
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded != null) {
      return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
    }
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    if (plain != null) {
      return plain.strip();
    }
    throw new SecretProblem(Reasons.SECRET_KEY_NOT_FOUND, "Secret " + secret.getMetadata().getNamespace() + "/"
        + secret.getMetadata().getName() + " has no key '" + key + "'");
  }

  /** A Secret that is missing or lacks the key: permanent until the Secret changes. */
  public static final class SecretProblem extends RuntimeException {
    private final String reason;

    public SecretProblem(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }
}
