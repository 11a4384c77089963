package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class ConnectionSpec {
  @Required
  @JsonPropertyDescription("Required: the Secret key holding a mongodb:// or mongodb+srv:// connection string, the one connection source.")
  private SecretKeyRef secretRef;

  @JsonPropertyDescription("Driver pool and timeout options; unset fields keep the driver's defaults or those in the URI.")
  private ClientOptions clientOptions;

  @JsonPropertyDescription("TLS to MongoDB from Secrets: a CA bundle, a client certificate, or insecureSkipVerify. "
      + "Setting it turns TLS on whatever the connection string says; tls=true in the connection string alone "
      + "trusts the JVM's default CAs.")
  private TlsSpec tls;

  public TlsSpec getTls() { return tls; }
  public void setTls(TlsSpec tls) { this.tls = tls; }
  public SecretKeyRef getSecretRef() { return secretRef; }
  public void setSecretRef(SecretKeyRef secretRef) { this.secretRef = secretRef; }
  public ClientOptions getClientOptions() { return clientOptions; }
  public void setClientOptions(ClientOptions clientOptions) { this.clientOptions = clientOptions; }
}
