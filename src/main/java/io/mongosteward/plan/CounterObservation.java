package io.mongosteward.plan;

/**
 * What was read for one counter.
 *
 * @param seq the counter's current value, null when its document does not exist
 * @param seedMax the current max of the seed field, null when there is no seed or no document
 * @param seedSource "collection.field" of the seed, null when there is none
 */
public record CounterObservation(String collection, String name, Long seq, Long seedMax, String seedSource) {}
