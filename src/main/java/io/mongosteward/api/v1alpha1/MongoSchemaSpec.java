package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

// https://www.mongodb.com/docs/manual/reference/local-database/ and .../reference/config-database/:
// admin, config and local are MongoDB's own. In any letter case: two database names may not differ
// only by case (https://www.mongodb.com/docs/manual/reference/limits/#Use-of-Case-in-Database-Names),
// and these three always exist, so "Admin" could never be created either.
@ValidationRule(value = "!has(self.database) || !(self.database.lowerAscii() in ['admin', 'config', 'local'])",
    message = "admin, config and local (in any letter case) are reserved by MongoDB; name the application's own database",
    fieldPath = ".database")
@ValidationRule(value = "has(self.connection)",
    message = "spec.connection is required in the cluster: set spec.connection.secretRef to the Secret holding the connection string")
public class MongoSchemaSpec {
  @JsonPropertyDescription("How to reach MongoDB. Required in the cluster; optional for the CLI, which also takes --mongo-uri or MONGODB_URI.")
  private ConnectionSpec connection;

  @Required
  @Pattern("^[^/\\\\. \"$*<>:|?\\x00]{1,63}$")
  @JsonPropertyDescription("The database whose collections this schema manages: 1 to 63 characters, without spaces, NUL or any of /\\.\"$*<>:|?; not admin, config or local, in any letter case.")
  private String database;

  @Size(max = 64)
  @ValidationRule(value = "self.all(c, self.exists_one(d, d.name == c.name))",
      message = "collection names must be unique: merge the indexes of a collection listed twice into one entry")
  @JsonPropertyDescription("The collections whose indexes are managed. Collections not listed are never touched.")
  private List<CollectionSpec> collections = new ArrayList<>();

  @Size(max = 64)
  @ValidationRule(value = "self.all(c, self.exists_one(d, d.name == c.name))", message = "counter names must be unique")
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
