package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class SeedFrom {
  @Required @Pattern("^[^$\\x00][^\\x00]{0,254}$") @JsonPropertyDescription("Collection whose documents hold the ids.")
  private String collection;
  @Required @Size(min = 1, max = 1024) @Pattern("\\S")
  @JsonPropertyDescription("Numeric field holding the ids, dotted for embedded fields, not blank; an index on it keeps the seed read cheap.")
  private String field;

  public SeedFrom() {}
  public SeedFrom(String collection, String field) { this.collection = collection; this.field = field; }
  public String getCollection() { return collection; }
  public void setCollection(String collection) { this.collection = collection; }
  public String getField() { return field; }
  public void setField(String field) { this.field = field; }
}
