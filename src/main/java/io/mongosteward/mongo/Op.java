package io.mongosteward.mongo;

import io.mongosteward.plan.Quoting;

/**
 * One MongoDB operation, as logs and errors name it: the command and what it works on.
 *
 * @param command the server command (listIndexes, createIndexes, find, ...): it decides the
 *     privilege a refusal names
 * @param target the collection, index or counter, or "" when none
 */
public record Op(String command, String target) {
  public static Op of(String command, String target) {
    return new Op(command, target);
  }

  @Override
  public String toString() {
    return target.isEmpty() ? command : command + " " + Quoting.name(target);
  }
}
