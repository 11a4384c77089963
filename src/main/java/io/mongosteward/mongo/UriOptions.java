package io.mongosteward.mongo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connection string options the driver knows. The driver only logs a warning for any other
 * option and ignores it, so a typo such as {@code tsl=true} would silently connect without TLS:
 * such a URI is refused instead, and so is a boolean or whole-number option with a value the
 * driver would not read as one. MongoUriTest compares this list with the driver's own, so that a
 * driver upgrade that adds options fails a test rather than refusing valid URIs.
 */
final class UriOptions {
  /** As MongoDB's documentation spells them; the driver compares them case-insensitively. */
  static final List<String> KNOWN = List.of(
      "appName", "authMechanism", "authMechanismProperties", "authSource", "compressors", "connectTimeoutMS",
      "directConnection", "enableOverloadRetargeting", "gssapiServiceName", "heartbeatFrequencyMS", "journal",
      "loadBalanced", "localThresholdMS", "maxAdaptiveRetries", "maxConnecting", "maxIdleTimeMS", "maxLifeTimeMS",
      "maxPoolSize", "maxStalenessSeconds", "minPoolSize", "proxyHost", "proxyPassword", "proxyPort", "proxyUsername",
      "readConcernLevel", "readPreference", "readPreferenceTags", "replicaSet", "retryReads", "retryWrites", "safe",
      "serverMonitoringMode", "serverSelectionTimeoutMS", "socketTimeoutMS", "srvAllowedHostsSuffix", "srvMaxHosts",
      "srvServiceName", "ssl", "sslInvalidHostNameAllowed", "timeoutMS", "tls", "tlsAllowInvalidHostnames",
      "tlsInsecure", "uuidRepresentation", "w", "waitQueueTimeoutMS", "wTimeoutMS", "zlibCompressionLevel");

  /**
   * The options the driver reads with its parseBoolean (ConnectionString in driver 5.14): it takes
   * true, false, yes, no, 1 and 0 in any case, and reads anything else as "not set", with only a
   * warning in the log; so tls=ture would connect without TLS.
   */
  static final List<String> BOOLEAN = List.of("directConnection", "enableOverloadRetargeting", "journal",
      "loadBalanced", "retryReads", "retryWrites", "safe", "ssl", "sslInvalidHostNameAllowed", "tls",
      "tlsAllowInvalidHostnames", "tlsInsecure");
  private static final List<String> BOOLEAN_VALUES = List.of("true", "false", "yes", "no", "1", "0");
  /** The options the driver reads with Integer.parseInt. */
  static final List<String> INTEGER = List.of("connectTimeoutMS", "heartbeatFrequencyMS", "localThresholdMS",
      "maxAdaptiveRetries", "maxConnecting", "maxIdleTimeMS", "maxLifeTimeMS", "maxPoolSize", "maxStalenessSeconds",
      "minPoolSize", "proxyPort", "serverSelectionTimeoutMS", "socketTimeoutMS", "srvMaxHosts", "waitQueueTimeoutMS",
      "wTimeoutMS", "zlibCompressionLevel");
  /** The options the driver reads with Long.parseLong. */
  static final List<String> LONG = List.of("timeoutMS");

  /**
   * The options whose value can hold a secret: authMechanismProperties (an AWS session token),
   * proxyPassword, and tlsCertificateKeyFilePassword (other drivers' option, refused here, but
   * masked wherever it is quoted). Their values are masked like a password.
   */
  static final List<String> SECRET = List.of("authMechanismProperties", "proxyPassword",
      "tlsCertificateKeyFilePassword");
  /** authMechanismProperties that name things rather than hold a secret: their values stay readable. */
  private static final List<String> PUBLIC_PROPERTIES = List.of("SERVICE_NAME", "SERVICE_REALM", "SERVICE_HOST",
      "CANONICALIZE_HOST_NAME", "ENVIRONMENT", "TOKEN_RESOURCE", "ALLOWED_HOSTS");

  /**
   * The literal secrets in the options of a connection string: the value of each option that can
   * hold one, as written and as the driver decodes it, and each authMechanismProperties value
   * but those of {@link #PUBLIC_PROPERTIES} (a driver message may quote a token alone).
   */
  static List<String> secrets(String query) {
    List<String> out = new ArrayList<>();
    for (String pair : query.split("[&;]")) {
      int eq = pair.indexOf('=');
      if (eq < 0 || !isIn(SECRET, pair.substring(0, eq))) {
        continue;
      }
      String raw = pair.substring(eq + 1);
      String decoded = decode(raw);
      for (String value : decoded == null ? List.of(raw) : List.of(raw, decoded)) {
        out.add(value);
        if (pair.substring(0, eq).equalsIgnoreCase("authMechanismProperties")) {
          for (String property : value.split(",")) {
            int colon = property.indexOf(':');
            if (colon >= 0 && !isIn(PUBLIC_PROPERTIES, property.substring(0, colon).trim())) {
              out.add(property.substring(colon + 1));
            }
          }
        }
      }
    }
    return out;
  }

