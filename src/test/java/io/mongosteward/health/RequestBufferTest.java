package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A connection's request bytes: scanned once, parsed once per request, empty lines dropped. */
class RequestBufferTest {
  final RequestBuffer buffer = new RequestBuffer(HealthServer.MAX_LINE, HealthServer.MAX_HEADERS);

  void append(String text) {
    buffer.append(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void aHeadSentOneLinePerPacketIsParsedOnceNotOncePerPacket() {
    // Found by a hostile review: the parser ran on every read from byte 0, so a head of 1,600 short
    // lines sent one line per packet cost 83 ms of the loop's CPU; 20 KB/s of such traffic filled it.
    append("GET /livez HTTP/1.1\r\n");
    for (int i = 0; i < 1_600; i++) {
      append("a:b\r\n");
      assertThat(buffer.next()).isInstanceOf(HttpRequestHead.NeedMore.class);
    }
    append("\r\n");
    assertThat(buffer.next()).isInstanceOf(HttpRequestHead.Complete.class);
    assertThat(buffer.parses).isEqualTo(1);
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void emptyLinesBeforeAndBetweenRequestsAreDroppedAndStartNoRequest() {
    append("\r\n\r\n\n");
    assertThat(buffer.isEmpty()).isTrue();
    append("GET /livez HTTP/1.1\r\n\r\n\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n\r\n");
    assertThat(((HttpRequestHead.Complete) buffer.next()).head().path()).isEqualTo("/livez");
    assertThat(((HttpRequestHead.Complete) buffer.next()).head().path()).isEqualTo("/readyz");
    // A stray empty line after a kept-alive request leaves nothing: the connection stays idle.
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.next()).isInstanceOf(HttpRequestHead.NeedMore.class);
  }

  @Test
  void aTooLongHeadIsRefusedAndDropped() {
    append("GET /" + "a".repeat(HealthServer.MAX_LINE + 1));
    assertThat(buffer.next()).isInstanceOf(HttpRequestHead.Refused.class);
    assertThat(buffer.isEmpty()).isTrue();
    append("GET / HTTP/1.1\r\n");
    while (buffer.room() > 0) {
      append("x".repeat(Math.min(buffer.room(), 100)));
      if (buffer.next() instanceof HttpRequestHead.Refused) {
        break;
      }
    }
    assertThat(buffer.isEmpty()).as("refused, at the latest when full").isTrue();
  }

  @Test
  void itTakesNoMoreThanItsRoom() {
    assertThat(buffer.room()).isEqualTo(HealthServer.MAX_LINE + HealthServer.MAX_HEADERS + 4);
    append("GET / HTTP/1.1\r\nX: y");
    assertThat(buffer.room()).isEqualTo(HealthServer.MAX_LINE + HealthServer.MAX_HEADERS + 4 - 20);
  }
}
