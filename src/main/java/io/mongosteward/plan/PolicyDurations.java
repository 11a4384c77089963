package io.mongosteward.plan;

import io.mongosteward.api.v1alpha1.PolicySpec;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The durations of spec.policy (hiddenFor, reportUnusedAfter): a whole number with s, m, h or d. */
public final class PolicyDurations {
  private static final Pattern FORM = Pattern.compile(PolicySpec.DURATION);

  private PolicyDurations() {}

  /** Whether {@code text} is such a duration (the CRD's CEL rule, checked again for the CLI). */
  public static boolean valid(String text) {
    return text != null && FORM.matcher(text).matches();
  }

  /** @throws IllegalArgumentException naming the accepted form */
  public static Duration parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 30m, 24h or 7d");
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (m.group(1)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** policy.hiddenFor, or its default (24h). */
  public static Duration hiddenFor(PolicySpec policy) {
    return parse(policy.getHiddenFor() == null ? PolicySpec.DEFAULT_HIDDEN_FOR : policy.getHiddenFor());
  }

  /** "24h" as written, or the default. */
  public static String hiddenForText(PolicySpec policy) {
    return policy.getHiddenFor() == null ? PolicySpec.DEFAULT_HIDDEN_FOR : policy.getHiddenFor();
  }
}
