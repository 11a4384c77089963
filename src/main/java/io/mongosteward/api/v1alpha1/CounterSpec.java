package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "self.name.trim() != ''", message = "name must not be blank", fieldPath = ".name")
// SpecValidator.METADATA_COLLECTION: mongo-steward's own records.
@ValidationRule(value = "!has(self.collection) || self.collection != 'mongosteward'",
    message = "mongosteward is mongo-steward's own metadata collection; use another name", fieldPath = ".collection")
public class CounterSpec {
  @Required
  @Size(min = 1, max = 255)
  // No control characters: the name goes into log lines and Events.
  @Pattern("^[^\\x00-\\x1F\\x7F]+$")
  @JsonPropertyDescription("Counter name, not blank, no control characters, and unique among the counters: the _id of its document {_id: name, seq: <long>}.")
  private String name;

  @Pattern(CollectionSpec.NAME)
  @JsonPropertyDescription("Collection holding the counter documents; default counters. 1 to 255 characters, no $ and no control characters, and not mongosteward (mongo-steward's own metadata collection).")
  private String collection = "counters";

  @JsonPropertyDescription("Keep seq at or above the current max of seedFrom.field in seedFrom.collection; seq is never lowered.")
  private SeedFrom seedFrom;

  public CounterSpec() {}
  public CounterSpec(String name, SeedFrom seedFrom) { this.name = name; this.seedFrom = seedFrom; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getCollection() { return collection; }
  public void setCollection(String collection) { this.collection = collection == null ? "counters" : collection; }
  public SeedFrom getSeedFrom() { return seedFrom; }
  public void setSeedFrom(SeedFrom seedFrom) { this.seedFrom = seedFrom; }
}
