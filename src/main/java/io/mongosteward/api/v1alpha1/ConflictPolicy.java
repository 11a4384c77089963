package io.mongosteward.api.v1alpha1;

public enum ConflictPolicy { Report, Recreate }
