package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class ConnectionSpec {
  @Required
  @JsonPropertyDescription("Required: the Secret key holding a mongodb:// or mongodb+srv:// connection string, the one connection source.")
  private SecretKeyRef secretRef;

  @JsonPropertyDescription("Driver pool and timeout options; unset fields keep the driver's defaults or those in the URI.")
  private ClientOptions clientOptions;

  public SecretKeyRef getSecretRef() { return secretRef; }
  public void setSecretRef(SecretKeyRef secretRef) { this.secretRef = secretRef; }
  public ClientOptions getClientOptions() { return clientOptions; }
  public void setClientOptions(ClientOptions clientOptions) { this.clientOptions = clientOptions; }
}
