package io.mongosteward.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket, byte for byte, for what java.net.http will not do: half-sent
 * requests, several requests on one connection in a known order, forbidden headers.
 */
final class RawHttp {
  private RawHttp() {}

  /** One request with {@code Connection: close}, as the kubelet sends its probes; the whole answer, or a timeout. */
  static String probe(int port, String path, Duration timeout) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) timeout.toMillis());
      send(s, "GET " + path + " HTTP/1.1\r\nHost: pod\r\nUser-Agent: kube-probe/1.34\r\nConnection: close\r\n\r\n");
      return readAll(s.getInputStream());
    }
  }

  /** {@link #probe} from another loopback address (127.0.0.2, say), as the kubelet's come from the node's. */
  static String probeFrom(String localAddress, int port, String path, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new java.net.InetSocketAddress(localAddress, 0));
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      send(s, "GET " + path + " HTTP/1.1\r\nHost: pod\r\nUser-Agent: kube-probe/1.34\r\nConnection: close\r\n\r\n");
      return readAll(s.getInputStream());
    }
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Until the server closes. */
  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads one answer whose body is {@code Content-Length} long (or absent, for HEAD): headers and body. */
  static String readAnswer(InputStream in, boolean head) throws IOException {
    StringBuilder headers = new StringBuilder();
    while (!headers.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + headers);
      }
      headers.append((char) b);
    }
    int length = 0;
    for (String line : headers.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    byte[] body = head ? new byte[0] : in.readNBytes(length);
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  /** True once the server has closed (or reset) the connection; false while it is open and silent. */
  static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(50);
      return s.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }
}
