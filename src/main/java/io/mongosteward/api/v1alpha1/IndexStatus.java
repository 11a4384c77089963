package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IndexStatus {
  @JsonPropertyDescription("The collection of the index.")
  private String collection;
  @JsonPropertyDescription("The declared index name.")
  private String name;
  @JsonPropertyDescription("Pending, Conflict, Unsupported, BlockedByDuplicates, ManagedElsewhere or Failed; "
      + "Present with a note (the index exists as declared under another name).")
  private IndexState state;
  @JsonPropertyDescription("Why the index is not as declared, and what to do (at most 512 characters).")
  private String message;

  public IndexStatus() {}
  public IndexStatus(String collection, String name, IndexState state, String message) {
    this.collection = collection; this.name = name; this.state = state; this.message = message;
  }
  public String getCollection() { return collection; }
  public void setCollection(String v) { this.collection = v; }
  public String getName() { return name; }
  public void setName(String v) { this.name = v; }
  public IndexState getState() { return state; }
  public void setState(IndexState v) { this.state = v; }
  public String getMessage() { return message; }
  public void setMessage(String v) { this.message = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexStatus s && Objects.equals(collection, s.collection) && Objects.equals(name, s.name)
        && state == s.state && Objects.equals(message, s.message);
  }

  @Override
  public int hashCode() { return Objects.hash(collection, name, state, message); }
}
