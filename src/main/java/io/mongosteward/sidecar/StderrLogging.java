package io.mongosteward.sidecar;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The sidecar's SLF4J backend: each event as one line on stderr, in the format Logback gives the
 * other commands (cli.LogSetup: {@code HH:mm:ss.SSS LEVEL Logger - message}, then the stack trace),
 * with the same levels (the root at {@code mongosteward.log.level}, the driver and Netty at WARN).
 * The sidecar logs a few lines a day; Logback would add about 220 classes, 1.2 MB of every sidecar's
 * RSS (docs/benchmarks.md). Not a registered service, so that the other commands keep Logback:
 * `Main` names it in the system property {@code slf4j.provider} for `sidecar` only.
 */
public final class StderrLogging implements SLF4JServiceProvider {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  /** Level thresholds by logger-name prefix, as cli.LogSetup sets them; the longest prefix wins. */
  private static final Map<String, Integer> LEVELS = Map.of("org.mongodb.driver", Level.WARN.toInt(), "io.netty",
      Level.WARN.toInt());

  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, StderrLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** The threshold of a logger (an SLF4J level's int): its longest configured prefix's, else the root's. */
  static int threshold(String name) {
    int level = levelOf(System.getProperty("mongosteward.log.level"));
    int matched = -1;
    for (Map.Entry<String, Integer> e : LEVELS.entrySet()) {
      String p = e.getKey();
      if ((name.equals(p) || name.startsWith(p + ".")) && p.length() > matched) {
        level = e.getValue();
        matched = p.length();
      }
    }
    return level;
  }

  /** A level name as Logback's Level.toLevel reads it (ALL, TRACE ... ERROR, OFF); INFO if unset or unknown. */
  static int levelOf(String s) {
    if (s == null) return Level.INFO.toInt();
    return switch (s.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "ALL", "TRACE" -> Level.TRACE.toInt();
      case "DEBUG" -> Level.DEBUG.toInt();
      case "WARN" -> Level.WARN.toInt();
      case "ERROR" -> Level.ERROR.toInt();
      case "OFF" -> Integer.MAX_VALUE;
      default -> Level.INFO.toInt();
    };
  }

  /** One line per event; the message and its stack trace are written in one call, so lines never interleave. */
  static String format(LocalTime time, Level level, String name, String message, Throwable t) {
    StringBuilder b = new StringBuilder(64 + message.length());
    b.append(TIME.format(time)).append(' ');
    String l = level.name();
    b.append(l);
    for (int i = l.length(); i < 5; i++) b.append(' ');
    b.append(' ').append(name, name.lastIndexOf('.') + 1, name.length()).append(" - ").append(message)
        .append(System.lineSeparator());
    if (t != null) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      b.append(trace);
    }
    return b.toString();
  }

  private static final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final int threshold;

    StderrLogger(String name) {
      this.name = name;
      this.threshold = threshold(name);
    }

    private boolean on(Level level) {
      return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
      return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
        Throwable throwable) {
      String message = MessageFormatter.basicArrayFormat(pattern, arguments);
      PrintStream err = System.err;
      err.print(format(LocalTime.now(), level, name, message == null ? "null" : message, throwable));
      err.flush();
    }
  }
}
