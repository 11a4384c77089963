package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "!has(self.hiddenFor) || self.hiddenFor.matches('" + PolicySpec.DURATION + "')",
    message = "hiddenFor must be a duration such as 30m, 24h or 7d", fieldPath = ".hiddenFor")
@ValidationRule(value = "!has(self.reportUnusedAfter) || self.reportUnusedAfter.matches('" + PolicySpec.DURATION + "')",
    message = "reportUnusedAfter must be a duration such as 30m, 24h or 7d", fieldPath = ".reportUnusedAfter")
@ValidationRule(value = "!has(self.commitQuorum) || self.commitQuorum.matches('" + PolicySpec.COMMIT_QUORUM + "')",
    message = "commitQuorum must be votingMembers, majority, or a number of members from 0 to 50 (as a string)",
    fieldPath = ".commitQuorum")
public class PolicySpec {
  /** Same as io.mongosteward.mongo.CommitQuorum.PATTERN; the API types do not depend on the driver. */
  public static final String COMMIT_QUORUM = "^([0-9]|[1-4][0-9]|50|votingMembers|majority)$";
  /** A whole number of seconds, minutes, hours or days: what hiddenFor and reportUnusedAfter take. */
  public static final String DURATION = "^[1-9][0-9]{0,5}(s|m|h|d)$";
  public static final String DEFAULT_HIDDEN_FOR = "24h";

  @JsonPropertyDescription("Report (default) lists indexes not in the spec; Drop drops them. _id_ is never dropped.")
  private UnmanagedIndexPolicy unmanagedIndexes = UnmanagedIndexPolicy.Report;

  @JsonPropertyDescription("Report (default) reports an index whose name matches but whose definition differs; Recreate drops and rebuilds it.")
  private ConflictPolicy onConflict = ConflictPolicy.Report;

  @JsonPropertyDescription("How undeclared indexes are dropped (unmanagedIndexes: Drop): HideFirst (default) "
      + "hides the index with collMod and drops it on the first pass after hiddenFor, and declaring it again before "
      + "then unhides it; Immediate drops at once. A Recreate rebuilds at once under either. A server without "
      + "collMod or hidden indexes reports Unsupported under HideFirst.")
  private DropStrategy dropStrategy = DropStrategy.HideFirst;

  @JsonPropertyDescription("How long an index stays hidden before it is dropped under dropStrategy HideFirst: "
      + "a whole number with s, m, h or d, e.g. 30m, 24h, 7d; default 24h.")
  private String hiddenFor;

  @JsonPropertyDescription("When set (e.g. 7d), the indexes of managed collections that $indexStats shows no "
      + "access to for this long are listed in status.unusedIndexes; read at most once per resync interval. "
      + "Unset: $indexStats is never read.")
  private String reportUnusedAfter;

  @JsonPropertyDescription("createIndexes' commitQuorum on replica sets and sharded clusters: votingMembers, "
      + "majority, or a number of data-bearing voting members as a string (e.g. \"2\"). Unset: the server's default "
      + "(votingMembers). Ignored, with a note in the Ready condition, on a standalone server; a server that refuses "
      + "it (older than 4.4) builds without it, and the operator's log says so.")
  private String commitQuorum;

  @JsonPropertyDescription("true stops every write to MongoDB for this schema.")
  private boolean paused;

  public UnmanagedIndexPolicy getUnmanagedIndexes() { return unmanagedIndexes; }
  public void setUnmanagedIndexes(UnmanagedIndexPolicy v) { this.unmanagedIndexes = v == null ? UnmanagedIndexPolicy.Report : v; }
  public ConflictPolicy getOnConflict() { return onConflict; }
  public void setOnConflict(ConflictPolicy v) { this.onConflict = v == null ? ConflictPolicy.Report : v; }
  public boolean isPaused() { return paused; }
  public void setPaused(boolean paused) { this.paused = paused; }
  public DropStrategy getDropStrategy() { return dropStrategy; }
  public void setDropStrategy(DropStrategy v) { this.dropStrategy = v == null ? DropStrategy.HideFirst : v; }
  public String getHiddenFor() { return hiddenFor; }
  public void setHiddenFor(String v) { this.hiddenFor = v; }
  public String getReportUnusedAfter() { return reportUnusedAfter; }
  public String getCommitQuorum() { return commitQuorum; }
  public void setCommitQuorum(String v) { this.commitQuorum = v; }
  public void setReportUnusedAfter(String v) { this.reportUnusedAfter = v; }
}
