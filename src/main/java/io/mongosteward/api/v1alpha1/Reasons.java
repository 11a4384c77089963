package io.mongosteward.api.v1alpha1;

/** The reasons on conditions and Events: CamelCase, stable, documented in docs/operator.md. */
public final class Reasons {
  private Reasons() {}

  public static final String SYNCED = "Synced";
  public static final String RECONCILING = "Reconciling";
  public static final String PAUSED = "Paused";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_KEY_NOT_FOUND = "SecretKeyNotFound";
  public static final String INVALID_URI = "InvalidConnectionString";
  public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
  public static final String MONGO_UNREACHABLE = "MongoUnreachable";
  public static final String CONFLICT = "Conflict";
  public static final String BLOCKED_BY_DUPLICATES = "BlockedByDuplicates";
  public static final String UNSUPPORTED = "Unsupported";
  public static final String FAILED = "Failed";
  public static final String DELETION_INCOMPLETE = "DeletionIncomplete";
}
