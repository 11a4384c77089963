package io.mongosteward.sidecar;

import io.mongosteward.health.Probe;
import io.mongosteward.mongo.Pinger;
import java.util.Arrays;
import java.util.List;

/** The sidecar's probe: a MongoDB ping through {@link Pinger}, which does all the driver work. */
public final class MongoProbe implements Probe {
  /** Every reason a ping can fail with, so the failure counter shows each series from the start. */
  public static final List<String> REASONS = Arrays.stream(Pinger.Failure.values()).map(Pinger.Failure::label).toList();

  private final Pinger pinger;

  public MongoProbe(Pinger pinger) {
    this.pinger = pinger;
  }

  @Override
  public Sample check() {
    try {
      Pinger.Pong pong = pinger.ping();
      return new Sample(pong.latency(), pong.serverVersion());
    } catch (Pinger.PingFailedException e) {
      throw new Failure(e.failure().label(), e.getMessage());
    }
  }

  @Override
  public void close() {
    pinger.close();
  }
}
