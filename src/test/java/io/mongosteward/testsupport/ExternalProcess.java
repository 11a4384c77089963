package io.mongosteward.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A server binary started on a loopback port and stopped with the test JVM. */
public final class ExternalProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String name;

  private ExternalProcess(String name, Process process, int port) {
    this.name = name;
    this.process = process;
    this.port = port;
  }

  public static ExternalProcess start(String name, List<String> command, int port, Path log) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      ExternalProcess ep = new ExternalProcess(name, p, port);
      Runtime.getRuntime().addShutdownHook(new Thread(ep::close));
      Awaitility.await(name + " listening on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            if (!p.isAlive()) {
              throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log);
            }
            return canConnect(port);
          });
      return ep;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** The operating system's id of the process: what a benchmark reads its CPU time by. */
  public long pid() {
    return process.pid();
  }

  private static boolean canConnect(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return name + "@" + port;
  }
}
