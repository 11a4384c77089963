package io.mongosteward.plan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.cli.SchemaFile;

/** Test specs written as the YAML users write. */
public final class Specs {
  private static final ObjectMapper PLAIN = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Specs() {}

  /** Parses a spec body (the part under "spec:"), indented by any amount. */
  public static MongoSchemaSpec spec(String specBody) {
    return SchemaFile.parse("test.yaml", document(specBody)).getSpec();
  }

  /** The same, without SpecValidator: for tests of the validator itself. */
  public static MongoSchemaSpec unvalidated(String specBody) {
    try {
      return PLAIN.readValue(document(specBody), MongoSchema.class).getSpec();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a spec: " + specBody, e);
    }
  }

  private static String document(String specBody) {
    String indented = specBody.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    return "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\nmetadata: {name: t}\nspec:\n" + indented;
  }
}
