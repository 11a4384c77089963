package io.mongosteward.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
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
 * dribbling one byte a second is cut too); an answer, or a run of pipelined answers, not taken
 * within {@link Limits#response} closes the connection; a kept-alive connection idle for
 * {@link Limits#idle} is closed. A connection is read only when its last answer is written, buffers
 * one request head at most, and gets one answer per turn of the loop, so a client that pipelines
 * thousands of requests holds one answer in memory and cannot keep the probes waiting. At
 * {@link Limits#maxConnections} the oldest connection of the address that holds the most is closed
 * to make room, and a flood of new ones from one address is refused as it comes ({@link #accept}).
 */
final class HttpLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpLoop.class);
  /** Connections the kernel queues before the loop accepts them: a burst waits here, not in SYN retries. */
  private static final int BACKLOG = 1024;
  /** One buffer for every socket read and write: direct, so the JDK copies through no buffer of its own. */
  private static final int IO_BUFFER = 16 * 1024;
  private static final int SEND_BUFFER = 64 * 1024;
  /** Deadlines are checked by a sweep of every connection, at most this often. */
  private static final long SWEEP_GAP = TimeUnit.MILLISECONDS.toNanos(50);
  /** After a failed accept (out of file descriptors, say), accepting pauses this long rather than spin. */
  private static final long ACCEPT_PAUSE = TimeUnit.SECONDS.toNanos(1);

  /**
   * How long a client may take, how long its request head may be, and how many connections may be
   * open at once; {@code fresh}: a connection opened this recently may not have been read once, and
   * is never closed to make room.
   */
  record Limits(Duration request, Duration response, Duration idle, int maxLine, int maxHeaders,
      int maxConnections, Duration fresh) {}

  /** Answers one request; runs on the loop's thread, so it must not block. */
  interface Responder {
    HttpAnswer answer(HttpRequestHead request);

    /** Whether answering takes long (a scrape): the loop makes at most one such answer per turn. */
    default boolean costly(HttpRequestHead request) {
      return false;
    }
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
  /**
   * Connections whose next answer is costly, in the order they asked: one is answered per turn, so
   * that a turn stays short and a probe, answered in the next, waits for one scrape at most.
   */
  private final ArrayDeque<Connection> costlyQueue = new ArrayDeque<>();
  /** This turn's costly answer is made. */
  private boolean costlyDone;

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
        costlyDone = false;
        if (costlyQueue.isEmpty()) {
          long now = System.nanoTime();
          long waitMillis = sweepDue ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now) + 1) : 0;
          selector.select(this::ready, waitMillis);
        } else {
          selector.selectNow(this::ready);
          answerQueuedCostly();
        }
        if (sweepDue && System.nanoTime() - nextSweep >= 0) {
          sweep();
        }
      }
    } catch (Throwable e) {
      // Out of memory, say: stop listening too, so that the probes fail fast and the kubelet restarts
      // the container, rather than queueing on a port no thread accepts on.
      quietly(server);
      LOG.error("the HTTP server on port {} stopped", port(), e);
    } finally {
      quietly(server);
      for (SelectionKey key : selector.keys()) {
        quietly(key.channel());
      }
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
      failed(c, e);
    }
  }

  /** A client that went away (a probe that timed out and closed), or a bug: the connection ends. */
  private static void failed(Connection c, Exception e) {
    LOG.debug("an HTTP client's connection failed: {}", e.toString());
    c.close();
  }

  /** If this turn made no costly answer, the first connection queued for one gets it. */
  private void answerQueuedCostly() {
    Connection next;
    while (!costlyDone && (next = costlyQueue.poll()) != null) {
      if (!next.closed) {
        try {
          next.granted = true;
          next.serve();
        } catch (IOException | RuntimeException e) {
          failed(next, e);
        } finally {
          next.granted = false;
        }
      }
    }
  }

  /**
   * Accepts every connection waiting, at once, so that the listen backlog never fills (a full one
   * drops the next client's SYN, and a probe's connect then takes the 1 s retry): at the cap each
   * newcomer either makes room ({@link #makeRoom}) or is closed at once when it comes from the
   * address that holds the most connections; a newcomer from another address, a probe's, is
   * admitted over the cap, up to twice it.
   */
  private void accept() {
    // Bounded per turn, so that a flood of connections cannot keep the loop from serving the rest.
    for (int accepted = 0; accepted < BACKLOG; accepted++) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        // Out of file descriptors below the cap, say. A connection closed gives one back at the next
        // select, which accepts again; with none to close, accepting pauses rather than spin.
        if (makeRoom(null) == Room.MADE) {
          return;
        }
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
      InetAddress peer = peerOf(channel);
      if (connections >= limits.maxConnections()) {
        Room room = makeRoom(peer);
        if (room == Room.REFUSE || (room == Room.NONE && connections >= 2 * limits.maxConnections())) {
          quietly(channel);
          continue;
        }
      }
      register(channel, peer);
    }
  }

  private static InetAddress peerOf(SocketChannel channel) {
    try {
      return channel.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void register(SocketChannel channel, InetAddress peer) {
    try {
      channel.configureBlocking(false);
      // Nagle's algorithm with delayed ACKs adds up to 40 ms to small answers on a kept-alive connection.
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      // A fixed send buffer instead of the kernel's autotuning (up to 4 MB a socket, charged to the
      // pod's memory): a client that pipelines scrapes and reads nothing parks 64 KB, not megabytes.
      channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
      SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
      key.attach(new Connection(channel, key, peer));
    } catch (IOException e) {
      quietly(channel);
    }
  }

  /** What {@link #makeRoom} did. */
  private enum Room { MADE, REFUSE, NONE }

  /**
   * At the cap, makes room by closing the oldest connection of the client address that holds the
   * most (the newcomer counted), whatever it is doing: a client that keeps its connections busy, or
   * blocked on answers it does not read, must not keep the probes out. The kubelet's probes come
   * from the node's address, a connection each that lives a millisecond; Prometheus keeps one.
   * Connections opened within {@link Limits#fresh} are spared, as they may not have been read once; when
   * only those are open, a newcomer from that busiest address is to be refused.
   *
   * @param newcomer the address of the connection to admit, or null
   */
  private Room makeRoom(InetAddress newcomer) {
    long now = System.nanoTime();
    Map<InetAddress, Integer> perAddress = new HashMap<>();
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Connection c && !c.closed) {
        perAddress.merge(c.peer, 1, Integer::sum);
      }
    }
    int newcomerCount = newcomer == null ? 0 : perAddress.merge(newcomer, 1, Integer::sum);
    int most = perAddress.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    Connection victim = null;
    int victimCount = 0;
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Connection c && !c.closed && now - c.opened >= limits.fresh().toNanos()) {
        int count = perAddress.get(c.peer);
        if (victim == null || count > victimCount || (count == victimCount && c.opened - victim.opened < 0)) {
          victim = c;
          victimCount = count;
        }
      }
    }
    if (victim == null) {
      return newcomer != null && newcomerCount >= most ? Room.REFUSE : Room.NONE;
    }
    LOG.debug("{} HTTP connections open, {} of them from {}: closing its oldest to make room", connections,
        victimCount, victim.peer);
    victim.close();
    return Room.MADE;
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
    private final InetAddress peer;
    private final long opened = System.nanoTime();
    private final RequestBuffer in = new RequestBuffer(limits.maxLine(), limits.maxHeaders());
    private ByteBuffer out;
    private boolean closeAfterAnswer;
    /** A costly request waiting in {@link #costlyQueue} for its turn. */
    private HttpRequestHead deferred;
    /** Its turn has come. */
    private boolean granted;
    private Wait wait;
    /** Between a first answer and the next idle wait: the answers of pipelined requests share a clock. */
    private boolean inRun;
    private long deadline;
    private boolean closed;

    Connection(SocketChannel channel, SelectionKey key, InetAddress peer) {
      this.channel = channel;
      this.key = key;
      this.peer = peer;
      connections++; // one writer, the loop's thread
      waitFor(Wait.REQUEST); // a client connects to send a request: its clock starts now
    }

    void read() throws IOException {
      if (readSome() < 0) {
        return;
      }
      if (!in.isEmpty() && wait == Wait.IDLE) {
        waitFor(Wait.REQUEST); // the first byte of the next request starts its clock
      }
      serve();
    }

    /** Reads what the socket holds, up to the buffer's room; at the end of the stream, closes. */
    private int readSome() throws IOException {
      io.clear().limit(Math.min(IO_BUFFER, in.room()));
      int n = channel.read(io);
      if (n < 0) {
        close();
        return n;
      }
      in.append(io.flip());
      return n;
    }

    /**
     * Writes the pending answer, then answers the next buffered request; one answer per turn of the
     * loop, so that a connection with hundreds of pipelined requests waits its turn behind the probes.
     */
    void serve() throws IOException {
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
      HttpRequestHead.Parse parse = deferred != null ? new HttpRequestHead.Complete(deferred, 0) : in.next();
      deferred = null;
      if (parse instanceof HttpRequestHead.Complete complete) {
        HttpRequestHead request = complete.head();
        if (responder.costly(request)) {
          if (!granted && (costlyDone || !costlyQueue.isEmpty())) {
            // This turn's costly answer is made, or others asked first: this one waits its turn,
            // its answer's clock running, and reads nothing meanwhile.
            deferred = request;
            startAnswerClock();
            key.interestOps(0);
            costlyQueue.add(this);
            return;
          }
          costlyDone = true;
        }
        boolean close = !request.keepAlive() || request.hasBody() || closing;
        answer(responder.answer(request).serialize("HEAD".equals(request.method()), close, request.http10()), close);
      } else if (parse instanceof HttpRequestHead.Refused refused) {
        LOG.debug("an HTTP request was refused: {}", refused.reason());
        answer(badRequest.serialize(false, true, false), true);
      } else {
        if (in.isEmpty()) {
          if (wait == Wait.ANSWER) {
            waitFor(Wait.IDLE); // a fresh connection that sent only empty lines keeps its request clock
          }
        } else if (wait == Wait.ANSWER) {
          // The first bytes of a pipelined request, read with the run's: the run's clock goes on.
          wait = Wait.REQUEST;
        }
        key.interestOps(SelectionKey.OP_READ);
        return;
      }
      // Written at once if the socket takes it; a pipelined request waits for the next turn.
      if (flush()) {
        out = null;
        if (closeAfterAnswer) {
          close();
          return;
        }
        // The run goes on if the next request is here already: a client whose pipelined requests fill
        // the buffer exactly must not get a fresh clock at each read.
        if (in.isEmpty() && (readSome() < 0 || in.isEmpty())) {
          if (!closed) {
            waitFor(Wait.IDLE);
            key.interestOps(SelectionKey.OP_READ);
          }
          return;
        }
      }
      key.interestOps(SelectionKey.OP_WRITE);
    }

    private void answer(byte[] bytes, boolean close) {
      out = ByteBuffer.wrap(bytes);
      closeAfterAnswer = close;
      startAnswerClock();
    }

    /**
     * One clock for a run of pipelined answers, from the first until the connection idles: a client
     * that takes each answer in time but never all of them (reading a little at a time) is cut too.
     */
    private void startAnswerClock() {
      if (!inRun) {
        inRun = true;
        waitFor(Wait.ANSWER);
      } else {
        wait = Wait.ANSWER;
      }
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

    private void waitFor(Wait what) {
      wait = what;
      if (what == Wait.IDLE) {
        inRun = false;
      }
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
