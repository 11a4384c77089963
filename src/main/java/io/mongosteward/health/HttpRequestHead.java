package io.mongosteward.health;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The head of one HTTP/1.x request (RFC 9112), as far as the health endpoints need it: the method,
 * the target's path and query, and whether the connection may serve another request after this
 * one. Parsing is pure: {@link #parse} reads bytes a connection has buffered and says whether they
 * hold a whole head, need more, or can never make a valid one.
 *
 * @param method the method token, as sent (methods are case-sensitive)
 * @param path the target's path: origin form as sent, or an absolute form's path; not decoded
 * @param query what follows the first {@code ?}, or empty
 * @param keepAlive whether the client lets the connection serve another request: HTTP/1.1 unless it
 *     says {@code Connection: close}, HTTP/1.0 only when it says {@code Connection: keep-alive}
 * @param http10 an HTTP/1.0 request, whose kept-alive answer must say so
 * @param hasBody a {@code Content-Length} above 0 or a {@code Transfer-Encoding}: the endpoints read no
 *     body, so its connection is closed after the answer rather than its body parsed as a request
 */
record HttpRequestHead(String method, String path, String query, boolean keepAlive, boolean http10,
    boolean hasBody) {

  /** What {@link #parse} made of the buffered bytes. */
  sealed interface Parse permits Complete, NeedMore, Refused {}

  /** A whole head, {@code length} bytes long; what follows it is the next request's. */
  record Complete(HttpRequestHead head, int length) implements Parse {}

  /** No whole head yet, and nothing wrong so far. */
  record NeedMore() implements Parse {}

  /** Never a valid request: too long or malformed. The connection is answered 400 and closed. */
  record Refused(String reason) implements Parse {}

  private static final NeedMore NEED_MORE = new NeedMore();

  /**
   * Parses {@code buf[0..len)}.
   *
   * @param maxLine the longest request line
   * @param maxHeaders the most bytes of header lines
   */
  static Parse parse(byte[] buf, int len, int maxLine, int maxHeaders) {
    int start = 0;
    // A server should ignore empty lines before the request line (RFC 9112, section 2.2).
    while (start < len && (buf[start] == '\r' || buf[start] == '\n')) {
      start++;
    }
    int lineEnd = indexOf(buf, start, len, '\n');
    // The limits count a line's content, not its CR LF.
    if (lineEnd < 0) {
      return len - start > maxLine + 1 ? new Refused("request line longer than " + maxLine + " bytes") : NEED_MORE;
    }
    int lineContentEnd = trimCr(buf, start, lineEnd);
    if (lineContentEnd - start > maxLine) {
      return new Refused("request line longer than " + maxLine + " bytes");
    }
    String line = ascii(buf, start, lineContentEnd);
    boolean keepAliveToken = false;
    boolean closeToken = false;
    boolean hasBody = false;
    int at = lineEnd + 1;
    while (true) {
      int end = indexOf(buf, at, len, '\n');
      if (end < 0) {
        return len - (lineEnd + 1) > maxHeaders
            ? new Refused("headers longer than " + maxHeaders + " bytes") : NEED_MORE;
      }
      if (end + 1 - (lineEnd + 1) > maxHeaders) {
        return new Refused("headers longer than " + maxHeaders + " bytes");
      }
      int contentEnd = trimCr(buf, at, end);
      if (contentEnd == at) {
        at = end + 1;
        break; // the blank line that ends the head
      }
      String header = ascii(buf, at, contentEnd);
      int colon = header.indexOf(':');
      // No whitespace between a field name and its colon (RFC 9112, section 5.1), and no folded lines.
      if (colon <= 0 || header.charAt(colon - 1) == ' ' || header.charAt(colon - 1) == '\t'
          || header.charAt(0) == ' ' || header.charAt(0) == '\t') {
        return new Refused("malformed header line");
      }
      String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).strip();
      switch (name) {
        case "connection" -> {
          for (String token : value.split(",")) {
            String t = token.strip().toLowerCase(Locale.ROOT);
            closeToken |= t.equals("close");
            keepAliveToken |= t.equals("keep-alive");
          }
        }
        case "content-length" -> {
          if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Refused("malformed Content-Length");
          }
          hasBody |= Long.parseLong(value) > 0;
        }
        case "transfer-encoding" -> hasBody = true;
        default -> { }
      }
      at = end + 1;
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !isToken(parts[0])) {
      return new Refused("malformed request line");
    }
    boolean http10;
    switch (parts[2]) {
      case "HTTP/1.1" -> http10 = false;
      case "HTTP/1.0" -> http10 = true;
      default -> {
        return new Refused("unsupported version " + parts[2]);
      }
    }
    String target = parts[1];
    int scheme = target.indexOf("://");
    if (scheme > 0 && target.charAt(0) != '/') {
      // The absolute form, which proxies send: only its path and query matter here.
      int slash = target.indexOf('/', scheme + 3);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    boolean keepAlive = !closeToken && (!http10 || keepAliveToken);
    return new Complete(new HttpRequestHead(parts[0], path, query, keepAlive, http10, hasBody), at);
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] buf, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (buf[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The end of a line's content: before its {@code \r\n}, or its bare {@code \n}. */
  private static int trimCr(byte[] buf, int from, int newline) {
    return newline > from && buf[newline - 1] == '\r' ? newline - 1 : newline;
  }

  /** Header bytes outside ASCII are kept as Latin-1 characters, as HTTP defines them. */
  private static String ascii(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
