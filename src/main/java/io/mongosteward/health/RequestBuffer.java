package io.mongosteward.health;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes a connection has read of its next request head, at most one head's worth. It runs the
 * parser only when the bytes may hold a whole head or are already too long, finding the head's end
 * by scanning each byte once: a client sending a head one line per packet costs a scan of the head,
 * not a parse of it per packet. Empty lines before a request are dropped as they arrive (RFC 9112,
 * section 2.2), so they neither fill the buffer nor count as a request begun.
 */
final class RequestBuffer {
  private static final byte[] NONE = new byte[0];
  private final int maxLine;
  private final int maxHeaders;
  private final int capacity;
  private byte[] bytes = NONE;
  private int length;
  /** Bytes already scanned for the head's end, none of which ends it. */
  private int scanned;
  private boolean sawNewline;
  /** Times the parser ran: a test's window on the scanning. */
  int parses;

  RequestBuffer(int maxLine, int maxHeaders) {
    this.maxLine = maxLine;
    this.maxHeaders = maxHeaders;
    this.capacity = maxLine + maxHeaders + 4; // one head at the limits, with its line ends
  }

  /** Bytes it can take before it must be parsed or refused. */
  int room() {
    return capacity - length;
  }

  boolean isEmpty() {
    return length == 0;
  }

  /** Takes what {@code src} holds (at most {@link #room()}), dropping empty lines before a request. */
  void append(ByteBuffer src) {
    if (length == 0) {
      while (src.hasRemaining() && (src.get(src.position()) == '\r' || src.get(src.position()) == '\n')) {
        src.get();
      }
    }
    int n = src.remaining();
    if (n == 0) {
      return;
    }
    if (bytes.length < length + n) {
      // Doubled, so that a head sent a byte per packet is not copied whole at each byte.
      bytes = Arrays.copyOf(bytes, Math.min(capacity, Math.max(Math.max(256, 2 * bytes.length), length + n)));
    }
    src.get(bytes, length, n);
    length += n;
  }

  /** The first request head if whole (and drops it), a refusal, or {@link HttpRequestHead.NeedMore}. */
  HttpRequestHead.Parse next() {
    if (!mayBeWhole()) {
      return new HttpRequestHead.NeedMore();
    }
    parses++;
    HttpRequestHead.Parse parse = HttpRequestHead.parse(bytes, length, maxLine, maxHeaders);
    if (parse instanceof HttpRequestHead.Complete complete) {
      drop(complete.length());
    } else if (parse instanceof HttpRequestHead.Refused || length >= capacity) {
      clear();
      return parse instanceof HttpRequestHead.Refused ? parse
          : new HttpRequestHead.Refused("longer than " + capacity + " bytes");
    }
    return parse;
  }

  /**
   * Whether the parser could say more than "need more": a blank line ends the head, or the bytes
   * passed a limit. Scans only what arrived since the last call.
   */
  private boolean mayBeWhole() {
    for (int i = Math.max(1, scanned); i < length; i++) {
      if (bytes[i] == '\n') {
        sawNewline = true;
        if (bytes[i - 1] == '\n' || (bytes[i - 1] == '\r' && i >= 2 && bytes[i - 2] == '\n')) {
          return true; // i is re-scanned next time only if the parser asked for more, which it will not
        }
      }
    }
    scanned = length;
    return (!sawNewline && length > maxLine + 1) || length > maxLine + maxHeaders + 2;
  }

  /** Drops a parsed head; what follows it (a pipelined request) is scanned afresh, empty lines before it dropped. */
  private void drop(int headLength) {
    int start = headLength;
    while (start < length && (bytes[start] == '\r' || bytes[start] == '\n')) {
      start++;
    }
    length -= start;
    scanned = 0;
    sawNewline = false;
    if (length == 0) {
      bytes = NONE; // an idle kept-alive connection holds no buffer
    } else {
      System.arraycopy(bytes, start, bytes, 0, length);
    }
  }

  private void clear() {
    bytes = NONE;
    length = 0;
    scanned = 0;
    sawNewline = false;
  }
}
