package io.mongosteward.health;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.PreferHeapByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /livez, /readyz, /health (JSON) and /metrics (Prometheus text) for any {@link HealthSource}: the
 * sidecar's probe loop, the operator's runtime. Every answer comes from memory; nothing here does
 * I/O beyond the socket.
 *
 * <p>Served by Netty's HTTP codec on one event-loop thread. A request is read without holding a
 * thread, so clients that send half a request cost a socket each, not a worker, and cannot delay
 * the probes; they are cut after {@link #REQUEST_TIMEOUT}.
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** A request must be whole within this of the connection opening (or of its first byte, on a kept-alive one). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** An answer the client does not take within this closes the connection. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
  /** A kept-alive connection waiting for its next request is closed after this (the JDK server's default too). */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** GET and HEAD have no body; a probe's request line and headers take a few hundred bytes. */
  static final int MAX_LINE = 4096;
  static final int MAX_HEADERS = 8192;
  static final int MAX_BODY = 8192;
  /** Every answer is built from memory in microseconds: one thread accepts and serves. */
  private static final int THREADS = 1;
  /**
   * Unpooled heap buffers: a request is a few hundred bytes and lives microseconds, so a pool's
   * arenas and thread caches would cost more memory than they save, and heap buffers stay under -Xmx.
   */
  private static final ByteBufAllocator ALLOCATOR = new PreferHeapByteBufAllocator(new UnpooledByteBufAllocator(false));

  private final EventLoopGroup group;
  private final Channel channel;

  private HealthServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound (java.net.BindException when in use)
   */
  public static HealthServer start(InetSocketAddress address, HealthSource source, PrometheusMeterRegistry registry)
      throws IOException {
    EventLoopGroup group = new NioEventLoopGroup(THREADS, new DefaultThreadFactory("health-http", true));
    ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .option(ChannelOption.ALLOCATOR, ALLOCATOR)
        .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
        // Nagle's algorithm with delayed ACKs adds up to 40 ms to small answers on a kept-alive connection.
        .childOption(ChannelOption.TCP_NODELAY, true)
        // Read a connection only when its last answer is written, and keep little unsent: a client
        // that pipelines thousands of requests and reads nothing must not grow the heap.
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 * 1024, 64 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            RequestDeadline deadline = new RequestDeadline(REQUEST_TIMEOUT, IDLE_TIMEOUT);
            ch.pipeline()
                .addLast(deadline)
                .addLast(new WriteTimeoutHandler(RESPONSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, MAX_BODY))
                .addLast(new HttpServerKeepAliveHandler())
                .addLast(new HttpObjectAggregator(MAX_BODY))
                .addLast(new Handler(source, registry, deadline));
          }
        });
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable cause = bound.cause();
      throw cause instanceof IOException io ? io : new IOException(cause);
    }
    return new HealthServer(group, bound.channel());
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops at once: in-flight answers are microseconds long, and probes retry. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /**
   * Requests decoded from one read that may wait for their answers. More means a client that
   * pipelines without reading: it is cut, since each answer it leaves unread takes heap.
   */
  static final int MAX_PIPELINED = 16;

  /** Answers one connection's requests, in order, reading the next only when the last answer is written. */
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HealthSource source;
    private final PrometheusMeterRegistry registry;
    private final RequestDeadline deadline;
    /** Answers not yet written; touched on the connection's event loop only. */
    private int pending;

    Handler(HealthSource source, PrometheusMeterRegistry registry, RequestDeadline deadline) {
      this.source = source;
      this.registry = registry;
      this.deadline = deadline;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      ctx.read();
      super.channelActive(ctx);
    }

    /** A read that held no whole request (or none left unanswered): read on. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      if (pending == 0) {
        ctx.read();
      }
      super.channelReadComplete(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (++pending > MAX_PIPELINED || !ctx.channel().isWritable()) {
        ctx.close();
        return;
      }
      deadline.requestComplete();
      FullHttpResponse response;
      if (request.decoderResult().isFailure()) {
        // Too long or malformed: the decoder discards the rest of the connection's bytes, so close it.
        response = response(HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n", false);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else {
        response = answer(request);
      }
      ctx.writeAndFlush(response).addListener(written -> {
        pending--;
        if (written.isSuccess()) {
          deadline.answered();
          if (pending == 0) {
            ctx.read();
          }
        }
      });
    }

    private FullHttpResponse answer(FullHttpRequest request) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      String path = uri.path();
      try {
        HttpMethod method = request.method();
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
          FullHttpResponse refused = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
              "only GET and HEAD are allowed\n", false);
          refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
          return refused;
        }
        return switch (path) {
          case "/livez" -> {
            boolean live = source.live();
            yield response(status(live), TEXT, live ? "ok\n" : "not live: " + source.notLiveReason() + "\n", head);
          }
          case "/readyz" -> {
            Readiness r = source.readiness();
            yield response(status(r.ready()), TEXT, (r.ready() ? "ready: " : "not ready: ") + r.reason() + "\n", head);
          }
          case "/health" -> {
            Readiness r = source.readiness();
            yield response(status(r.ready()), JSON, Json.write(source.details(r)) + "\n", head);
          }
          case "/metrics" -> {
            // name[] as Prometheus client libraries take it: only those families are written.
            List<String> names = uri.parameters().get("name[]");
            yield response(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                names == null ? registry.scrape() : registry.scrape(PROMETHEUS_TEXT, families(names)), head);
          }
          default -> response(HttpResponseStatus.NOT_FOUND, TEXT,
              "not found; try /livez, /readyz, /health or /metrics\n", head);
        };
      } catch (RuntimeException e) {
        LOG.error("health request {} failed", path, e);
        return response(HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, "internal error\n", false);
      }
    }

    /**
     * The registry matches a family's name (a counter's without {@code _total}); a sample's name is
     * what users copy from a scrape, so both are taken.
     */
    private static Set<String> families(List<String> names) {
      Set<String> out = new java.util.HashSet<>(names);
      for (String n : names) {
        out.add(n.replaceFirst("_(total|created|bucket|count|sum|info)$", ""));
      }
      return out;
    }

    private static HttpResponseStatus status(boolean ok) {
      return ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
    }

    /** A HEAD answer has the GET answer's headers, Content-Length included, and no body. */
    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body,
        boolean head) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
          .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A client that went away (a probe that timed out and closed), or one too slow to read its answer.
      LOG.debug("a health client's connection failed: {}", cause.toString());
      ctx.close();
    }
  }
}
