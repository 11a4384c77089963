package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class PolicySpec {
  @JsonPropertyDescription("Report (default) lists indexes not in the spec; Drop drops them. _id_ is never dropped.")
  private UnmanagedIndexPolicy unmanagedIndexes = UnmanagedIndexPolicy.Report;

  @JsonPropertyDescription("Report (default) reports an index whose name matches but whose definition differs; Recreate drops and rebuilds it.")
  private ConflictPolicy onConflict = ConflictPolicy.Report;

  @JsonPropertyDescription("true stops every write to MongoDB for this schema.")
  private boolean paused;

  public UnmanagedIndexPolicy getUnmanagedIndexes() { return unmanagedIndexes; }
  public void setUnmanagedIndexes(UnmanagedIndexPolicy v) { this.unmanagedIndexes = v == null ? UnmanagedIndexPolicy.Report : v; }
  public ConflictPolicy getOnConflict() { return onConflict; }
  public void setOnConflict(ConflictPolicy v) { this.onConflict = v == null ? ConflictPolicy.Report : v; }
  public boolean isPaused() { return paused; }
  public void setPaused(boolean paused) { this.paused = paused; }
}
