package io.mongosteward.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class MongoSchemaTest {
  /**
   * A schema as the API server serves it: the informers' cache held every writer's managedFields, and
   * after a client-side {@code kubectl apply} a copy of the whole applied object in an annotation.
   */
  static final String SERVED = """
      {"apiVersion": "mongosteward.io/v1alpha1", "kind": "MongoSchema",
       "metadata": {"name": "app", "namespace": "shop", "resourceVersion": "42", "generation": 3,
         "uid": "0b0c", "finalizers": ["mongosteward.io/cleanup"], "labels": {"team": "shop"},
         "annotations": {"note": "kept", "kubectl.kubernetes.io/last-applied-configuration":
           "{\\"apiVersion\\":\\"mongosteward.io/v1alpha1\\",\\"kind\\":\\"MongoSchema\\",\\"spec\\":{\\"database\\":\\"shop\\"}}\\n"},
         "managedFields": [
           {"manager": "kubectl", "operation": "Apply", "apiVersion": "mongosteward.io/v1alpha1",
            "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:database": {}, "f:collections": {}}}},
           {"manager": "mongoschemareconciler", "operation": "Apply", "subresource": "status",
            "apiVersion": "mongosteward.io/v1alpha1", "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {"f:conditions": {}, "f:observedGeneration": {}}}}]},
       "spec": {"database": "shop", "connection": {"secretRef": {"name": "mongo"}}},
       "status": {"observedGeneration": 3}}
      """;

  @Test
  void isReadWithoutManagedFieldsAndWithTheRestOfItsMetadata() {
    MongoSchema s = Serialization.unmarshal(SERVED, MongoSchema.class);

    assertThat(s.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(s.getMetadata().getName()).isEqualTo("app");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(s.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(s.getMetadata().getGeneration()).isEqualTo(3L);
    assertThat(s.getMetadata().getUid()).isEqualTo("0b0c");
    assertThat(s.getMetadata().getFinalizers()).containsExactly("mongosteward.io/cleanup");
    assertThat(s.getMetadata().getLabels()).containsEntry("team", "shop");
    assertThat(s.getMetadata().getAnnotations()).containsOnlyKeys("note").containsEntry("note", "kept");
    assertThat(s.getSpec().getDatabase()).isEqualTo("shop");
    assertThat(s.getStatus().getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aSchemaWithoutAnnotationsOrOnlyTheAppliedCopyIsReadWithoutIt() {
    MongoSchema plain = Serialization.unmarshal(SERVED.replaceAll("(?s)\"annotations\": \\{.*?\\},\\n", ""), MongoSchema.class);
    assertThat(plain.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(plain.getMetadata().getName()).isEqualTo("app");

    MongoSchema onlyCopy = Serialization.unmarshal(SERVED.replace("\"note\": \"kept\", ", ""), MongoSchema.class);
    assertThat(onlyCopy.getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void isWrittenWithoutManagedFields() {
    MongoSchema s = Serialization.unmarshal(SERVED, MongoSchema.class);
    s.getMetadata().setManagedFields(Serialization.unmarshal(SERVED, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)
        .getMetadata().getManagedFields());
    assertThat(s.getMetadata().getManagedFields()).hasSize(2);

    String json = Serialization.asJson(s);

    assertThat(json).doesNotContain("managedFields").contains("\"resourceVersion\":\"42\"");
  }
}
