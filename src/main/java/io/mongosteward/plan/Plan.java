package io.mongosteward.plan;

import java.util.List;

/** The ordered items that bring a database to its spec. */
public record Plan(List<Action> actions) {
  public Plan {
    actions = List.copyOf(actions);
  }

  public List<Action> changes() {
    return actions.stream().filter(a -> a.type().isChange()).toList();
  }

  public List<Action> reports() {
    return actions.stream().filter(a -> a.type().isReport()).toList();
  }

  /** Whether a declared index waits for a hidden one's drop: it is not there yet, though nothing is to do now. */
  public boolean waitsForDrop() {
    return actions.stream().anyMatch(a -> a.type() == ActionType.WaitsForDrop);
  }

  public boolean hasChanges() {
    return actions.stream().anyMatch(a -> a.type().isChange());
  }
}
