package io.mongosteward.health;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them in flags ("500ms", "5s", "1.5m", "PT5S") and as logs show them. */
public final class Durations {
  private static final Pattern HUMAN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
  /**
   * The longest duration accepted: far beyond any sensible setting, and short enough that the sums
   * and multiples the callers make (three intervals, interval + timeout) still fit in nanoseconds.
   */
  public static final Duration MAX = Duration.ofHours(8760);
  private static final String MAX_TEXT = "8760h (365 days)";

  /** A duration over {@link #MAX}. */
  public static final class TooLongException extends IllegalArgumentException {
    TooLongException(String text) {
      super("'" + text + "' is too long: at most " + MAX_TEXT);
    }
  }

  private Durations() {}

  /**
   * @throws TooLongException over {@link #MAX}
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Duration d = null;
    Matcher m = HUMAN.matcher(t);
    if (m.matches()) {
      BigDecimal seconds = new BigDecimal(m.group(1)).multiply(switch (m.group(2)) {
        case "ms" -> new BigDecimal("0.001");
        case "s" -> BigDecimal.ONE;
        case "m" -> BigDecimal.valueOf(60);
        default -> BigDecimal.valueOf(3600);
      });
      // Compared before converting: a long would wrap around silently.
      if (seconds.compareTo(BigDecimal.valueOf(MAX.getSeconds())) > 0) {
        throw new TooLongException(text.strip());
      }
      d = Duration.ofNanos(seconds.movePointRight(9).longValue());
    } else if (t.startsWith("pt")) {
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        // Its pattern admits only digits, so a number it cannot read is one too long for a long.
        if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
          throw new TooLongException(text.strip());
        }
      }
    }
    if (d == null) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 5s, 1.5m or 1h");
    }
    if (d.compareTo(MAX) > 0) {
      throw new TooLongException(text.strip());
    }
    return d;
  }

  /** Short and exact enough for a person: "0.42ms", "12ms", "1.5s", "5s", "2m", "90s". */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 10_000_000L) {
      return trim(BigDecimal.valueOf(nanos, 6).setScale(2, java.math.RoundingMode.HALF_UP)) + "ms";
    }
    if (nanos < 1_000_000_000L) {
      return d.toMillis() + "ms";
    }
    if (nanos % 60_000_000_000L == 0) {
      return (nanos / 60_000_000_000L) + "m";
    }
    return trim(BigDecimal.valueOf(d.toMillis(), 3)) + "s";
  }

  /** Milliseconds with three decimals, as a JSON number. */
  public static double millis(Duration d) {
    return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
  }

  private static String trim(BigDecimal b) {
    return b.stripTrailingZeros().toPlainString();
  }
}