  /** Options other drivers take that the Java driver does not, with what to do instead. */
  private static final Map<String, String> ELSEWHERE = Map.of(
      "tlscafile", "the Java driver reads CA certificates from the JVM trust store (javax.net.ssl.trustStore), "
          + "not from the URI",
      "tlscertificatekeyfile", "the Java driver reads client certificates from the JVM key store "
          + "(javax.net.ssl.keyStore), not from the URI",
      "tlscertificatekeyfilepassword", "the Java driver reads client certificates from the JVM key store "
          + "(javax.net.ssl.keyStore), not from the URI");

  /** What an option name can look like; anything else is not quoted back. */
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private UriOptions() {}

  /**
   * Refuses the first option the driver does not know, or whose value it would not read as its
   * type, naming the option (never its value).
   *
   * @param query what follows the '?' of a connection string
   */
  static void check(String query) {
    for (String pair : query.split("[&;]")) {
      int eq = pair.indexOf('=');
      String name = eq >= 0 ? pair.substring(0, eq) : pair;
      if (name.isEmpty()) {
        continue;
      }
      if (!isKnown(name) && !NAME.matcher(name).matches()) {
        // Not a name any driver has: likely the tail of a password whose '@', '/' or '?' was not
        // percent-encoded, so it is not quoted.
        throw new MongoUri.InvalidMongoUriException("an option name holds characters no option name has (not "
            + "shown: it may be part of a user name or password whose '@', ':', '/' or '?' is not percent-encoded; "
            + "percent-encode them in the user name and password as %40, %3A, %2F, %3F)");
      }
      if (!isKnown(name)) {
        String why = ELSEWHERE.get(name.toLowerCase(Locale.ROOT));
        String hint = why != null ? ": " + why
            : closest(name).map(k -> " (did you mean " + k + "?)").orElse("")
                + ": the driver would ignore it without a word, so remove it or correct its name (names are not "
                + "case-sensitive)";
        throw new MongoUri.InvalidMongoUriException("unknown option '" + name + "'" + hint);
      }
      // Without '=' the driver refuses the pair itself; a value it cannot decode too.
      String value = eq < 0 ? null : decode(pair.substring(eq + 1));
      if (value != null) {
        checkValue(name, value);
      }
    }
  }

  private static void checkValue(String name, String value) {
    if (isIn(BOOLEAN, name) && !BOOLEAN_VALUES.contains(value.trim().toLowerCase(Locale.ROOT))) {
      throw new MongoUri.InvalidMongoUriException("option '" + name + "' must be true or false: the driver would "
          + "ignore any other value without a word, as if the option were not there (a misspelt tls=true would "
          + "connect without TLS)");
    }
    try {
      if (isIn(INTEGER, name)) {
        Integer.parseInt(value);
      } else if (isIn(LONG, name)) {
        Long.parseLong(value);
      }
    } catch (NumberFormatException e) {
      throw new MongoUri.InvalidMongoUriException("option '" + name + "' must be a whole number from "
          + (isIn(LONG, name) ? Long.MIN_VALUE + " to " + Long.MAX_VALUE : Integer.MIN_VALUE + " to " + Integer.MAX_VALUE)
          + ", without a unit or a fraction");
    }
  }

  /** The value as the driver reads it (URLDecoder: '+' is a space), or null where the driver refuses it. */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isIn(List<String> options, String name) {
    return options.stream().anyMatch(k -> k.equalsIgnoreCase(name));
  }

  static boolean isKnown(String name) {
    return isIn(KNOWN, name);
  }

  /** The known options nearest to a mistyped one: at most 2 edits away, 1 for short names. */
  private static Optional<String> closest(String name) {
    String typed = name.toLowerCase(Locale.ROOT);
    int allowed = typed.length() <= 4 ? 1 : 2;
    List<String> best = new ArrayList<>();
    int bestDistance = allowed;
    for (String k : KNOWN) {
      int d = distance(typed, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best.clear();
        bestDistance = d;
      }
      if (d == bestDistance) {
        best.add("'" + k + "'");
      }
    }
    return best.isEmpty() ? Optional.empty() : Optional.of(String.join(" or ", best));
  }

  /** Edit distance where swapping two neighbours counts as one edit, the most common typo. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
