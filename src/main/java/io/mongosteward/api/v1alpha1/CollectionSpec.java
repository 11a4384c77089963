package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(value = "!self.name.startsWith('system.')",
    message = "collection names starting with system. are reserved by MongoDB", fieldPath = ".name")
@ValidationRule(value = "self.name.trim() != ''", message = "name must not be blank", fieldPath = ".name")
// SpecValidator.METADATA_COLLECTION: mongo-steward's own records.
@ValidationRule(value = "self.name != 'mongosteward'",
    message = "mongosteward is mongo-steward's own metadata collection; use another name", fieldPath = ".name")
public class CollectionSpec {
  /**
   * A collection name: no $ anywhere, no NUL
   * (https://www.mongodb.com/docs/manual/reference/limits/#Restriction-on-Collection-Names), and
   * no other control character, which would also split log lines.
   */
  public static final String NAME = "^[^$\\x00-\\x1F\\x7F]{1,255}$";

  @Required
  @Pattern(NAME)
  @Size(max = 255)
  @JsonPropertyDescription("Collection name: 1 to 255 characters, not blank, not starting with system., no $ and no control characters, and not mongosteward (mongo-steward's own metadata collection).")
  private String name;

  // MongoDB allows 64 indexes per collection, _id_ included, so 63 declared ones.
  // https://www.mongodb.com/docs/manual/reference/limits/#Number-of-Indexes-per-Collection
  @Size(max = 63)
  @ValidationRule(value = "self.all(i, self.exists_one(j, j.name == i.name))",
      message = "index names must be unique within a collection")
  // https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/
  @ValidationRule(value = "self.filter(i, i.keys.exists(k, has(k.type) && k.type == 'text')).size() <= 1",
      message = "a collection can have only one text index; put every text field into that one index")
  // Two indexes with the same keys and options under different names (mongod: 85
  // IndexOptionsConflict) are caught by the operator's own validation: as a CEL rule, comparing
  // every pair of indexes key by key exceeds the API server's cost budget.
  @JsonPropertyDescription("The indexes this collection must have, besides _id_: at most 63, since MongoDB allows 64 with _id_. At most one text index.")
  private List<IndexSpec> indexes = new ArrayList<>();

  public CollectionSpec() {}
  public CollectionSpec(String name, List<IndexSpec> indexes) { this.name = name; setIndexes(indexes); }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<IndexSpec> getIndexes() { return indexes; }
  public void setIndexes(List<IndexSpec> indexes) { this.indexes = indexes == null ? new ArrayList<>() : indexes; }
}
