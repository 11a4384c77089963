package io.mongosteward.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.health.HttpRequestHead.Complete;
import io.mongosteward.health.HttpRequestHead.NeedMore;
import io.mongosteward.health.HttpRequestHead.Parse;
import io.mongosteward.health.HttpRequestHead.Refused;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request head parser, byte for byte (RFC 9112). */
class HttpRequestHeadTest {
  static final int LINE = 64;
  static final int HEADERS = 128;

  static Parse parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return HttpRequestHead.parse(b, b.length, LINE, HEADERS);
  }

  static HttpRequestHead head(String text) {
    Parse p = parse(text);
    assertThat(p).as(text).isInstanceOf(Complete.class);
    return ((Complete) p).head();
  }

  @Test
  void aProbeIsWholeAtItsBlankLineAndWhatFollowsIsTheNextRequest() {
    String probe = "GET /readyz HTTP/1.1\r\nHost: pod\r\nUser-Agent: kube-probe/1.34\r\n\r\n";
    Parse p = parse(probe + "GET /livez HTTP/1.1\r\n");
    assertThat(p).isInstanceOf(Complete.class);
    assertThat(((Complete) p).length()).isEqualTo(probe.length());
    HttpRequestHead h = ((Complete) p).head();
    assertThat(h.method()).isEqualTo("GET");
    assertThat(h.path()).isEqualTo("/readyz");
    assertThat(h.query()).isEmpty();
    assertThat(h.keepAlive()).isTrue();
    assertThat(h.http10()).isFalse();
    assertThat(h.hasBody()).isFalse();
  }

  @Test
  void everyPrefixOfARequestNeedsMore() {
    String probe = "GET /metrics?name[]=up HTTP/1.1\r\nHost: pod\r\n\r\n";
    for (int i = 0; i < probe.length(); i++) {
      assertThat(parse(probe.substring(0, i))).as("first %d bytes", i).isInstanceOf(NeedMore.class);
    }
    assertThat(head(probe).query()).isEqualTo("name[]=up");
  }

  @Test
  void bareLineFeedsAndLeadingEmptyLinesAreTaken() {
    HttpRequestHead h = head("\r\n\nGET /livez HTTP/1.1\nHost: pod\n\n");
    assertThat(h.path()).isEqualTo("/livez");
  }

  @Test
  void connectionTokensDecideWhetherTheConnectionIsKept() {
    assertThat(head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
    assertThat(head("GET / HTTP/1.1\r\nconnection: Upgrade, CLOSE\r\n\r\n").keepAlive()).isFalse();
    assertThat(head("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
    HttpRequestHead kept10 = head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    assertThat(kept10.keepAlive()).isTrue();
    assertThat(kept10.http10()).isTrue();
  }

  @Test
  void aBodyIsNoticed() {
    assertThat(head("POST /health HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").hasBody()).isTrue();
    assertThat(head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").hasBody()).isFalse();
    assertThat(head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").hasBody()).isTrue();
  }

  @Test
  void theAbsoluteFormIsReadAsItsPath() {
    assertThat(head("GET http://pod:8080/readyz?x=1 HTTP/1.1\r\n\r\n").path()).isEqualTo("/readyz");
    assertThat(head("GET http://pod:8080 HTTP/1.1\r\n\r\n").path()).isEqualTo("/");
    assertThat(head("OPTIONS * HTTP/1.1\r\n\r\n").path()).isEqualTo("*");
  }

  @Test
  void malformedHeadsAreRefused() {
    assertThat(parse("GET /readyz\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET  /readyz HTTP/1.1\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/2.0\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("G(T /readyz HTTP/1.1\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/1.1\r\nHost pod\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/1.1\r\nHost : pod\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/1.1\r\nHost: pod\r\n  folded\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/1.1\r\nContent-Length: -1\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET /readyz HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"))
        .isInstanceOf(Refused.class);
  }

  @Test
  void tooLongIsRefusedAsSoonAsItIsTooLongWithoutWaitingForTheEnd() {
    assertThat(parse("GET /" + "a".repeat(LINE))).isInstanceOf(Refused.class);
    assertThat(parse("GET /" + "a".repeat(LINE) + " HTTP/1.1\r\n\r\n")).isInstanceOf(Refused.class);
    assertThat(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(HEADERS))).isInstanceOf(Refused.class);
    assertThat(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(HEADERS) + "\r\n\r\n")).isInstanceOf(Refused.class);
    // Just within the limits.
    String line = "GET /" + "a".repeat(LINE - "GET / HTTP/1.1".length()) + " HTTP/1.1";
    assertThat(line).hasSize(LINE);
    assertThat(parse(line + "\r\n\r\n")).isInstanceOf(Complete.class);
  }
}
