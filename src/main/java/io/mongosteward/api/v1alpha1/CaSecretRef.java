package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret key holding PEM CA certificates; the key defaults to ca.crt, as cert-manager writes it. */
public class CaSecretRef {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription("Name of a Secret in the resource's namespace holding the CA bundle.")
  private String name;

  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  @JsonPropertyDescription("Key within the Secret holding one or more PEM certificates (-----BEGIN CERTIFICATE-----); "
      + "default ca.crt.")
  private String key = "ca.crt";

  public CaSecretRef() {}
  public CaSecretRef(String name, String key) { this.name = name; setKey(key); }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key == null ? "ca.crt" : key; }
}
