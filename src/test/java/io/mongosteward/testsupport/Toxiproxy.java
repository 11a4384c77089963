package io.mongosteward.testsupport;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real Toxiproxy server (one per test JVM) for putting faults between a client and a server. */
public final class Toxiproxy {
  private static ExternalProcess process;
  private static ToxiproxyClient client;

  private Toxiproxy() {}

  public static synchronized ToxiproxyClient client() {
    if (client == null) {
      Path binary = TestServers.toxiproxy();
      try {
        Path dir = Files.createTempDirectory("toxiproxy");
        int port = TestServers.freePort();
        process = ExternalProcess.start("toxiproxy", List.of(binary.toString(), "-host", "127.0.0.1",
            "-port", String.valueOf(port)), port, dir.resolve("toxiproxy.log"));
        client = new ToxiproxyClient("127.0.0.1", port);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client;
  }

  /** A new proxy on a free loopback port to {@code upstream} ("host:port"). */
  public static Proxy proxy(String name, String upstream) {
    try {
      int port = TestServers.freePort();
      return client().createProxy(name + "-" + port, "127.0.0.1:" + port, upstream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URI of a proxy, for the driver. */
  public static String uriOf(Proxy proxy) {
    return "mongodb://" + proxy.getListen();
  }
}
