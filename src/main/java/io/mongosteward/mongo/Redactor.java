package io.mongosteward.mongo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes credentials from any text that may leave the process (logs, status, Events, metrics,
 * exception messages): the userinfo of every mongodb:// URI, the value of every option that can
 * hold a secret ({@link UriOptions#SECRET}), and the literal known secrets.
 */
public final class Redactor {
  private static final Pattern URI_USERINFO =
      Pattern.compile("(mongodb(?:\\+srv)?://)([^/@\\s]*)@", Pattern.CASE_INSENSITIVE);
  /** The value of a connection string option that can hold a secret, such as an AWS session token. */
  private static final Pattern SECRET_OPTION = Pattern.compile("([?&;](?:" + String.join("|", UriOptions.SECRET)
      + ")=)([^&;#\\s\"'<>]+)", Pattern.CASE_INSENSITIVE);
  public static final String MASK = "***";

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  public static Redactor none() {
    return new Redactor(List.of());
  }

  /** A redactor that also masks these literal secrets, raw and URL-decoded. */
  public static Redactor of(String... secrets) {
    List<String> all = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && s.length() >= 3) {
        all.add(s);
        String decoded = decodeLeniently(s);
        if (!decoded.equals(s)) {
          all.add(decoded);
        }
      }
    }
    // The longest first, so that a secret holding another is masked whole.
    all.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return new Redactor(List.copyOf(all));
  }

  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = URI_USERINFO.matcher(text).replaceAll(m -> {
      String userinfo = m.group(2);
      int colon = userinfo.indexOf(':');
      String user = colon < 0 ? userinfo : userinfo.substring(0, colon);
      return java.util.regex.Matcher.quoteReplacement(m.group(1) + user + ":" + MASK + "@");
    });
    out = SECRET_OPTION.matcher(out).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + MASK));
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    return out;
  }

  /**
   * Percent-decodes what is well formed and keeps the rest as written. URLDecoder throws on a raw
   * '%' and quotes the characters after it, which here would be part of a password. '+' stays a
   * '+', as in the driver's reading of the user-info.
   */
  public static String decodeLeniently(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  /** Scrubs with the URI pattern alone, for text with no known secret at hand. */
  public static String scrubUris(String text) {
    return none().scrub(text);
  }
}
