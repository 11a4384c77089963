package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** An index hidden before its drop (policy.dropStrategy HideFirst), and when it is dropped. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HiddenIndexStatus {
  @JsonPropertyDescription("The collection of the index.")
  private String collection;
  @JsonPropertyDescription("The index name.")
  private String name;
  @JsonPropertyDescription("When it was hidden (or first seen hidden), as recorded in the mongosteward collection.")
  private String hiddenAt;
  @JsonPropertyDescription("The first pass after this time drops it; declaring it again before then "
      + "unhides it.")
  private String dropAfter;

  public HiddenIndexStatus() {}
  public HiddenIndexStatus(String collection, String name, String hiddenAt, String dropAfter) {
    this.collection = collection; this.name = name; this.hiddenAt = hiddenAt; this.dropAfter = dropAfter;
  }
  public String getCollection() { return collection; }
  public void setCollection(String v) { this.collection = v; }
  public String getName() { return name; }
  public void setName(String v) { this.name = v; }
  public String getHiddenAt() { return hiddenAt; }
  public void setHiddenAt(String v) { this.hiddenAt = v; }
  public String getDropAfter() { return dropAfter; }
  public void setDropAfter(String v) { this.dropAfter = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof HiddenIndexStatus s && Objects.equals(collection, s.collection) && Objects.equals(name, s.name)
        && Objects.equals(hiddenAt, s.hiddenAt) && Objects.equals(dropAfter, s.dropAfter);
  }

  @Override
  public int hashCode() { return Objects.hash(collection, name, hiddenAt, dropAfter); }
}
