package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.cli.SchemaFile;

/** Test specs written as the YAML users write. */
public final class Specs {
  private Specs() {}

  /** Parses a spec body (the part under "spec:"), indented by any amount. */
  public static MongoSchemaSpec spec(String specBody) {
    String indented = specBody.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    return SchemaFile.parse("test.yaml", "apiVersion: mongosteward.io/v1alpha1\nkind: MongoSchema\n"
        + "metadata: {name: t}\nspec:\n" + indented).getSpec();
  }
}
