package io.mongosteward.plan;

import java.util.List;
import java.util.Map;

/**
 * What one database holds for the planner: the listIndexes output per managed collection
 * (an absent or empty list for a collection that does not exist) and each counter.
 */
public record ObservedState(Map<String, List<IndexDefinition>> indexes, Map<String, CounterObservation> counters) {
  public ObservedState {
    indexes = Map.copyOf(indexes);
    counters = Map.copyOf(counters);
  }

  public List<IndexDefinition> indexesOf(String collection) {
    return indexes.getOrDefault(collection, List.of());
  }
}
