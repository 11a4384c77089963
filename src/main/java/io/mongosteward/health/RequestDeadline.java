package io.mongosteward.health;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive whole in time: within {@code request} of the
 * connection opening, or of the first byte of a later request on a kept-alive connection; and one
 * that idles between requests for {@code idle}. Netty's ReadTimeoutHandler would not do: it
 * restarts on every byte, so a client sending one byte a second could hold a connection for hours.
 *
 * <p>One instance per connection, placed before the HTTP decoder so that it sees the raw bytes;
 * the HTTP handler tells it when a request is complete and when its answer is written. Every
 * method runs on the connection's event loop.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private final long requestNanos;
  private final long idleNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** Between the first byte of a request and its last. */
  private boolean reading;

  RequestDeadline(Duration request, Duration idle) {
    this.requestNanos = request.toNanos();
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    reading = true; // a client connects to send a request: its clock starts now
    arm(requestNanos);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!reading) {
      reading = true;
      arm(requestNanos);
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  /** The request arrived whole: no deadline while it is answered (the write timeout bounds that). */
  void requestComplete() {
    reading = false;
    cancel();
  }

  /** The answer is written; a kept-alive connection may now wait for its next request. */
  void answered() {
    if (!reading && ctx.channel().isActive()) {
      arm(idleNanos);
    }
  }

  private void arm(long nanos) {
    cancel();
    timer = ctx.executor().schedule(() -> ctx.close(), nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
