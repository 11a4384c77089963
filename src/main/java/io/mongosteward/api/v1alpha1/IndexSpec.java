package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@ValidationRule(value = "!has(self.expireAfterSeconds) || size(self.keys) == 1",
    message = "expireAfterSeconds (TTL) needs a single-field index", fieldPath = ".expireAfterSeconds")
@ValidationRule(value = "!has(self.expireAfterSeconds) || self.keys.all(k, !has(k.type))",
    message = "expireAfterSeconds (TTL) needs an ascending or descending key, not a special type",
    fieldPath = ".expireAfterSeconds")
@ValidationRule(value = "!(has(self.sparse) && self.sparse && has(self.partialFilterExpression))",
    message = "sparse cannot be combined with partialFilterExpression; use the filter alone", fieldPath = ".sparse")
// https://www.mongodb.com/docs/manual/core/indexes/index-types/index-hashed/ (hashed: not unique;
// a compound hashed index holds one hashed field)
@ValidationRule(value = "!(has(self.unique) && self.unique) || !self.keys.exists(k, has(k.type) && k.type == 'hashed')",
    message = "a hashed index cannot be unique; enforce uniqueness with a separate ascending index on the field",
    fieldPath = ".unique")
@ValidationRule(value = "self.keys.filter(k, has(k.type) && k.type == 'hashed').size() <= 1",
    message = "an index can hold only one hashed field; make the other keys ascending or descending", fieldPath = ".keys")
// https://www.mongodb.com/docs/manual/core/index-ttl/#restrictions. keys[0] alone: with more keys
// the single-field rule above already refuses the TTL, and a scan of all keys would cost more.
@ValidationRule(value = "!has(self.expireAfterSeconds) || self.keys[0].field != '_id'",
    message = "_id does not support a TTL; put expireAfterSeconds on an index of a date field", fieldPath = ".expireAfterSeconds")
// https://www.mongodb.com/docs/manual/core/indexes/index-types/index-text/text-index-restrictions/#collation-option
// and https://www.mongodb.com/docs/manual/core/indexes/index-types/geospatial/restrictions/#collation-option:
// text and 2d indexes support only simple binary comparison.
@ValidationRule(value = "!has(self.collation) || self.collation.locale == 'simple' || !self.keys.exists(k, has(k.type) && (k.type == 'text' || k.type == '2d'))",
    message = "text and 2d indexes support only simple binary comparison; remove the collation",
    fieldPath = ".collation")
@ValidationRule(value = "self.name.trim() != ''", message = "name must not be blank", fieldPath = ".name")
@ValidationRule(value = "self.name != '_id_'", message = "_id_ is MongoDB's own index and cannot be declared",
    fieldPath = ".name")
public class IndexSpec {
  @Required
  // 64 keeps the CEL uniqueness rule on indexes within the API server's cost budget.
  @Size(min = 1, max = 64)
  // No control characters: the name goes into log lines and Events.
  @Pattern("^[^\\x00-\\x1F\\x7F]+$")
  @JsonPropertyDescription("Index name (1 to 64 characters, not blank, no control characters, not _id_), unique within its collection. It identifies the index: a change of keys or options under the same name is a conflict.")
  private String name;

  @Required
  @Size(min = 1, max = 32)
  // A field repeated within keys is caught by the operator's own validation: as a CEL rule
  // its estimated cost (collections x indexes x keys^2) exceeds the API server's budget.
  @JsonPropertyDescription("The index keys, in order. A list, never a map: key order defines the index. At most one hashed key.")
  private List<IndexKey> keys = new ArrayList<>();

  @JsonPropertyDescription("Reject documents whose key values duplicate another document's. Not with a hashed key.")
  private Boolean unique;

  @JsonPropertyDescription("Only index documents that have the indexed field. Not with partialFilterExpression.")
  private Boolean sparse;

  @PreserveUnknownFields
  @JsonPropertyDescription("Only index documents matching this filter (a MongoDB query document).")
  private Map<String, Object> partialFilterExpression;

  @JsonPropertyDescription("Language rules for string comparison; locale is required when given. Not on text or 2d indexes, which compare binary only.")
  private Collation collation;

  @JsonPropertyDescription("Hide the index from the query planner; changed in place with collMod.")
  private Boolean hidden;

  @Min(0)
  // MongoDB stores expireAfterSeconds as a 32-bit integer and refuses larger values.
  // https://www.mongodb.com/docs/manual/core/index-ttl/#create-a-ttl-index
  @Max(2147483647)
  @JsonPropertyDescription("TTL: delete documents this many seconds (0 to 2147483647) after the indexed date. Single-field indexes on an ascending or descending key other than _id only; changed in place with collMod.")
  private Long expireAfterSeconds;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<IndexKey> getKeys() { return keys; }
  public void setKeys(List<IndexKey> keys) { this.keys = keys; }
  public Boolean getUnique() { return unique; }
  public void setUnique(Boolean unique) { this.unique = unique; }
  public Boolean getSparse() { return sparse; }
  public void setSparse(Boolean sparse) { this.sparse = sparse; }
  public Map<String, Object> getPartialFilterExpression() { return partialFilterExpression; }
  public void setPartialFilterExpression(Map<String, Object> v) { this.partialFilterExpression = v; }
  public Collation getCollation() { return collation; }
  public void setCollation(Collation collation) { this.collation = collation; }
  public Boolean getHidden() { return hidden; }
  public void setHidden(Boolean hidden) { this.hidden = hidden; }
  public Long getExpireAfterSeconds() { return expireAfterSeconds; }
  public void setExpireAfterSeconds(Long v) { this.expireAfterSeconds = v; }
}
