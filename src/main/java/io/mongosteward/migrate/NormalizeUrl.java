package io.mongosteward.migrate;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one definition of the {@code NormalizeUrl} transform: the same link written in different
 * ways gives the same text, so that a unique index on the result treats them as one.
 *
 * <ol>
 *   <li>Trim white space at both ends (what JavaScript's {@code trim()} removes).</li>
 *   <li>Strip the scheme and its {@code ://}, in any letter case ({@code HTTPS://}, {@code http://},
 *       {@code tg://}), or a leading {@code //}.</li>
 *   <li>Lowercase the host (not the user name before an {@code @}).</li>
 *   <li>Drop the port when it is 80 or 443 (or empty, as in {@code host:/}).</li>
 *   <li>Drop the fragment (from {@code #} on).</li>
 *   <li>Drop one trailing slash of the path ({@code t.me/durov/} and {@code t.me/} lose it; {@code ?} and
 *       what follows stay).</li>
 *   <li>Keep the path's letter case and the query as they are.</li>
 * </ol>
 *
 * <p>Input that is not a URL comes back exactly as it was, untrimmed: text with white space inside,
 * an empty string, an e-mail address, {@code mailto:...}, a word without a dot. Without a scheme, the
 * part before the first {@code /}, {@code ?} or {@code #} must look like a host: labels of letters,
 * digits, {@code -} and {@code _} with at least one dot (or {@code localhost}, or {@code [IPv6]}),
 * optionally followed by {@code :digits}; with a scheme, any such host, dot or not.
 *
 * <p>{@code https://T.me/Durov/42/#c} and {@code t.me/Durov/42} both give {@code t.me/Durov/42}.
 * Telegram's links are case-insensitive in the channel name, so the example bot applies
 * {@code [NormalizeUrl, Lowercase]} and stores {@code t.me/durov/42}.
 *
 * <p>An application computes the same value on new writes with the function in docs/migrations.md
 * (JavaScript and Java, checked against this class's table by NormalizeUrlTest); a JVM application
 * can also call {@link #apply} itself.
 */
public final class NormalizeUrl {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
  private static final Pattern HOST = Pattern.compile("^[\\p{L}\\p{N}_-]+(\\.[\\p{L}\\p{N}_-]+)*\\.?$");

  private NormalizeUrl() {}

  /** The normalized link, or {@code input} unchanged when it is not a URL; null stays null. */
  public static String apply(String input) {
    if (input == null) return null;
    String s = trim(input);
    if (s.isEmpty() || s.chars().anyMatch(NormalizeUrl::space)) return input;
    int start;
    boolean scheme;
    var m = SCHEME.matcher(s);
    if (m.lookingAt()) {
      start = m.end();
      scheme = true;
    } else if (s.startsWith("//")) {
      start = 2;
      scheme = true;
    } else {
      start = 0;
      scheme = false;
    }
    int end = start;
    while (end < s.length() && "/?#".indexOf(s.charAt(end)) < 0) end++;
    String authority = s.substring(start, end);
    String rest = s.substring(end);

    int at = authority.lastIndexOf('@');
    if (at >= 0 && !scheme) return input; // user@host without a scheme is an e-mail address
    String userInfo = authority.substring(0, at + 1);
    String hostPort = authority.substring(at + 1);
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) return input;
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (after.isEmpty()) {
        port = null;
      } else if (after.startsWith(":")) {
        port = after.substring(1);
      } else {
        return input;
      }
    } else {
      int colon = hostPort.indexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? null : hostPort.substring(colon + 1);
      if (!HOST.matcher(host).matches() || !scheme && !host.contains(".")
          && !host.toLowerCase(Locale.ROOT).equals("localhost")) {
        return input;
      }
    }
    if (port != null && !port.chars().allMatch(c -> c >= '0' && c <= '9')) return input;

    int hash = rest.indexOf('#');
    if (hash >= 0) rest = rest.substring(0, hash);
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? "" : rest.substring(q);
    if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    boolean dropPort = port == null || port.isEmpty() || port.equals("80") || port.equals("443");
    return userInfo + host.toLowerCase(Locale.ROOT) + (dropPort ? "" : ":" + port) + path + query;
  }

  /** White space as JavaScript's {@code trim()} and {@code \s} see it, so that both definitions agree. */
  static boolean space(int c) {
    return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == 0xFEFF || Character.isSpaceChar(c);
  }

  static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && space(s.charAt(from))) from++;
    while (to > from && space(s.charAt(to - 1))) to--;
    return s.substring(from, to);
  }
}
