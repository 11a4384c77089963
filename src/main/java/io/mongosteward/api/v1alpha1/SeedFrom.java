package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public class SeedFrom {
  @Required @Pattern(CollectionSpec.NAME)
  @JsonPropertyDescription("Collection whose documents hold the ids: 1 to 255 characters, no $ and no control characters.")
  private String collection;
  // A bad path here fails only at run time, in the seed read ($where: code 16410).
  @Required @Size(min = 1, max = 1024) @Pattern(IndexKey.FIELD_PATH)
  @JsonPropertyDescription("Numeric field holding the ids, dotted for embedded fields; not starting with a space, no empty part (a..b, .a, a.) and no part starting with $. An index on it keeps the seed read cheap.")
  private String field;

  public SeedFrom() {}
  public SeedFrom(String collection, String field) { this.collection = collection; this.field = field; }
  public String getCollection() { return collection; }
  public void setCollection(String collection) { this.collection = collection; }
  public String getField() { return field; }
  public void setField(String field) { this.field = field; }
}
