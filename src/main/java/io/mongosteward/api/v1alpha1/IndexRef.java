package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

public class IndexRef {
  @JsonPropertyDescription("The collection holding the index.")
  private String collection;
  @JsonPropertyDescription("The index name.")
  private String name;

  public IndexRef() {}
  public IndexRef(String collection, String name) { this.collection = collection; this.name = name; }
  public String getCollection() { return collection; }
  public void setCollection(String v) { this.collection = v; }
  public String getName() { return name; }
  public void setName(String v) { this.name = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexRef r && Objects.equals(collection, r.collection) && Objects.equals(name, r.name);
  }

  @Override
  public int hashCode() { return Objects.hash(collection, name); }
}
