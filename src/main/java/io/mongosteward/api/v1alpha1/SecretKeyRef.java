package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

public class SecretKeyRef {
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a Secret in the resource's namespace.")
  private String name;

  @JsonPropertyDescription("Key within the Secret; default uri.")
  private String key = "uri";

  public SecretKeyRef() {}
  public SecretKeyRef(String name, String key) { this.name = name; this.key = key; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getKey() { return key; }
  public void setKey(String key) { this.key = key == null ? "uri" : key; }
}
