package io.mongosteward.cli;

import io.mongosteward.migrate.Listener;
import io.mongosteward.migrate.Progress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;

/** How `migrate` shows a run going: a bar on a terminal, a line every few seconds elsewhere, or nothing. */
interface ProgressView extends Listener, AutoCloseable {
  /** Ends the display (the summary follows on stdout). */
  @Override
  void close();

  /** What --progress asks for: auto (a bar when stderr is a terminal, else lines), bar, lines or none. */
  enum Mode { auto, bar, lines, none }

  ProgressView NONE = new ProgressView() {
    @Override
    public void progress(Progress p) {}

    @Override
    public void close() {}
  };

  /** A line on {@code err} at the first batch after {@code every} has passed since the last one. */
  final class Lines implements ProgressView {
    private final PrintWriter err;
    private final MigrationOutput.Subject subject;
    private final LongSupplier nanos;
    private final long everyNanos;
    private long last;

    Lines(PrintWriter err, MigrationOutput.Subject subject, LongSupplier nanos, Duration every) {
      this.err = err;
      this.subject = subject;
      this.nanos = nanos;
      this.everyNanos = every.toNanos();
      this.last = nanos.getAsLong();
    }

    @Override
    public void progress(Progress p) {
      long now = nanos.getAsLong();
      if (now - last >= everyNanos) {
        last = now;
        err.println(MigrationOutput.line(subject, p));
        err.flush();
      }
    }

    @Override
    public void close() {}
  }

  /** A progress bar (me.tongfei:progressbar) redrawn in place on the terminal. */
  final class Bar implements ProgressView {
    private final ProgressBar bar;
    private final MigrationOutput.Subject subject;
    private volatile Duration eta;

    Bar(PrintStream terminal, MigrationOutput.Subject subject) {
      this.subject = subject;
      this.bar = new ProgressBarBuilder().setTaskName(subject.spec().getCollection())
          .setInitialMax(-1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" docs", 1)
          .showSpeed().setEtaFunction(state -> Optional.ofNullable(eta))
          .setConsumer(new InteractiveConsoleProgressBarConsumer(terminal)).build();
    }

    @Override
    public void progress(Progress p) {
      eta = p.eta();
      if (p.total() != null && p.total() != bar.getMax()) bar.maxHint(p.total());
      bar.stepTo(p.scanned());
      bar.setExtraMessage(" " + (Progress.FINAL.equals(p.pass()) ? "final pass, " : "") + subject.changedVerb() + " "
          + MigrationOutput.count(p.changed()));
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  /**
   * Whether this process's stderr is a terminal. Java 17 cannot ask that of stderr itself: on Linux
   * /proc tells what file descriptor 2 is; elsewhere a console on stdin and stdout stands in.
   */
  static boolean stderrIsTerminal() {
    Path fd2 = Path.of("/proc/self/fd/2");
    try {
      if (Files.exists(fd2, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      // fall through
    }
    return System.console() != null;
  }
}
