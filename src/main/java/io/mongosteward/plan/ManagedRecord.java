package io.mongosteward.plan;

import java.time.Instant;
import java.util.List;

/**
 * One document of the metadata collection ({@code mongosteward}) in a managed database: which
 * schema manages a collection or a counter, and what the server did not keep of its indexes.
 * Migrations keep their leases and ledger in the same collection, as other kinds.
 *
 * @param id {@code collection:<name>} or {@code counter:<collection>$<name>}
 * @param unkept options the server accepted but did not keep, per index, so that they are
 *     reported, never rebuilt for
 * @param hidden the indexes this schema hid before dropping them (policy.dropStrategy HideFirst),
 *     each with when: kept here so that a restart of the operator does not restart the wait
 */
public record ManagedRecord(String id, Owner owner, List<Unkept> unkept, List<Hidden> hidden) {
  public ManagedRecord {
    unkept = List.copyOf(unkept);
    hidden = List.copyOf(hidden);
  }

  public ManagedRecord(String id, Owner owner, List<Unkept> unkept) {
    this(id, owner, unkept, List.of());
  }

  /** When this schema hid {@code index}, or null. */
  public Instant hiddenAt(String index) {
    return hidden.stream().filter(h -> h.index().equals(index)).map(Hidden::at).findFirst().orElse(null);
  }

  /** An index hidden by this schema on its way to a drop, and when it was hidden (or first seen hidden). */
  public record Hidden(String index, Instant at) {}

  public static String collectionId(String collection) {
    return "collection:" + collection;
  }

  /**
   * {@code counter:<collection>$<name>}: a collection name holds no {@code $}, so the first one
   * ends it, whatever the counter's name holds.
   */
  public static String counterId(String countersCollection, String counter) {
    return "counter:" + countersCollection + "$" + counter;
  }

  /**
   * @param fingerprint the declared index as it was sent (its createIndexes document): a record
   *     holds only while the declaration is the same
   * @param options the option names the server dropped
   */
  public record Unkept(String index, String fingerprint, List<String> options) {
    public Unkept {
      options = List.copyOf(options);
    }
  }
}
