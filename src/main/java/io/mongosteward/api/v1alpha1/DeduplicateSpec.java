package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

public class DeduplicateSpec {
  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("The fields whose values, together, must be unique: those of the unique index to build.")
  private List<String> keys = new ArrayList<>();

  @JsonPropertyDescription("Which document of a group stays: Oldest (default) or Newest by keepBy; _id breaks ties, so a re-run keeps the same one.")
  private KeepPolicy keep = KeepPolicy.Oldest;

  @Pattern("^[^$\\x00-\\x1f\\x7f.][^\\x00-\\x1f\\x7f]*$")
  @Size(max = 1024)
  @JsonPropertyDescription("The field that orders a group, such as created_at; default _id.")
  private String keepBy = "_id";

  @Pattern("^[^$\\x00-\\x1f\\x7f]{1,255}$")
  @JsonPropertyDescription("Where each removed document is copied first; default <collection>_duplicates.")
  private String archiveCollection;

  public List<String> getKeys() { return keys; }
  public void setKeys(List<String> keys) { this.keys = keys == null ? new ArrayList<>() : keys; }
  public KeepPolicy getKeep() { return keep; }
  public void setKeep(KeepPolicy keep) { this.keep = keep == null ? KeepPolicy.Oldest : keep; }
  public String getKeepBy() { return keepBy; }
  public void setKeepBy(String keepBy) { this.keepBy = keepBy == null ? "_id" : keepBy; }
  public String getArchiveCollection() { return archiveCollection; }
  public void setArchiveCollection(String archiveCollection) { this.archiveCollection = archiveCollection; }
}
