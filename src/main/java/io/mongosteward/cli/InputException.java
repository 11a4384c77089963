package io.mongosteward.cli;

/**
 * Bad user input: printed as is, exit code 1, nothing changed. The file and the field path, when
 * known, are kept apart too, for the JSON output of scripts.
 */
public final class InputException extends RuntimeException {
  private final String file;
  private final String field;

  public InputException(String message) {
    this(message, null, null);
  }

  public InputException(String message, String file, String field) {
    super(message);
    this.file = file;
    this.field = field;
  }

  /** The file at fault, or null. */
  public String file() {
    return file;
  }

  /** The field path at fault, as in spec.collections[0].name, or null. */
  public String field() {
    return field;
  }
}
