package io.mongosteward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A FerretDB of its own that serves only TLS on a loopback port, with a server certificate for
 * 127.0.0.1 and localhost signed by {@link #ca}; with {@code requireClientCert} it refuses clients
 * that present no certificate signed by that CA. One per test class: close it after.
 */
public final class TlsFerret implements AutoCloseable {
  public final Certs.Issued ca;
  public final Certs.Issued server;
  public final boolean requireClientCert;
  private final ExternalProcess process;
  private final Path dir;

  private TlsFerret(Certs.Issued ca, Certs.Issued server, boolean requireClientCert, ExternalProcess process,
      Path dir) {
    this.ca = ca;
    this.server = server;
    this.requireClientCert = requireClientCert;
    this.process = process;
    this.dir = dir;
  }

  public static TlsFerret start(boolean requireClientCert) {
    return start(requireClientCert, Certs.Flaw.NONE);
  }

  /** One that serves a server certificate with {@code flaw} (expired, not valid yet, another host name). */
  public static TlsFerret start(boolean requireClientCert, Certs.Flaw flaw) {
    Path binary = TestServers.ferretDb();
    Certs.Issued ca = Certs.ca("mongo-steward test CA");
    Certs.Issued server = Certs.server(ca, flaw);
    try {
      Path dir = Files.createTempDirectory("ferretdb-tls");
      server.writeTo(dir.resolve("server"));
      Files.writeString(dir.resolve("ca.pem"), ca.certPem());
      int port = TestServers.freePort();
      List<String> command = new ArrayList<>(List.of(binary.toString(), "--listen-addr=",
          "--listen-tls=127.0.0.1:" + port,
          "--listen-tls-cert-file=" + dir.resolve("server/cert.pem"),
          "--listen-tls-key-file=" + dir.resolve("server/key.pem"),
          "--sqlite-dir=" + dir.resolve("data")));
      if (requireClientCert) {
        command.add("--listen-tls-ca-file=" + dir.resolve("ca.pem"));
      }
      ExternalProcess p = ExternalProcess.start("ferretdb-tls", command, port, dir.resolve("ferretdb.log"));
      return new TlsFerret(ca, server, requireClientCert, p, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return process.port();
  }

  /** The connection string, without TLS options: the tests give TLS separately. */
  public String uri() {
    return "mongodb://127.0.0.1:" + port();
  }

  /** The server's log, for a failure's message. */
  public Path log() {
    return dir.resolve("ferretdb.log");
  }

  @Override
  public void close() {
    process.close();
  }
}
