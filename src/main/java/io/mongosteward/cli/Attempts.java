package io.mongosteward.cli;

import picocli.CommandLine.Option;

/** --attempts of plan and apply, checked where the user typed it, before any schema is read. */
final class Attempts {
  @Option(names = "--attempts", defaultValue = "5", paramLabel = "N",
      description = "Attempts for each MongoDB operation on transient errors, with exponential backoff (default 5).")
  int attempts;

  /** @throws InputException naming the flag, when below 1 */
  int checked() {
    if (attempts < 1) {
      throw new InputException("--attempts " + attempts + ": must be at least 1 (1 tries each MongoDB operation "
          + "once, without retrying)");
    }
    return attempts;
  }
}
