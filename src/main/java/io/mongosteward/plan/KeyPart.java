package io.mongosteward.plan;

/**
 * One index key, normalized: {@code kind} is "1", "-1", or a special type ("text", "hashed",
 * "2dsphere", "2d"). Servers return 1, 1.0 or NumberLong(1) for the same key; all become "1".
 */
public record KeyPart(String field, String kind) {
  /** The value to put in a createIndexes key document. */
  public Object mongoValue() {
    return switch (kind) {
      case "1" -> 1;
      case "-1" -> -1;
      default -> kind;
    };
  }

  @Override
  public String toString() {
    return field + ":" + kind;
  }
}
