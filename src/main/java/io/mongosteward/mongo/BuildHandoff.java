package io.mongosteward.mongo;

import io.mongosteward.plan.Action;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a pass hands its index creations, so that a build of minutes or hours never holds the
 * thread that runs the pass (the operator's reconcile thread). The pass gets at once either
 * {@code Building} outcomes (queued or running) or, once the build has ended, what it did.
 */
public interface BuildHandoff {
  /** The admin database of the same client: where $currentOp is asked which builds run. */
  com.mongodb.client.MongoDatabase admin();

  /**
   * @param build runs the given creations (the batch, or those of it still to build) of one
   *     collection and returns their outcomes; may take as long as the build (its bound is
   *     clientOptions.indexBuildTimeoutMS)
   * @param progress the server's progress of the running build ($currentOp), or null where it reports none
   */
  List<Outcome> submit(String collection, List<Action.CreateIndex> batch,
      Function<List<Action.CreateIndex>, List<Outcome>> build, Supplier<String> progress);
}
