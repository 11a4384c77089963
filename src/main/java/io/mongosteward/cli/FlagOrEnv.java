package io.mongosteward.cli;

import io.mongosteward.health.Durations;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

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
      d = value(flag, raw, envName, Durations::parse, "is not a duration: write e.g. 500ms, 5s or 1m", "10m");
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
    }, "is not a whole number of at least " + min, String.valueOf(Math.max(min, 5)));
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
    }, "is not a port: use a number from 1 to 65535 (0 picks a free one)", "8080");
    return p == null ? fallback : p;
  }

  boolean bool(String flag, String raw, String envName, boolean fallback) {
    Boolean b = value(flag, raw, envName, text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    }, "is not true or false", "true");
    return b == null ? fallback : b;
  }

  /** Free text, checked by {@code valid}; {@code problem} says what it must be. */
  String text(String flag, String raw, String envName, String fallback, Predicate<String> valid, String problem,
      String example) {
    String text = value(flag, raw, envName, t -> {
      if (!valid.test(t)) throw new IllegalArgumentException(problem);
      return t;
    }, problem, example);
    return text == null ? fallback : text;
  }

  /**
   * A comma-separated list whose items {@code valid} accepts. Unlike a single value, it may be
   * empty: none is a meaning of its own.
   */
  Set<String> list(String flag, String raw, String envName, Predicate<String> valid, String problem) {
    String text = raw != null ? raw : env.get(envName);
    Set<String> items = new LinkedHashSet<>();
    for (String item : text == null ? new String[0] : text.split(",")) {
      String t = item.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (!valid.test(t)) {
        throw new InputException(source(flag, raw, envName) + ": '" + t + "' " + problem + ".");
      }
      items.add(t);
    }
    return items;
  }

  /**
   * A value, or null when neither the flag nor the variable is there. Set but empty is an error: a
   * templated {@code --resync=} or {@code MONGOSTEWARD_RESYNC=""} most likely lost its value, and
   * the default would hide that.
   */
  <T> T value(String flag, String raw, String envName, Function<String, T> parse, String problem, String example) {
    String text = raw != null ? raw : env.get(envName);
    if (text == null) {
      return null;
    }
    if (text.isBlank()) {
      throw new InputException(source(flag, raw, envName) + ": is empty: give a value, e.g. " + example + ", or "
          + (raw != null ? "leave the flag out" : "unset it") + " for the default.");
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
