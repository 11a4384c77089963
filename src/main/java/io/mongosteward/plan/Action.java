package io.mongosteward.plan;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** One item of a plan: a change to make, or something to report. */
public sealed interface Action {
  ActionType type();

  /** The collection the item is about (for a counter, the counters collection). */
  String collection();

  /** The index or counter name. */
  String name();

  /** A one-line human description, free of document contents and credentials. */
  String detail();

  /** "collection.name" (or the collection alone), each quoted when it holds odd characters. */
  default String subject() {
    return name().isEmpty() ? Quoting.name(collection()) : Quoting.name(collection()) + "." + Quoting.name(name());
  }

  record CreateIndex(String collection, IndexDefinition index) implements Action {
    public ActionType type() { return ActionType.CreateIndex; }
    public String name() { return index.name(); }
    public String detail() { return "create " + describe(index); }
  }

  /** Changes TTL and/or hidden in place with collMod. */
  record ModifyIndex(String collection, IndexDefinition index, List<IndexDefinition.Difference> changes)
      implements Action {
    public ActionType type() { return ActionType.ModifyIndex; }
    public String name() { return index.name(); }
    public String detail() { return "collMod " + join(changes); }
  }

  /**
   * @param afterCreates dropped only once the collection's new indexes exist (and kept when one of
   *     them fails), so a replacement is in place before the old index goes; false when the old
   *     index must go first to free its key pattern
   */
  record DropIndex(String collection, String name, String reason, boolean afterCreates) implements Action {
    public DropIndex(String collection, String name, String reason) {
      this(collection, name, reason, false);
    }

    public ActionType type() { return ActionType.DropIndex; }
    public String detail() { return "drop: " + reason; }
  }

  /**
   * @param uniquenessGap the old or the new index is unique, so uniqueness is not enforced while
   *     it rebuilds: MongoDB cannot rename an index, and the same name cannot exist twice
   */
  record RecreateIndex(String collection, IndexDefinition index, List<IndexDefinition.Difference> differences,
      boolean uniquenessGap) implements Action {
    public ActionType type() { return ActionType.RecreateIndex; }
    public String name() { return index.name(); }
    public String detail() {
      return "drop and rebuild (policy Recreate): " + join(differences)
          + (uniquenessGap ? "; uniqueness is NOT enforced while it rebuilds" : "");
    }
  }

  /**
   * Hide an index with collMod (policy.dropStrategy HideFirst), and record when in the metadata
   * collection, so that it is dropped on the first pass after {@code dropAfter}.
   *
   * @param alreadyHidden hidden before this schema meant to drop it (by hand, or by a person's
   *     unhide-then-hide): no collMod, only the record, so the wait starts now
   * @param at the time recorded: the planner's clock
   * @param purpose what follows the wait: "dropped: ..." or "rebuilt: ..."
   */
  record HideIndex(String collection, String name, boolean alreadyHidden, Instant at, Instant dropAfter,
      String purpose) implements Action {
    public ActionType type() { return ActionType.HideIndex; }
    public String detail() {
      return (alreadyHidden ? "already hidden: the wait starts now" : "hide (collMod hidden: true)") + "; "
          + purpose + " after " + dropAfter + " (policy.dropStrategy HideFirst)";
    }
  }

  /** Unhide an index this schema hid before a drop that is no longer wanted: declared again, no rebuild. */
  record UnhideIndex(String collection, String name, String reason) implements Action {
    public ActionType type() { return ActionType.UnhideIndex; }
    public String detail() { return "unhide (collMod hidden: false): " + reason + "; no rebuild"; }
  }

  /** Forget the recorded hidden-at time of an index that is gone, or that is no longer to be dropped. */
  record ForgetHidden(String collection, String name, String reason) implements Action {
    public ActionType type() { return ActionType.ForgetHidden; }
    public String detail() { return "forget its hidden-at record: " + reason; }
  }

  /**
   * An index hidden by this schema, waiting for {@code dropAfter}: nothing to do this pass.
   *
   * @param purpose what happens then: "dropped: ..." or "rebuilt: ..."
   */
  record DropScheduled(String collection, String name, Instant hiddenAt, Instant dropAfter, String purpose)
      implements Action {
    public ActionType type() { return ActionType.DropScheduled; }
    public String detail() {
      return "hidden since " + hiddenAt + "; " + purpose + " after " + dropAfter + "; declare it again to unhide it";
    }
  }

  /**
   * Raise a counter to at least {@code target}; {@code current} is null when the counter
   * document does not exist yet. Applied with $max, so a concurrent $inc is never undone.
   */
  record SeedCounter(String collection, String name, Long current, long target, String source) implements Action {
    public ActionType type() { return ActionType.SeedCounter; }
    public String detail() {
      String from = current == null ? "missing" : String.valueOf(current);
      return "seq " + from + " -> " + target + (source == null ? "" : " (max of " + source + ")");
    }
  }

  /**
   * Record {@code owner} as the manager of a collection (name empty) or a counter, in the
   * metadata collection: claimed before anything in it changes, refused when another holds it.
   */
  record Claim(String collection, String name, String recordId, Owner owner) implements Action {
    public ActionType type() { return ActionType.Claim; }
    public String detail() { return "record " + owner + " as the manager"; }
  }

  /** Forget a record this schema holds for a collection or counter it no longer declares. */
  record Release(String collection, String name, String recordId) implements Action {
    public ActionType type() { return ActionType.Release; }
    public String detail() { return "no longer declared: release it for other schemas"; }
  }

  /** Something that changes nothing but must be seen: a conflict, an unmanaged index, ... */
  record Reported(ActionType type, String collection, String name, String detail) implements Action {}

  static String describe(IndexDefinition index) {
    StringBuilder sb = new StringBuilder("{");
    sb.append(index.keys().stream().map(k -> Quoting.name(k.field()) + ": " + k.kind()).collect(Collectors.joining(", ")));
    sb.append("}");
    index.createOptions().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  private static String join(List<IndexDefinition.Difference> diffs) {
    return diffs.stream().map(Object::toString).collect(Collectors.joining(", "));
  }
}
