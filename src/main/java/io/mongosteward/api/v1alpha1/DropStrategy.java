package io.mongosteward.api.v1alpha1;

/**
 * How an index is dropped: HideFirst hides it with collMod and drops it only after
 * policy.hiddenFor, so that a query that still needs it shows up while it can be unhidden in an
 * instant; Immediate drops it at once (servers without collMod or hidden indexes need it).
 */
public enum DropStrategy { HideFirst, Immediate }
