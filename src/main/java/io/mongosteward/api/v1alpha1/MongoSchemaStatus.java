package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MongoSchemaStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;
  @JsonPropertyDescription("Ready, Reconciling and Stalled, following Kubernetes conventions.")
  private List<Condition> conditions = new ArrayList<>();
  @JsonPropertyDescription("The declared indexes that are not as declared (or carry a note), at most 100: "
      + "indexSummary counts them all; what was created or changed is in the Events.")
  private List<IndexStatus> indexes = new ArrayList<>();
  @JsonPropertyDescription("Indexes found in managed collections but not declared, at most 100; the Ready "
      + "message counts them all.")
  private List<IndexRef> unmanagedIndexes = new ArrayList<>();
  @JsonPropertyDescription("Indexes hidden before their drop (policy.dropStrategy HideFirst), each with when it "
      + "is dropped, at most 100.")
  private List<HiddenIndexStatus> hiddenIndexes = new ArrayList<>();
  @JsonPropertyDescription("Indexes of managed collections with no access for policy.reportUnusedAfter, per "
      + "$indexStats, at most 100; empty unless reportUnusedAfter is set.")
  private List<UnusedIndexStatus> unusedIndexes = new ArrayList<>();
  @JsonPropertyDescription("Why unusedIndexes could not be worked out (a server without $indexStats), else unset.")
  private String unusedIndexesNote;
  @JsonPropertyDescription("The current value of each counter.")
  private List<CounterStatus> counters = new ArrayList<>();
  @JsonPropertyDescription("Declared indexes present, as present/declared, for kubectl get.")
  private String indexSummary;
  @JsonPropertyDescription("The MongoDB server last seen.")
  private ServerStatus server;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long v) { this.observedGeneration = v; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> v) { this.conditions = v == null ? new ArrayList<>() : v; }
  public List<IndexStatus> getIndexes() { return indexes; }
  public void setIndexes(List<IndexStatus> v) { this.indexes = v == null ? new ArrayList<>() : v; }
  public List<IndexRef> getUnmanagedIndexes() { return unmanagedIndexes; }
  public void setUnmanagedIndexes(List<IndexRef> v) { this.unmanagedIndexes = v == null ? new ArrayList<>() : v; }
  public List<HiddenIndexStatus> getHiddenIndexes() { return hiddenIndexes; }
  public void setHiddenIndexes(List<HiddenIndexStatus> v) { this.hiddenIndexes = v == null ? new ArrayList<>() : v; }
  public List<UnusedIndexStatus> getUnusedIndexes() { return unusedIndexes; }
  public void setUnusedIndexes(List<UnusedIndexStatus> v) { this.unusedIndexes = v == null ? new ArrayList<>() : v; }
  public String getUnusedIndexesNote() { return unusedIndexesNote; }
  public void setUnusedIndexesNote(String v) { this.unusedIndexesNote = v; }
  public List<CounterStatus> getCounters() { return counters; }
  public void setCounters(List<CounterStatus> v) { this.counters = v == null ? new ArrayList<>() : v; }
  public String getIndexSummary() { return indexSummary; }
  public void setIndexSummary(String v) { this.indexSummary = v; }
  public ServerStatus getServer() { return server; }
  public void setServer(ServerStatus v) { this.server = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof MongoSchemaStatus s && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions) && Objects.equals(indexes, s.indexes)
        && Objects.equals(unmanagedIndexes, s.unmanagedIndexes) && Objects.equals(counters, s.counters)
        && Objects.equals(hiddenIndexes, s.hiddenIndexes) && Objects.equals(unusedIndexes, s.unusedIndexes)
        && Objects.equals(unusedIndexesNote, s.unusedIndexesNote)
        && Objects.equals(indexSummary, s.indexSummary) && Objects.equals(server, s.server);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, indexes, unmanagedIndexes, counters, indexSummary, server, hiddenIndexes,
        unusedIndexes, unusedIndexesNote);
  }
}
