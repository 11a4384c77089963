package io.mongosteward.plan;

import java.util.List;

/**
 * What was read for one counter.
 *
 * @param seq the counter's current value, null when its document does not exist
 * @param seedMax the largest number in the seed field, array elements included; null when there
 *     is no seed or no number
 * @param seedSource "collection.field" of the seed, null when there is none
 * @param ignoredTypes BSON types of seed values that are not numbers (string, objectId, ...):
 *     they are left out of the max, and reported
 * @param undetermined why the max could not be found in bounded reads, or null when it was
 * @param badSeq what the counter's seq holds when it is not a number $max can raise ("a string"),
 *     else null
 */
public record CounterObservation(String collection, String name, Long seq, Long seedMax, String seedSource,
    List<String> ignoredTypes, String undetermined, String badSeq) {
  public CounterObservation {
    ignoredTypes = List.copyOf(ignoredTypes);
  }

  public CounterObservation(String collection, String name, Long seq, Long seedMax, String seedSource) {
    this(collection, name, seq, seedMax, seedSource, List.of(), null, null);
  }

  public CounterObservation(String collection, String name, Long seq, Long seedMax, String seedSource,
      List<String> ignoredTypes, String undetermined) {
    this(collection, name, seq, seedMax, seedSource, ignoredTypes, undetermined, null);
  }
}
