package io.mongosteward.operator;

import java.util.List;
import java.util.Optional;

/**
 * Where the classes of one run came from, read from its -Xlog:class+load lines: JlinkRuntimeIT's
 * measure of whether the operator's archive still holds what the operator loads. Two shares, as the
 * project's own classes are what goes stale as the code changes, and they are about 3% of the whole:
 * a list without any of them still had 97% of all classes archived.
 */
record ClassSources(int archived, int loaded, int ownArchived, int ownLoaded) {
  /** The share of all classes (generated ones aside) that must come from the archive. */
  static final double ALL_AT_LEAST = 0.95;
  /** The share of the project's own classes (io.mongosteward) that must come from the archive. */
  static final double OWN_AT_LEAST = 0.90;

  static ClassSources of(List<String> lines) {
    int archived = 0;
    int loaded = 0;
    int ownArchived = 0;
    int ownLoaded = 0;
    for (String line : lines) {
      int source = line.indexOf(" source: ");
      if (source < 0 || line.contains("$$Lambda") || line.contains("LambdaForm$") || line.contains("$Proxy")
          || line.contains("__") || line.contains("jdk.internal.reflect.Generated")) {
        continue; // made at run time: never in a class list by name
      }
      boolean shared = line.startsWith(" source: shared objects file", source);
      boolean own = line.contains("] io.mongosteward.");
      loaded++;
      if (shared) archived++;
      if (own) {
        ownLoaded++;
        if (shared) ownArchived++;
      }
    }
    return new ClassSources(archived, loaded, ownArchived, ownLoaded);
  }

  /** Why the archive no longer holds what the run loaded, or empty when it does. */
  Optional<String> staleness() {
    if (loaded == 0 || ownLoaded == 0) {
      return Optional.of("the run logged no class of " + (loaded == 0 ? "any kind" : "io.mongosteward") + ": " + this);
    }
    if ((double) archived / loaded < ALL_AT_LEAST) {
      return Optional.of("fewer than " + percent(ALL_AT_LEAST) + " of its classes came from the archive: " + this);
    }
    if ((double) ownArchived / ownLoaded < OWN_AT_LEAST) {
      return Optional.of("fewer than " + percent(OWN_AT_LEAST) + " of the project's own classes came from the archive: "
          + this);
    }
    return Optional.empty();
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  @Override
  public String toString() {
    return archived + " of " + loaded + " classes from the archive, " + ownArchived + " of " + ownLoaded
        + " of io.mongosteward";
  }
}
