package io.mongosteward.api.v1alpha1;

/** Where a MongoMigration stands, as on a Kubernetes Job. */
public enum MigrationPhase { Pending, Running, Suspended, Succeeded, Failed }
