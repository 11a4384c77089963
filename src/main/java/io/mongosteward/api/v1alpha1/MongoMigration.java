package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One throttled, resumable data change in one collection: a deduplication or a backfill. */
@Group(MongoSchema.GROUP)
@Version(MongoSchema.VERSION)
@Kind("MongoMigration")
@Plural("mongomigrations")
@ShortNames({"mmig"})
// kubectl get shows these in this order (CrdGeneration keeps it): NAME, PHASE, PROGRESS, ETA, AGE.
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Progress", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.progress.percentText", getDescription = "Documents scanned, as a percentage of the total")
@AdditionalPrinterColumn(name = "ETA", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.progress.eta",
    getDescription = "Time left at the current rate")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class MongoMigration extends CustomResource<MongoMigrationSpec, MongoMigrationStatus> implements Namespaced {
  @Override
  @JsonPropertyDescription("The change to make, where, and how fast.")
  public MongoMigrationSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Where the run stands; written by the operator.")
  public MongoMigrationStatus getStatus() {
    return super.getStatus();
  }
}
