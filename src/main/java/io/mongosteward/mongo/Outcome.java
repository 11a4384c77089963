package io.mongosteward.mongo;

import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import java.time.Duration;

/**
 * What happened to one planned change.
 *
 * @param result the action's own type when it was applied; BlockedByDuplicates, Unsupported or
 *     Failed when the server refused it
 * @param applied true when MongoDB now holds the change
 */
public record Outcome(Action action, ActionType result, boolean applied, String message, Duration took) {
  public static Outcome applied(Action action, String message, Duration took) {
    return new Outcome(action, action.type(), true, message, took);
  }

  public static Outcome refused(Action action, ActionType result, String message, Duration took) {
    return new Outcome(action, result, false, message, took);
  }
}
