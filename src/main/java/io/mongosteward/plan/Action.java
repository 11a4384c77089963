package io.mongosteward.plan;

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

  record DropIndex(String collection, String name, String reason) implements Action {
    public ActionType type() { return ActionType.DropIndex; }
    public String detail() { return "drop: " + reason; }
  }

  record RecreateIndex(String collection, IndexDefinition index, List<IndexDefinition.Difference> differences)
      implements Action {
    public ActionType type() { return ActionType.RecreateIndex; }
    public String name() { return index.name(); }
    public String detail() { return "drop and rebuild (policy Recreate): " + join(differences); }
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

  /** Something that changes nothing but must be seen: a conflict, an unmanaged index, ... */
  record Reported(ActionType type, String collection, String name, String detail) implements Action {}

  static String describe(IndexDefinition index) {
    StringBuilder sb = new StringBuilder("{");
    sb.append(index.keys().stream().map(k -> k.field() + ": " + k.kind()).collect(Collectors.joining(", ")));
    sb.append("}");
    index.createOptions().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }

  private static String join(List<IndexDefinition.Difference> diffs) {
    return diffs.stream().map(Object::toString).collect(Collectors.joining(", "));
  }
}
