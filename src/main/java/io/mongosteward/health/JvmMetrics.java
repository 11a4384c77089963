package io.mongosteward.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/** The JVM and process meters every mongo-steward process exposes (memory, GC, threads, CPU, fds). */
public final class JvmMetrics implements AutoCloseable {
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private JvmMetrics() {}

  /** Binds to {@code registry}; close to stop listening to GC notifications. */
  public static JvmMetrics bindTo(MeterRegistry registry) {
    JvmMetrics m = new JvmMetrics();
    new JvmInfoMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    m.gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return m;
  }

  @Override
  public void close() {
    gc.close();
  }
}
