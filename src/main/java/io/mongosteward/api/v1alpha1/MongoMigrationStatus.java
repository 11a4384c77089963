package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MongoMigrationStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;
  @JsonPropertyDescription("Pending, Running, Suspended, Succeeded or Failed.")
  private MigrationPhase phase;
  @JsonPropertyDescription("Why the phase is what it is, CamelCase: CollectionBusy, SchemaNotFound, MongoUnreachable, ...")
  private String reason;
  @JsonPropertyDescription("One line for people: what the run does or waits for, and the fix when it failed.")
  private String message;
  @JsonPropertyDescription("Complete and Failed, as on a Kubernetes Job.")
  private List<Condition> conditions = new ArrayList<>();
  @JsonPropertyDescription("How far the run is, patched at most every 5 seconds.")
  private MigrationProgress progress;
  @JsonPropertyDescription("Where the run resumes after a stop, a crash or a suspend; the authoritative copy is in "
      + "the database's mongosteward collection.")
  private String checkpoint;
  @JsonPropertyDescription("Duplicates the application wrote during the run, found and removed by its final pass (deduplicate).")
  private Long lateDuplicates;
  @JsonPropertyDescription("The spec hash of the run this status reports: the ledger's key for it. An edit that "
      + "keeps it (batchSize, maxDocumentsPerSecond, suspend) resumes that run, or keeps a succeeded one done.")
  private String specHash;
  @JsonPropertyDescription("When the current run started, RFC 3339.")
  private String startTime;
  @JsonPropertyDescription("When the run ended, RFC 3339.")
  private String completionTime;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long v) { this.observedGeneration = v; }
  public MigrationPhase getPhase() { return phase; }
  public void setPhase(MigrationPhase v) { this.phase = v; }
  public String getReason() { return reason; }
  public void setReason(String v) { this.reason = v; }
  public String getMessage() { return message; }
  public void setMessage(String v) { this.message = v; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> v) { this.conditions = v == null ? new ArrayList<>() : v; }
  public MigrationProgress getProgress() { return progress; }
  public void setProgress(MigrationProgress v) { this.progress = v; }
  public String getCheckpoint() { return checkpoint; }
  public void setCheckpoint(String v) { this.checkpoint = v; }
  public Long getLateDuplicates() { return lateDuplicates; }
  public void setLateDuplicates(Long v) { this.lateDuplicates = v; }
  public String getSpecHash() { return specHash; }
  public void setSpecHash(String v) { this.specHash = v; }
  public String getStartTime() { return startTime; }
  public void setStartTime(String v) { this.startTime = v; }
  public String getCompletionTime() { return completionTime; }
  public void setCompletionTime(String v) { this.completionTime = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof MongoMigrationStatus s && Objects.equals(observedGeneration, s.observedGeneration)
        && phase == s.phase && Objects.equals(reason, s.reason) && Objects.equals(message, s.message)
        && Objects.equals(conditions, s.conditions) && Objects.equals(progress, s.progress)
        && Objects.equals(checkpoint, s.checkpoint) && Objects.equals(lateDuplicates, s.lateDuplicates)
        && Objects.equals(specHash, s.specHash) && Objects.equals(startTime, s.startTime) && Objects.equals(completionTime, s.completionTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, reason, message, conditions, progress, checkpoint, lateDuplicates, specHash, startTime,
        completionTime);
  }
}
