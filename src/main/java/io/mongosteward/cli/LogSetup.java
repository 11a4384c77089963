package io.mongosteward.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration, in code (found through META-INF/services): a logback.xml would load
 * Logback's XML configurator and the JDK's XML parser, about 400 classes that every process,
 * the sidecar included, would carry in memory for a configuration this small. Logs go to stderr so
 * that command output (text or JSON) on stdout stays clean. The root level is the system property
 * {@code mongosteward.log.level} (INFO by default). With {@code -Dlogback.configurationFile=...}
 * Logback reads that file instead.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getProperty("mongosteward.log.level"), Level.INFO));
    root.addAppender(stderr);
    context.getLogger("org.mongodb.driver").setLevel(Level.WARN);
    // The embedded stand-in logs every refused command as an error: ours says it better.
    context.getLogger("de.bwaldvogel").setLevel(Level.OFF);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
