package io.mongosteward.mongo;

import io.mongosteward.api.v1alpha1.ClientOptions;
import java.time.Duration;

/**
 * How long any one MongoDB operation may take, client side, so that a server that goes silent
 * can never hold a thread for good. Index builds get a longer bound of their own: they can
 * legitimately take minutes.
 *
 * @param operation every operation's bound (the driver's timeoutMS: server selection, connection
 *     checkout and the reply together)
 * @param indexBuild the bound on one createIndexes
 */
public record Timeouts(Duration operation, Duration indexBuild) {
  public static final Duration DEFAULT_OPERATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_INDEX_BUILD = Duration.ofHours(1);
  /** The duplicate count behind a refused unique index: bounded, so a huge collection cannot stall a pass. */
  public static final Duration DUPLICATE_SEARCH = Duration.ofSeconds(60);
  public static final Timeouts DEFAULT = new Timeouts(DEFAULT_OPERATION, DEFAULT_INDEX_BUILD);

  /** The spec's timeoutMS and indexBuildTimeoutMS, each else its default. */
  public static Timeouts of(ClientOptions o) {
    if (o == null) {
      return DEFAULT;
    }
    return new Timeouts(o.getTimeoutMS() == null ? DEFAULT_OPERATION : Duration.ofMillis(o.getTimeoutMS()),
        o.getIndexBuildTimeoutMS() == null ? DEFAULT_INDEX_BUILD : Duration.ofMillis(o.getIndexBuildTimeoutMS()));
  }
}
