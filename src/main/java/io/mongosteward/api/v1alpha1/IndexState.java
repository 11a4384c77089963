package io.mongosteward.api.v1alpha1;

/** What the last reconcile found or did for one declared index. */
public enum IndexState {
  /** Exists as declared. */
  Present,
  /** Created (or rebuilt) by the last apply. */
  Created,
  /** TTL or hidden changed in place with collMod by the last apply. */
  Modified,
  /** A change is planned but was not applied (dry run or paused). */
  Pending,
  /** Its build is queued or running (the operator builds apart from its reconciles). */
  Building,
  /** An index of this name exists with another definition (policy Report). */
  Conflict,
  /** The server cannot build or change it as declared. */
  Unsupported,
  /** A unique index that existing duplicate keys prevent; run a deduplicate migration. */
  BlockedByDuplicates,
  /** Another MongoSchema manages its collection: not checked, not touched. */
  ManagedElsewhere,
  /** The server refused it for another reason; see the message. */
  Failed
}
