package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

public class MongoSchemaSpec {
  @JsonPropertyDescription("How to reach MongoDB. Optional for the CLI, which also takes --mongo-uri or MONGODB_URI.")
  private ConnectionSpec connection;

  @Required
  @JsonPropertyDescription("The database whose collections this schema manages.")
  private String database;

  @JsonPropertyDescription("The collections whose indexes are managed. Collections not listed are never touched.")
  private List<CollectionSpec> collections = new ArrayList<>();

  @JsonPropertyDescription("Atomic id counters, each kept at or above the current max of a field.")
  private List<CounterSpec> counters = new ArrayList<>();

  @JsonPropertyDescription("What to do with indexes that are not declared or that conflict, and whether to pause.")
  private PolicySpec policy = new PolicySpec();

  @JsonPropertyDescription("Retain (default) leaves MongoDB untouched when the resource is deleted; Delete drops the managed indexes.")
  private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  public ConnectionSpec getConnection() { return connection; }
  public void setConnection(ConnectionSpec connection) { this.connection = connection; }
  public String getDatabase() { return database; }
  public void setDatabase(String database) { this.database = database; }
  public List<CollectionSpec> getCollections() { return collections; }
  public void setCollections(List<CollectionSpec> collections) { this.collections = collections == null ? new ArrayList<>() : collections; }
  public List<CounterSpec> getCounters() { return counters; }
  public void setCounters(List<CounterSpec> counters) { this.counters = counters == null ? new ArrayList<>() : counters; }
  public PolicySpec getPolicy() { return policy; }
  public void setPolicy(PolicySpec policy) { this.policy = policy == null ? new PolicySpec() : policy; }
  public DeletionPolicy getDeletionPolicy() { return deletionPolicy; }
  public void setDeletionPolicy(DeletionPolicy deletionPolicy) { this.deletionPolicy = deletionPolicy == null ? DeletionPolicy.Retain : deletionPolicy; }
}
