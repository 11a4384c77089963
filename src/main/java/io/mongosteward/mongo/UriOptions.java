package io.mongosteward.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The connection string options the driver knows. The driver only logs a warning for any other
 * option and ignores it, so a typo such as {@code tsl=true} would silently connect without TLS:
 * such a URI is refused instead. MongoUriTest compares this list with the driver's own, so that a
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

  /** Options other drivers take that the Java driver does not, with what to do instead. */
  private static final Map<String, String> ELSEWHERE = Map.of(
      "tlscafile", "the Java driver reads CA certificates from the JVM trust store (javax.net.ssl.trustStore), "
          + "not from the URI",
      "tlscertificatekeyfile", "the Java driver reads client certificates from the JVM key store "
          + "(javax.net.ssl.keyStore), not from the URI",
      "tlscertificatekeyfilepassword", "the Java driver reads client certificates from the JVM key store "
          + "(javax.net.ssl.keyStore), not from the URI");

  private UriOptions() {}

  /**
   * Refuses the first option the driver does not know, naming it (never its value).
   *
   * @param query what follows the '?' of a connection string the driver accepted
   */
  static void checkKnown(String query) {
    for (String pair : query.split("[&;]")) {
      String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (name.isEmpty() || isKnown(name)) {
        continue;
      }
      String why = ELSEWHERE.get(name.toLowerCase(Locale.ROOT));
      String hint = why != null ? ": " + why
          : closest(name).map(k -> " (did you mean " + k + "?)").orElse("")
              + ": the driver would ignore it without a word, so remove it or correct its name (names are not "
              + "case-sensitive)";
      throw new MongoUri.InvalidMongoUriException("unknown option '" + name + "'" + hint);
    }
  }

  static boolean isKnown(String name) {
    return KNOWN.stream().anyMatch(k -> k.equalsIgnoreCase(name));
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
