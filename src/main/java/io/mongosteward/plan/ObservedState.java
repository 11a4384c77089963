package io.mongosteward.plan;

import java.util.List;
import java.util.Map;

/**
 * What one database holds for the planner: the listIndexes output per managed collection (an
 * absent or empty list for a collection that does not exist), each collection's default
 * collation where it has one, each counter (its map's keys are only labels: a counter is found by
 * its collection and name, as two collections may each hold a counter of one name), and the
 * metadata records by id.
 */
public record ObservedState(Map<String, List<IndexDefinition>> indexes,
    Map<String, Map<String, Object>> defaultCollations, Map<String, CounterObservation> counters,
    Map<String, ManagedRecord> records) {
  public ObservedState {
    indexes = Map.copyOf(indexes);
    defaultCollations = Map.copyOf(defaultCollations);
    counters = Map.copyOf(counters);
    records = Map.copyOf(records);
  }

  public ObservedState(Map<String, List<IndexDefinition>> indexes, Map<String, CounterObservation> counters) {
    this(indexes, Map.of(), counters, Map.of());
  }

  /** The same indexes, collations and counters, with these metadata records. */
  public ObservedState withRecords(Map<String, ManagedRecord> records) {
    return new ObservedState(indexes, defaultCollations, counters, records);
  }

  public List<IndexDefinition> indexesOf(String collection) {
    return indexes.getOrDefault(collection, List.of());
  }

  /** The counter of this name in this collection, or null when it was not observed. */
  public CounterObservation counter(String collection, String name) {
    for (CounterObservation c : counters.values()) {
      if (c.collection().equals(collection) && c.name().equals(name)) return c;
    }
    return null;
  }

  /** The collection's default collation (canonical), or null for simple. */
  public Map<String, Object> defaultCollationOf(String collection) {
    return defaultCollations.get(collection);
  }
}
