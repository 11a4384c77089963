package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A kubernetes.io/tls Secret: its tls.crt and tls.key are read, as every such Secret names them. */
public class TlsSecretRef {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription("Name of a kubernetes.io/tls Secret in the resource's namespace: tls.crt holds the client "
      + "certificate (PEM, its chain may follow), tls.key its unencrypted private key (PKCS#1, PKCS#8 or EC).")
  private String name;

  public TlsSecretRef() {}
  public TlsSecretRef(String name) { this.name = name; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
