package io.mongosteward.plan;

/**
 * Names as they appear in logs, Events and output. A name read from a server (an unmanaged
 * index, say) may hold a line break or a quote; printed raw it could forge a log line, so such a
 * name is quoted with escapes. Plain names print as they are.
 */
public final class Quoting {
  private Quoting() {}

  public static String name(String name) {
    if (name == null) {
      return "null";
    }
    if (!name.isEmpty() && name.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\\' || unprintable(c))) {
      return name;
    }
    StringBuilder sb = new StringBuilder("\"");
    name.chars().forEach(c -> {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(unprintable(c) ? String.format("\\u%04x", c) : String.valueOf((char) c));
      }
    });
    return sb.append('"').toString();
  }

  /** Control characters, line and paragraph separators, and invisible format characters. */
  private static boolean unprintable(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT;
  }
}
