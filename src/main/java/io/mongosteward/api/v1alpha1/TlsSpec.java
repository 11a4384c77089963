package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS to MongoDB. Its presence turns TLS on, whatever the connection string says. Without a CA,
 * the JVM's default trust store verifies the server (a public CA, as for MongoDB Atlas).
 */
@ValidationRule(value = "!(has(self.insecureSkipVerify) && self.insecureSkipVerify && has(self.caSecretRef))",
    message = "spec.connection.tls: insecureSkipVerify and caSecretRef contradict each other: a CA that is never "
        + "checked hides that the server is not verified; remove insecureSkipVerify to verify against the CA",
    fieldPath = ".insecureSkipVerify")
public class TlsSpec {
  @JsonPropertyDescription("A Secret key holding the PEM CA bundle that signed the server's certificate; default: the "
      + "JVM's trust store. Polled like the connection string's Secret: a rotated CA makes a new client.")
  private CaSecretRef caSecretRef;

  @JsonPropertyDescription("A kubernetes.io/tls Secret whose certificate the operator presents to MongoDB, for servers "
      + "that require client certificates (x509). Polled; a rotated certificate makes a new client.")
  private TlsSecretRef clientCertSecretRef;

  @JsonPropertyDescription("Accept any server certificate and host name, for tests only: the connection is encrypted "
      + "but not authenticated. Said on the Ready condition's message and in a Warning Event. Not with caSecretRef.")
  private Boolean insecureSkipVerify;

  public CaSecretRef getCaSecretRef() { return caSecretRef; }
  public void setCaSecretRef(CaSecretRef caSecretRef) { this.caSecretRef = caSecretRef; }
  public TlsSecretRef getClientCertSecretRef() { return clientCertSecretRef; }
  public void setClientCertSecretRef(TlsSecretRef clientCertSecretRef) { this.clientCertSecretRef = clientCertSecretRef; }
  public Boolean getInsecureSkipVerify() { return insecureSkipVerify; }
  public void setInsecureSkipVerify(Boolean insecureSkipVerify) { this.insecureSkipVerify = insecureSkipVerify; }

  public boolean insecure() {
    return Boolean.TRUE.equals(insecureSkipVerify);
  }
}
