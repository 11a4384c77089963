package io.mongosteward.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking HTTP/1.1 server on one thread and one selector, for endpoints that answer from
 * memory in microseconds. A request is read without holding a thread, so clients that send half a
 * request cost a socket each and cannot delay the probes.
 *
 * <p>Why not a library: the JDK's {@code HttpServer} gives each connection a thread while it reads
 * its request (a fixed pool is stalled by as many half-sent requests); Netty's HTTP codec, which
 * served here before, loaded about 480 classes and grew the code cache by 2 MB under load, 6 to 7 MB
 * of each sidecar's resident memory (docs/benchmarks.md); the smallest servers on Maven Central
 * leave out what probes need (closing on {@code Connection: close}, a write timeout, TCP_NODELAY).
 *
 * <p>Bounds, each held by a test: a request must arrive whole within {@link Limits#request} of the
 * connection opening or of its first byte (a clock that does not restart on each byte, so a client
 * dribbling one byte a second is cut too); an answer the client does not take within
 * {@link Limits#response} closes the connection; a kept-alive connection idle for
 * {@link Limits#idle} is closed. A connection is read only when its last answer is written, and
 * buffers one request head at most, so a client that pipelines thousands of requests and reads
 * nothing holds one answer in memory, not thousands.
 */
final class HttpLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpLoop.class);
  private static final int BACKLOG = 128;
  /** One buffer for every socket read and write: direct, so the JDK copies through no buffer of its own. */
  private static final int IO_BUFFER = 16 * 1024;
  /** Deadlines are checked by a sweep of every connection, at most this often. */
  private static final long SWEEP_GAP = TimeUnit.MILLISECONDS.toNanos(50);
  /** After a failed accept (out of file descriptors, say), accepting pauses this long rather than spin. */
  private static final long ACCEPT_PAUSE = TimeUnit.SECONDS.toNanos(1);
  private static final byte[] NONE = new byte[0];

  /** How long a client may take, and how long its request head may be. */
  record Limits(Duration request, Duration response, Duration idle, int maxLine, int maxHeaders) {
    /** Bytes a connection may buffer: one head at its longest, with its line ends. */
    int maxHead() {
      return maxLine + maxHeaders + 4;
    }
  }

  /** Answers one request; runs on the loop's thread, so it must not block. */
  interface Responder {
    HttpAnswer answer(HttpRequestHead request);
  }

  private final Selector selector;
  private final ServerSocketChannel server;
  private final SelectionKey serverKey;
  private final Limits limits;
  private final Responder responder;
  private final HttpAnswer badRequest;
  private final Thread thread;
  private final ByteBuffer io = ByteBuffer.allocateDirect(IO_BUFFER);
  private volatile boolean closing;
  /** Written on the loop's thread, read by tests. */
  private volatile int connections;
  // Touched on the loop's thread only.
  private boolean sweepDue;
  private long nextSweep;
  private long acceptPausedUntil;
  private boolean acceptPaused;

  private HttpLoop(Selector selector, ServerSocketChannel server, SelectionKey serverKey, Limits limits,
      Responder responder, HttpAnswer badRequest, String threadName) {
    this.selector = selector;
    this.server = server;
    this.serverKey = serverKey;
    this.limits = limits;
    this.responder = responder;
    this.badRequest = badRequest;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
  }

  /**
   * Binds and starts serving.
   *
   * @param badRequest the answer to a request that is too long or malformed; its connection is closed
   * @throws IOException when the address cannot be bound (java.net.BindException when in use)
   */
  static HttpLoop start(InetSocketAddress address, Limits limits, Responder responder, HttpAnswer badRequest,
      String threadName) throws IOException {
    Selector selector = Selector.open();
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(address, BACKLOG);
      server.configureBlocking(false);
      SelectionKey key = server.register(selector, SelectionKey.OP_ACCEPT);
      HttpLoop loop = new HttpLoop(selector, server, key, limits, responder, badRequest, threadName);
      loop.thread.start();
      return loop;
    } catch (IOException | RuntimeException e) {
      quietly(server);
      quietly(selector);
      throw e;
    }
  }

  int port() {
    return server.socket().getLocalPort();
  }

  /** Client connections open now. */
  int connections() {
    return connections;
  }

  /** Stops at once, releasing the port before it returns: answers are microseconds long, and probes retry. */
  @Override
  public void close() {
    closing = true;
    selector.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    quietly(server); // in case the thread did not end in time: the port is released either way
  }

  private void run() {
    try {
      while (!closing) {
        long now = System.nanoTime();
        long waitMillis = sweepDue ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now) + 1) : 0;
        selector.select(this::ready, waitMillis);
        if (sweepDue && System.nanoTime() - nextSweep >= 0) {
          sweep();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("the HTTP server on port {} stopped", port(), e);
    } finally {
      for (SelectionKey key : selector.keys()) {
        quietly(key.channel());
      }
      quietly(server);
      quietly(selector);
    }
  }

  private void ready(SelectionKey key) {
    if (key == serverKey) {
      accept();
      return;
    }
    Connection c = (Connection) key.attachment();
    try {
      if (key.isReadable()) {
        c.read();
      } else if (key.isWritable()) {
        c.serve();
      }
    } catch (IOException | RuntimeException e) {
      // A client that went away (a probe that timed out and closed), or a bug: the connection ends.
      LOG.debug("an HTTP client's connection failed: {}", e.toString());
      c.close();
    }
  }

  private void accept() {
    while (true) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        LOG.warn("the HTTP server on port {} could not accept a connection, pausing for a second: {}", port(),
            e.toString());
        serverKey.interestOps(0);
        acceptPaused = true;
        acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE;
        schedule(acceptPausedUntil);
        return;
      }
      if (channel == null) {
        return;
      }
      try {
        channel.configureBlocking(false);
        // Nagle's algorithm with delayed ACKs adds up to 40 ms to small answers on a kept-alive connection.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        key.attach(new Connection(channel, key));
      } catch (IOException e) {
        quietly(channel);
      }
    }
  }

  /** Closes the connections past their deadline, and resumes accepting after a pause. */
  private void sweep() {
    sweepDue = false;
    long now = System.nanoTime();
    if (acceptPaused) {
      if (now - acceptPausedUntil >= 0) {
        acceptPaused = false;
        serverKey.interestOps(SelectionKey.OP_ACCEPT);
      } else {
        schedule(acceptPausedUntil);
      }
    }
    long earliest = now + SWEEP_GAP;
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Connection c) {
        if (c.deadline - now <= 0) {
          c.close();
        } else {
          schedule(c.deadline - earliest < 0 ? earliest : c.deadline);
        }
      }
    }
  }

  private void schedule(long at) {
    if (!sweepDue || at - nextSweep < 0) {
      nextSweep = at;
      sweepDue = true;
    }
  }

  /** What a connection waits for, which says which deadline runs. */
  private enum Wait { REQUEST, ANSWER, IDLE }

  /** One client's connection: the bytes of its next request, the answer being written, its deadline. */
  private final class Connection {
    private final SocketChannel channel;
    private final SelectionKey key;
    /** Request bytes read and not yet answered: at most one head, so at most {@link Limits#maxHead}. */
    private byte[] in = NONE;
    private int inLength;
    private ByteBuffer out;
    private boolean closeAfterAnswer;
    private Wait wait;
    private long deadline;
    private boolean closed;

    Connection(SocketChannel channel, SelectionKey key) {
      this.channel = channel;
      this.key = key;
      connections++;
      waitFor(Wait.REQUEST); // a client connects to send a request: its clock starts now
    }

    void read() throws IOException {
      io.clear().limit(Math.min(IO_BUFFER, limits.maxHead() - inLength));
      int n = channel.read(io);
      if (n < 0) {
        close();
        return;
      }
      if (n == 0) {
        return;
      }
      if (wait == Wait.IDLE) {
        waitFor(Wait.REQUEST); // the first byte of the next request starts its clock
      }
      if (in.length < inLength + n) {
        in = Arrays.copyOf(in, Math.min(limits.maxHead(), Math.max(512, 2 * (inLength + n))));
      }
      io.flip().get(in, inLength, n);
      inLength += n;
      serve();
    }

    /**
     * Writes the pending answer, then answers the buffered requests in order while their answers go
     * out whole; stops at an answer the socket cannot take yet, or a request not whole yet.
     */
    void serve() throws IOException {
      while (!closed) {
        if (out != null) {
          if (!flush()) {
            key.interestOps(SelectionKey.OP_WRITE);
            return;
          }
          out = null;
          if (closeAfterAnswer) {
            close();
            return;
          }
        }
        HttpRequestHead.Parse parse = HttpRequestHead.parse(in, inLength, limits.maxLine(), limits.maxHeaders());
        if (parse instanceof HttpRequestHead.Complete complete) {
          consume(complete.length());
          HttpRequestHead request = complete.head();
          boolean close = !request.keepAlive() || request.hasBody() || closing;
          answer(responder.answer(request).serialize("HEAD".equals(request.method()), close, request.http10()), close);
        } else if (parse instanceof HttpRequestHead.Refused || inLength >= limits.maxHead()) {
          LOG.debug("an HTTP request was refused: {}",
              parse instanceof HttpRequestHead.Refused r ? r.reason() : "longer than " + limits.maxHead() + " bytes");
          inLength = 0;
          answer(badRequest.serialize(false, true, false), true);
        } else {
          // Between requests, the idle deadline; within one (a pipelined request's first bytes), the request's.
          Wait next = inLength == 0 ? Wait.IDLE : Wait.REQUEST;
          if (wait != next) {
            waitFor(next);
          }
          key.interestOps(SelectionKey.OP_READ);
          return;
        }
      }
    }

    private void answer(byte[] bytes, boolean close) {
      out = ByteBuffer.wrap(bytes);
      closeAfterAnswer = close;
      waitFor(Wait.ANSWER);
    }

    /** True when the answer is written whole; false when the socket's buffer is full. */
    private boolean flush() throws IOException {
      while (out.hasRemaining()) {
        int chunk = Math.min(IO_BUFFER, out.remaining());
        io.clear();
        io.put(out.array(), out.position(), chunk).flip();
        int written = channel.write(io);
        out.position(out.position() + written);
        if (written < chunk) {
          return false;
        }
      }
      return true;
    }

    /** Drops a request's head; keeps what follows it (a pipelined request). */
    private void consume(int length) {
      inLength -= length;
      if (inLength == 0 && in.length > 1024) {
        in = NONE; // an idle kept-alive connection holds no buffer
      } else {
        System.arraycopy(in, length, in, 0, inLength);
      }
    }

    private void waitFor(Wait what) {
      wait = what;
      Duration timeout = switch (what) {
        case REQUEST -> limits.request();
        case ANSWER -> limits.response();
        case IDLE -> limits.idle();
      };
      deadline = System.nanoTime() + timeout.toNanos();
      schedule(deadline);
    }

    void close() {
      if (!closed) {
        closed = true;
        connections--;
        key.cancel();
        quietly(channel);
      }
    }
  }

  private static void quietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing: nothing to do about it
    }
  }
}
