package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "!(has(self.order) && has(self.type))", message = "give either order or type, not both")
@ValidationRule(value = "!has(self.order) || self.order == 1 || self.order == -1",
    message = "order must be 1 (ascending) or -1 (descending)", fieldPath = ".order")
public class IndexKey {
  @Required
  @Size(min = 1, max = 1024)
  // Not blank. A pattern rather than a CEL rule: CEL here is evaluated collections x indexes x keys times.
  @Pattern("\\S")
  @JsonPropertyDescription("Document field, dotted for embedded fields; 1 to 1024 characters, not blank.")
  private String field;

  @JsonPropertyDescription("1 ascending (default) or -1 descending. Not with type.")
  private Integer order;

  @JsonPropertyDescription("A special index type instead of an order: text, hashed, 2dsphere or 2d.")
  private KeyType type;

  public IndexKey() {}
  public IndexKey(String field, Integer order, KeyType type) { this.field = field; this.order = order; this.type = type; }
  public static IndexKey asc(String field) { return new IndexKey(field, 1, null); }
  public static IndexKey desc(String field) { return new IndexKey(field, -1, null); }
  public String getField() { return field; }
  public void setField(String field) { this.field = field; }
  public Integer getOrder() { return order; }
  public void setOrder(Integer order) { this.order = order; }
  public KeyType getType() { return type; }
  public void setType(KeyType type) { this.type = type; }
}
