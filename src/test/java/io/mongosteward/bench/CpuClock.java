package io.mongosteward.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time in nanoseconds of whole processes, from Linux's per-thread {@code schedstat}: the time
 * each thread ran, the JVM's GC and JIT threads included. A wall time on a shared machine counts
 * the other processes' turns; this counts only the work, so its ratios hold under load. The
 * JVM's own process CPU time comes in 10 ms ticks, too coarse for a pass of a few milliseconds.
 * The JIT compiler's threads are left out: compiling is what a cold JVM pays once, and it lands on
 * whichever side of a pair runs while it happens (the engine has more code to compile).
 * A thread that ends between two readings takes its time with it: read around work whose threads
 * live on (a client's pool, a server's workers).
 */
class CpuClock {
  private final long[] pids;

  /** The processes to count: this JVM and the given ones (a server in its own process). */
  CpuClock(long... others) {
    pids = new long[others.length + 1];
    pids[0] = ProcessHandle.current().pid();
    System.arraycopy(others, 0, pids, 1, others.length);
  }

  /** Whether this kernel keeps schedstat (Linux with CONFIG_SCHED_INFO). */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/schedstat"));
  }

  long nanos() {
    long sum = 0;
    for (long pid : pids) {
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks) {
          try {
            if (Files.readString(task.resolve("comm")).startsWith("C")
                && Files.readString(task.resolve("comm")).contains("CompilerThre")) {
              continue;
            }
            String s = Files.readString(task.resolve("schedstat"));
            sum += Long.parseLong(s.substring(0, s.indexOf(' ')));
          } catch (IOException | RuntimeException gone) {
            // The thread ended while listed.
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e.getMessage(), e);
      }
    }
    return sum;
  }
}
