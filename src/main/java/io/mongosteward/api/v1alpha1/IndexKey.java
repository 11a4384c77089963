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
  /**
   * A field path MongoDB accepts in an index key or an aggregation: dot-separated parts, none empty
   * ("a..b", ".a", "a."), none starting with $ ("$where", "a.$b"), no NUL; and, our own rule, not
   * starting with whitespace (which also keeps out blank fields).
   * https://www.mongodb.com/docs/manual/reference/limits/#Restrictions-on-Field-Names
   * A pattern rather than a CEL rule: CEL here is evaluated collections x indexes x keys times.
   * Whitespace is spelled out: Java's \s also holds \x0B, RE2's (the API server's) does not.
   */
  public static final String FIELD_PATH = "^[^ \\t\\n\\f\\r.$\\x00][^.\\x00]*(\\.[^.$\\x00][^.\\x00]*)*$";

  @Required
  @Size(min = 1, max = 1024)
  @Pattern(FIELD_PATH)
  @JsonPropertyDescription("Document field, dotted for embedded fields; 1 to 1024 characters. Not starting with a space; no empty part (a..b, .a, a.) and no part starting with $.")
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
