package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** An index that $indexStats shows no access to for at least policy.reportUnusedAfter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UnusedIndexStatus {
  @JsonPropertyDescription("The collection of the index.")
  private String collection;
  @JsonPropertyDescription("The index name.")
  private String name;
  @JsonPropertyDescription("No access counted since this time (the server's count start, or when the operator "
      + "first saw the count it still has).")
  private String unusedSince;

  public UnusedIndexStatus() {}
  public UnusedIndexStatus(String collection, String name, String unusedSince) {
    this.collection = collection; this.name = name; this.unusedSince = unusedSince;
  }
  public String getCollection() { return collection; }
  public void setCollection(String v) { this.collection = v; }
  public String getName() { return name; }
  public void setName(String v) { this.name = v; }
  public String getUnusedSince() { return unusedSince; }
  public void setUnusedSince(String v) { this.unusedSince = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnusedIndexStatus s && Objects.equals(collection, s.collection) && Objects.equals(name, s.name)
        && Objects.equals(unusedSince, s.unusedSince);
  }

  @Override
  public int hashCode() { return Objects.hash(collection, name, unusedSince); }
}
