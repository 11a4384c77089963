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
public class CollectionSpec {
  @Required
  @Pattern("^[^$\\x00][^\\x00]{0,254}$")
  @Size(max = 255)
  @JsonPropertyDescription("Collection name: 1 to 255 characters, not blank, not starting with $ or system., no NUL.")
  private String name;

  @Size(max = 64)
  @ValidationRule(value = "self.all(i, self.exists_one(j, j.name == i.name))",
      message = "index names must be unique within a collection")
  @JsonPropertyDescription("The indexes this collection must have, besides _id_.")
  private List<IndexSpec> indexes = new ArrayList<>();

  public CollectionSpec() {}
  public CollectionSpec(String name, List<IndexSpec> indexes) { this.name = name; setIndexes(indexes); }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<IndexSpec> getIndexes() { return indexes; }
  public void setIndexes(List<IndexSpec> indexes) { this.indexes = indexes == null ? new ArrayList<>() : indexes; }
}
