package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(value = "self.source != self.target", message = "target must differ from source", fieldPath = ".target")
public class BackfillSpec {
  @Required
  @Pattern("^[^$\\x00-\\x1f\\x7f.][^\\x00-\\x1f\\x7f]*$")
  @Size(max = 1024)
  @JsonPropertyDescription("The field to read, such as message_link.")
  private String source;

  @Required
  @Pattern("^[^$\\x00-\\x1f\\x7f.][^\\x00-\\x1f\\x7f]*$")
  @Size(max = 1024)
  @JsonPropertyDescription("The field to write, such as message_link_norm.")
  private String target;

  @Size(max = 8)
  @JsonPropertyDescription("Applied left to right: NormalizeUrl, Lowercase, Trim. Empty copies the value.")
  private List<Transform> transforms = new ArrayList<>();

  @JsonPropertyDescription("true writes only where target is missing; false (default) also where it differs.")
  private boolean onlyMissing;

  public String getSource() { return source; }
  public void setSource(String source) { this.source = source; }
  public String getTarget() { return target; }
  public void setTarget(String target) { this.target = target; }
  public List<Transform> getTransforms() { return transforms; }
  public void setTransforms(List<Transform> transforms) { this.transforms = transforms == null ? new ArrayList<>() : transforms; }
  public boolean isOnlyMissing() { return onlyMissing; }
  public void setOnlyMissing(boolean onlyMissing) { this.onlyMissing = onlyMissing; }
}
