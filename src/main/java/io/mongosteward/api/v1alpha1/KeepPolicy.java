package io.mongosteward.api.v1alpha1;

/** Which document of a group of duplicates stays. */
public enum KeepPolicy { Oldest, Newest }
