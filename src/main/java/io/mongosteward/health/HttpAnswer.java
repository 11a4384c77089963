package io.mongosteward.health;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP answer, built whole in memory: the endpoints' answers are small and made in microseconds.
 *
 * @param allow the {@code Allow} header of a 405, or null
 */
record HttpAnswer(int status, String contentType, byte[] body, String allow) {

  static HttpAnswer text(int status, String contentType, String body) {
    return new HttpAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8), null);
  }

  HttpAnswer withAllow(String methods) {
    return new HttpAnswer(status, contentType, body, methods);
  }

  /**
   * The bytes on the wire. A HEAD answer has the GET answer's headers, Content-Length included, and
   * no body; {@code close} says the connection ends after it; an HTTP/1.0 client that asked to keep
   * it is told it is kept.
   */
  byte[] serialize(boolean head, boolean close, boolean http10) {
    StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
        .append("\r\nContent-Type: ").append(contentType)
        .append("\r\nCache-Control: no-store\r\nContent-Length: ").append(body.length).append("\r\n");
    if (allow != null) {
      h.append("Allow: ").append(allow).append("\r\n");
    }
    if (close) {
      h.append("Connection: close\r\n");
    } else if (http10) {
      h.append("Connection: keep-alive\r\n");
    }
    h.append("\r\n");
    byte[] headers = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (head || body.length == 0) {
      return headers;
    }
    byte[] whole = Arrays.copyOf(headers, headers.length + body.length);
    System.arraycopy(body, 0, whole, headers.length, body.length);
    return whole;
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
