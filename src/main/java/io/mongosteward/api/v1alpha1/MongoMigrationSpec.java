package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@ValidationRule(value = "has(self.connection) != has(self.schemaRef)",
    message = "give exactly one of connection and schemaRef: a Secret to connect with, or the MongoSchema whose "
        + "connection and database to use")
@ValidationRule(value = "has(self.database) || has(self.schemaRef)",
    message = "database is required unless schemaRef names a MongoSchema to take it from", fieldPath = ".database")
@ValidationRule(value = "has(self.deduplicate) != has(self.backfill)",
    message = "give exactly one of deduplicate and backfill: one migration makes one kind of change")
@ValidationRule(value = "!has(self.deduplicate) || !has(self.deduplicate.archiveCollection) "
    + "|| self.deduplicate.archiveCollection != self.collection",
    message = "archiveCollection must differ from the collection: the removed documents go there",
    fieldPath = ".deduplicate.archiveCollection")
public class MongoMigrationSpec {
  @JsonPropertyDescription("How to reach MongoDB: a Secret holding the connection string. Not with schemaRef.")
  private ConnectionSpec connection;

  @JsonPropertyDescription("A MongoSchema in the same namespace whose connection and database to use. Not with connection.")
  private SchemaRef schemaRef;

  @Pattern("^[^/\\\\. \"$*<>:|?\\x00]{1,63}$")
  @JsonPropertyDescription("The database; taken from schemaRef's MongoSchema when not given.")
  private String database;

  @Required
  @Pattern("^[^$\\x00-\\x1f\\x7f]{1,255}$")
  @JsonPropertyDescription("The collection to change: 1 to 255 characters, no $ and no control characters.")
  private String collection;

  @JsonPropertyDescription("Remove documents whose keys repeat, keeping one per group and archiving the others first.")
  private DeduplicateSpec deduplicate;

  @JsonPropertyDescription("Write a field computed from another one, where it is missing or differs.")
  private BackfillSpec backfill;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Documents per batch, 1 to 10,000; default 500. A checkpoint is written after each batch.")
  private Integer batchSize = 500;

  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("The most documents read per second, on average: 1 to 1,000,000; default 1,000.")
  private Integer maxDocumentsPerSecond = 1000;

  @JsonPropertyDescription("true reports what would change and changes nothing.")
  private boolean dryRun;

  @JsonPropertyDescription("true stops at the next batch boundary; false again resumes from the checkpoint.")
  private boolean suspend;

  @Pattern("^[^\\x00-\\x1f\\x7f]{1,63}$")
  @JsonPropertyDescription("Any text, 1 to 63 characters: a new value runs the migration again, even one that "
      + "succeeded (it is part of the spec hash the ledger keeps). Unset, nothing changes.")
  private String rerun;

  public ConnectionSpec getConnection() { return connection; }
  public void setConnection(ConnectionSpec connection) { this.connection = connection; }
  public SchemaRef getSchemaRef() { return schemaRef; }
  public void setSchemaRef(SchemaRef schemaRef) { this.schemaRef = schemaRef; }
  public String getDatabase() { return database; }
  public void setDatabase(String database) { this.database = database; }
  public String getCollection() { return collection; }
  public void setCollection(String collection) { this.collection = collection; }
  public DeduplicateSpec getDeduplicate() { return deduplicate; }
  public void setDeduplicate(DeduplicateSpec deduplicate) { this.deduplicate = deduplicate; }
  public BackfillSpec getBackfill() { return backfill; }
  public void setBackfill(BackfillSpec backfill) { this.backfill = backfill; }
  public Integer getBatchSize() { return batchSize; }
  public void setBatchSize(Integer batchSize) { this.batchSize = batchSize == null ? 500 : batchSize; }
  public Integer getMaxDocumentsPerSecond() { return maxDocumentsPerSecond; }
  public void setMaxDocumentsPerSecond(Integer v) { this.maxDocumentsPerSecond = v == null ? 1000 : v; }
  public boolean isDryRun() { return dryRun; }
  public void setDryRun(boolean dryRun) { this.dryRun = dryRun; }
  public boolean isSuspend() { return suspend; }
  public void setSuspend(boolean suspend) { this.suspend = suspend; }
  public String getRerun() { return rerun; }
  public void setRerun(String rerun) { this.rerun = rerun; }
}
