package io.mongosteward.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mongosteward.api.v1alpha1.MongoSchema;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
  static final KubernetesSerialization SERIALIZATION = SharedStrings.serialization();

  static MongoSchema read(String name, String message) {
    // new String(...): nothing here may share an instance through the class file's constants.
    String json = new String("""
        {"apiVersion": "mongosteward.io/v1alpha1", "kind": "MongoSchema",
         "metadata": {"name": "%s", "namespace": "tenant-a", "labels": {"team": "bots"}},
         "spec": {"database": "app", "collections": [{"name": "posts", "indexes": [
           {"name": "post_id_unique", "keys": [{"field": "post_id"}], "unique": true}]}]},
         "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Synced", "message": "%s"}]}}
        """.formatted(name, message));
    return SERIALIZATION.unmarshal(json, MongoSchema.class);
  }

  @Test
  void twoObjectsReadApartShareTheirShortStringValues() {
    String longMessage = "x".repeat(SharedStrings.MAX_LENGTH + 1);
    MongoSchema a = read("a", longMessage);
    MongoSchema b = read("b", longMessage);

    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getMetadata().getLabels().get("team")).isSameAs(a.getMetadata().getLabels().get("team"));
    assertThat(b.getSpec().getCollections().get(0).getIndexes().get(0).getName())
        .isSameAs(a.getSpec().getCollections().get(0).getIndexes().get(0).getName());
    assertThat(b.getSpec().getCollections().get(0).getIndexes().get(0).getKeys().get(0).getField())
        .isSameAs(a.getSpec().getCollections().get(0).getIndexes().get(0).getKeys().get(0).getField());
    assertThat(b.getStatus().getConditions().get(0).getReason()).isSameAs(a.getStatus().getConditions().get(0).getReason());
    assertThat(b.getMetadata().getName()).isEqualTo("b");
    // Long values are kept as read: equal, not shared.
    assertThat(b.getStatus().getConditions().get(0).getMessage()).isEqualTo(longMessage)
        .isNotSameAs(a.getStatus().getConditions().get(0).getMessage());
  }

  @Test
  void theOperatorsClientsReadWithIt() {
    try (var client = KubeHttpClients.clientBuilder()
        .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build()).build()) {
      MongoSchema a = client.getKubernetesSerialization().unmarshal(new String("{\"kind\":\"MongoSchema\","
          + "\"apiVersion\":\"mongosteward.io/v1alpha1\",\"metadata\":{\"namespace\":\"tenant-z\"}}"), MongoSchema.class);
      MongoSchema b = client.getKubernetesSerialization().unmarshal(new String("{\"kind\":\"MongoSchema\","
          + "\"apiVersion\":\"mongosteward.io/v1alpha1\",\"metadata\":{\"namespace\":\"tenant-z\"}}"), MongoSchema.class);
      assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    }
  }

  @Test
  void aSecretsDataStaysOffTheStringTable() {
    String json = "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"namespace\": \"tenant-a\"},"
        + " \"data\": {\"uri\": \"bW9uZ29kYjovL2FwcDpzM2NyZXRAZGI=\"}, \"stringData\": {\"password\": \"s3cret\"}}";
    var a = SERIALIZATION.unmarshal(new String(json), io.fabric8.kubernetes.api.model.Secret.class);
    var b = SERIALIZATION.unmarshal(new String(json), io.fabric8.kubernetes.api.model.Secret.class);
    assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    assertThat(b.getData().get("uri")).isEqualTo(a.getData().get("uri")).isNotSameAs(a.getData().get("uri"));
    assertThat(b.getStringData().get("password")).isEqualTo("s3cret").isNotSameAs(a.getStringData().get("password"));
  }

  /**
   * The operator's threads have 256 KB stacks (deploy/'s -Xss256k). Jackson reads untyped values
   * without recursion only while the String deserializer is a standard one: a filter nested 900
   * levels deep (Jackson's limit is 1,000) overflowed such a stack when SharedStrings was not marked so.
   */
  @Test
  void aDeeplyNestedPartialFilterIsReadOnASmallStack() throws Exception {
    int depth = 900;
    String filter = "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
    String json = "{\"apiVersion\": \"mongosteward.io/v1alpha1\", \"kind\": \"MongoSchema\", \"spec\": {\"database\": \"app\","
        + " \"collections\": [{\"name\": \"c\", \"indexes\": [{\"name\": \"i\", \"keys\": [{\"field\": \"f\"}],"
        + " \"partialFilterExpression\": " + filter + "}]}]}}";
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<MongoSchema> read = new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        read.set(SERIALIZATION.unmarshal(json, MongoSchema.class));
      } catch (Throwable e) {
        failed.set(e);
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    assertThat(failed.get()).as("reading on a 256 KB stack").isNull();
    assertThat(read.get().getSpec().getCollections().get(0).getIndexes().get(0).getPartialFilterExpression()).containsKey("a");
  }
}
