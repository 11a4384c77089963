package io.mongosteward.testsupport;

import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.plan.Owner;

/** The passes engine tests run, as one schema identity. */
public final class Engines {
  /** The schema the engine tests act as, like the CLI does for a file: namespace/name, no uid. */
  public static final Owner OWNER = new Owner("test", "engine", null);
  public static final SchemaEngine.Pass APPLY = SchemaEngine.Pass.apply(OWNER);
  public static final SchemaEngine.Pass DRY_RUN = SchemaEngine.Pass.dryRun(OWNER);

  private Engines() {}
}
