package io.mongosteward.cli;

/** Bad user input: printed as is, exit code 1, nothing changed. */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }
}
