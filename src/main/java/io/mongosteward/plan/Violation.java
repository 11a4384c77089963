package io.mongosteward.plan;

/** One problem in a spec: the field path, as in {@code spec.collections[0].indexes[1].keys}, and what is wrong. */
public record Violation(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
