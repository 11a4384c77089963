package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.LinkedHashMap;
import java.util.Map;

/** The desired indexes and counters of one MongoDB database. */
@Group(MongoSchema.GROUP)
@Version(MongoSchema.VERSION)
@Kind("MongoSchema")
@Plural("mongoschemas")
@ShortNames({"msch"})
// kubectl get shows these in this order (CrdGeneration keeps it): NAME, READY, INDEXES, REASON (-o wide), AGE.
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Indexes", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.indexSummary",
    getDescription = "Declared indexes present / declared")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class MongoSchema extends CustomResource<MongoSchemaSpec, MongoSchemaStatus> implements Namespaced {
  public static final String GROUP = "mongosteward.io";
  public static final String VERSION = "v1alpha1";

  @Override
  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "The indexes and counters one database must have, and how to reach it.")
  public MongoSchemaSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @com.fasterxml.jackson.annotation.JsonPropertyDescription("What the operator last found and did; written by the operator.")
  public MongoSchemaStatus getStatus() {
    return super.getStatus();
  }

  /**
   * Read and written without {@code metadata.managedFields}: the API server's record of which client
   * set which field, a tree of maps per writer (the user's apply, the operator's status) that nothing
   * here reads, and about half the heap that each schema in the operator's cache took
   * (docs/benchmarks.md, "Operator memory"). The API server keeps its record whatever a client sends
   * or omits; the operator's status writes are server-side applies, which go without it anyway.
   */
  @Override
  @JsonIgnoreProperties("managedFields")
  public ObjectMeta getMetadata() {
    return super.getMetadata();
  }

  /**
   * Also read without the copy of the whole applied object that a client-side {@code kubectl apply}
   * (or Argo CD) keeps in {@link #LAST_APPLIED}: as large as the spec again, in the cache of every
   * schema, and read by nothing here. The operator never writes a whole schema back (its status
   * writes go to the status subresource, which keeps the rest; JOSDK adds and removes its finalizer
   * with a server-side apply and a JSON patch), so the annotation stays on the server for kubectl.
   */
  @Override
  @JsonIgnoreProperties("managedFields")
  public void setMetadata(ObjectMeta metadata) {
    if (metadata != null && metadata.getAnnotations() != null && metadata.getAnnotations().containsKey(LAST_APPLIED)) {
      Map<String, String> kept = new LinkedHashMap<>(metadata.getAnnotations());
      kept.remove(LAST_APPLIED);
      metadata.setAnnotations(kept);
    }
    super.setMetadata(metadata);
  }

  /** kubectl's annotation: https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/ */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  // No initSpec(): JOSDK adds its finalizer with a server-side apply of a fresh instance, and a
  // default spec there (empty lists, default policy) would take ownership of those fields and
  // overwrite what the user applied.
}
