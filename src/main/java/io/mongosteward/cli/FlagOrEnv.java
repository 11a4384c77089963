package io.mongosteward.cli;

import io.mongosteward.health.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * One setting from its flag, else its environment variable, else a default. A bad value fails
 * with a message naming where it came from (the flag, or the variable and its flag) and the fix.
 */
final class FlagOrEnv {
  private final Map<String, String> env;

  FlagOrEnv(Map<String, String> env) {
    this.env = env;
  }

  Duration duration(String flag, String raw, String envName, Duration fallback) {
    Duration d;
    try {
      d = value(flag, raw, envName, Durations::parse, "is not a duration: write e.g. 500ms, 5s or 1m");
    } catch (Durations.TooLongException e) {
      throw new InputException(source(flag, raw, envName) + ": " + e.getMessage() + ".");
    }
    if (d == null) {
      return fallback;
    }
    if (d.isZero() || d.isNegative()) {
      throw new InputException(source(flag, raw, envName) + ": must be longer than zero");
    }
    return d;
  }

  Integer integer(String flag, String raw, String envName, int min) {
    return value(flag, raw, envName, text -> {
      int n = Integer.parseInt(text);
      if (n < min) throw new IllegalArgumentException("below " + min);
      return n;
    }, "is not a whole number of at least " + min);
  }

  int integer(String flag, String raw, String envName, int min, int fallback) {
    Integer n = integer(flag, raw, envName, min);
    return n == null ? fallback : n;
  }

  int port(String flag, String raw, String envName, int fallback) {
    Integer p = value(flag, raw, envName, text -> {
      int n = Integer.parseInt(text);
      if (n < 0 || n > 65535) throw new IllegalArgumentException("out of range");
      return n;
    }, "is not a port: use a number from 1 to 65535 (0 picks a free one)");
    return p == null ? fallback : p;
  }

  boolean bool(String flag, String raw, String envName, boolean fallback) {
    Boolean b = value(flag, raw, envName, text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    }, "is not true or false");
    return b == null ? fallback : b;
  }

  String text(String raw, String envName, String fallback) {
    String text = raw != null ? raw : env.get(envName);
    return text == null || text.isBlank() ? fallback : text.strip();
  }

  <T> T value(String flag, String raw, String envName, Function<String, T> parse, String problem) {
    String text = raw != null ? raw : env.get(envName);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return parse.apply(text.strip());
    } catch (Durations.TooLongException e) {
      throw e; // its own message says more than "not a duration"
    } catch (IllegalArgumentException e) {
      throw new InputException(source(flag, raw, envName) + ": '" + text.strip() + "' " + problem + ".");
    }
  }

  private static String source(String flag, String raw, String envName) {
    return raw != null ? flag : envName + " (or " + flag + ")";
  }
}
