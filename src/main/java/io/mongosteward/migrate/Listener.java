package io.mongosteward.migrate;

/** Hears how a run is going: after every batch, and once at the end. Called on the run's thread; keep it quick. */
@FunctionalInterface
public interface Listener {
  Listener NONE = p -> { };

  void progress(Progress p);

  /**
   * The run holds the collection's lease and begins: {@code resumed} when it goes on from an
   * unfinished run's checkpoint. Not called when another runner holds the collection or the
   * ledger has it done.
   */
  default void started(boolean resumed) {}

  /**
   * The total is known (or changed), before the batch that follows: a slow throttle's first batch
   * may take long, and the total can be shown meanwhile. Not a batch: counts are as they were.
   */
  default void counted(Progress p) {}
}
