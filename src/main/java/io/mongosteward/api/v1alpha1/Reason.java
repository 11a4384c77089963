package io.mongosteward.api.v1alpha1;

/**
 * Every reason a condition or an Event can carry: CamelCase and stable, documented in
 * docs/operator.md. One enum, so that a reason is never spelled twice.
 */
public enum Reason {
  Synced,
  Reconciling,
  /** An index build is queued or running apart from the reconcile; the message names it, with progress where reported. */
  IndexBuilding,
  Paused,
  /**
   * A declared index waits for a hidden index with its key pattern to be dropped (policy.dropStrategy
   * HideFirst); the message names both, and the pass at the drop's time is scheduled.
   */
  WaitsForDrop,
  /** The spec breaks a rule; nothing is written until it is edited. */
  InvalidSpec,
  SecretNotFound,
  SecretKeyNotFound,
  /** The Secret's value is not a MongoDB connection string. */
  InvalidConnectionString,
  /** MongoDB refused the credentials (code 18). */
  AuthenticationFailed,
  /** The user lacks a privilege for an action (code 13). */
  NotAuthorized,
  /**
   * The TLS handshake with MongoDB failed: an untrusted server certificate (wrong CA), a host name
   * it does not cover, or a client certificate the server refused. Retried with backoff.
   */
  TLSHandshakeFailed,
  /** A TLS Secret (spec.connection.tls) holds no usable PEM certificate or key. */
  InvalidTLSMaterial,
  /**
   * A Warning Event: spec.connection.tls.insecureSkipVerify, or tlsInsecure /
   * tlsAllowInvalidHostnames in the connection string, turns off the server's verification.
   */
  InsecureSkipVerify,
  /** Network, timeouts, elections: retried with backoff. */
  MongoUnreachable,
  Conflict,
  BlockedByDuplicates,
  Unsupported,
  /** Another MongoSchema already manages a collection or counter this one declares. */
  CollectionManagedElsewhere,
  /** The server refused for another, permanent reason. */
  Failed,
  DeletionIncomplete,
  // MongoMigration
  /** Queued for a free runner, or about to start. */
  Pending,
  Running,
  /** spec.suspend: stopped at a batch boundary; false again resumes from the checkpoint. */
  Suspended,
  Completed,
  /** Another migration holds the collection's lease; the message names it. */
  CollectionBusy,
  /** spec.schemaRef names a MongoSchema that does not exist in the namespace. */
  SchemaNotFound,
  /** The migration's collection (or its database) does not exist: a typo, or not created yet. */
  CollectionNotFound
}
