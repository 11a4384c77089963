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

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = HUMAN.matcher(t);
    if (m.matches()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      long nanosPerUnit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
    }
    if (t.startsWith("pt")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 5s, 1.5m or 1h");
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
