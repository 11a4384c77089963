package io.mongosteward.api.v1alpha1;

/** One step of a backfill's transformation; the steps apply left to right. */
public enum Transform {
  /** Trim, strip the scheme, lowercase the host, drop a default port, a fragment and one trailing slash. */
  NormalizeUrl,
  Lowercase,
  Trim
}
