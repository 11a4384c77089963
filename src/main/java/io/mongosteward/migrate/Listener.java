package io.mongosteward.migrate;

/** Hears how a run is going: after every batch, and once at the end. Called on the run's thread; keep it quick. */
@FunctionalInterface
public interface Listener {
  Listener NONE = p -> { };

  void progress(Progress p);
}
