package io.mongosteward.api.v1alpha1;

public enum UnmanagedIndexPolicy { Report, Drop }
