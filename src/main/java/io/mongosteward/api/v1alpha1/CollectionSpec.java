package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

public class CollectionSpec {
  @Required
  @JsonPropertyDescription("Collection name.")
  private String name;

  @JsonPropertyDescription("The indexes this collection must have, besides _id_.")
  private List<IndexSpec> indexes = new ArrayList<>();

  public CollectionSpec() {}
  public CollectionSpec(String name, List<IndexSpec> indexes) { this.name = name; setIndexes(indexes); }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<IndexSpec> getIndexes() { return indexes; }
  public void setIndexes(List<IndexSpec> indexes) { this.indexes = indexes == null ? new ArrayList<>() : indexes; }
}
