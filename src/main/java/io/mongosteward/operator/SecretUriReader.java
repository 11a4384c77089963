package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
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
      throw new SecretProblem(io.mongosteward.api.v1alpha1.Reasons.SECRET_NOT_FOUND, "Secret " + ns + "/" + name + " not found");
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded != null) {
      return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
    }
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    if (plain != null) {
      return plain.strip();
    }
    throw new SecretProblem(io.mongosteward.api.v1alpha1.Reasons.SECRET_KEY_NOT_FOUND, "Secret " + ns + "/" + name + " has no key '" + key + "'");
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
