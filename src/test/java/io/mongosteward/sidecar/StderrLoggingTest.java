package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The sidecar's log lines read as the other commands' (Logback with cli.LogSetup's pattern), at the same levels. */
class StderrLoggingTest {
  @AfterEach
  void clear() {
    System.clearProperty("mongosteward.log.level");
  }

  @Test
  void aLineIsTheOneLogbackWritesWithTheCommandsPattern() throws Exception {
    LocalTime time = LocalTime.of(9, 5, 7, 42_000_000);
    LoggerContext context = new LoggerContext();
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    java.lang.reflect.Field pattern = Class.forName("io.mongosteward.cli.LogSetup").getDeclaredField("PATTERN");
    pattern.setAccessible(true); // package-private in cli: the very pattern the other commands log with
    layout.setPattern((String) pattern.get(null));
    layout.start();
    for (Level level : Level.values()) {
      LoggingEvent event = new LoggingEvent();
      event.setLoggerName("io.mongosteward.health.Probe");
      event.setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
      event.setMessage("mongodb://db:27017 is up: ping 0.41ms");
      event.setTimeStamp(time.atDate(LocalDate.now()).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
      assertThat(StderrLogging.format(time, level, "io.mongosteward.health.Probe", event.getMessage(), null))
          .isEqualTo(layout.doLayout(event));
    }
  }

  @Test
  void aThrowableFollowsItsLineWithItsStackTrace() {
    String out = StderrLogging.format(LocalTime.NOON, Level.ERROR, "x.HealthServer", "health request /metrics failed",
        new IllegalStateException("boom", new java.io.IOException("cause")));
    assertThat(out).startsWith("12:00:00.000 ERROR HealthServer - health request /metrics failed" + System.lineSeparator()
        + "java.lang.IllegalStateException: boom" + System.lineSeparator() + "\tat ")
        .contains("Caused by: java.io.IOException: cause");
  }

  @Test
  void theLevelsAreTheCommandsOnes() {
    assertThat(StderrLogging.threshold("io.mongosteward.health.Probe")).isEqualTo(Level.INFO.toInt());
    assertThat(StderrLogging.threshold("org.mongodb.driver.cluster")).isEqualTo(Level.WARN.toInt());
    assertThat(StderrLogging.threshold("org.mongodb.driverx")).isEqualTo(Level.INFO.toInt());
    assertThat(StderrLogging.threshold("io.netty.channel.nio.NioEventLoop")).isEqualTo(Level.WARN.toInt());
    System.setProperty("mongosteward.log.level", "debug");
    assertThat(StderrLogging.threshold("io.mongosteward.health.Probe")).isEqualTo(Level.DEBUG.toInt());
    assertThat(StderrLogging.threshold("io.netty.buffer.X")).isEqualTo(Level.WARN.toInt());
    System.setProperty("mongosteward.log.level", "OFF");
    assertThat(StderrLogging.threshold("io.mongosteward.health.Probe")).isGreaterThan(Level.ERROR.toInt());
    System.setProperty("mongosteward.log.level", "nonsense");
    assertThat(StderrLogging.threshold("io.mongosteward.health.Probe")).isEqualTo(Level.INFO.toInt());
  }

  @Test
  void theProviderGivesLoggersThatHonourTheirThreshold() {
    StderrLogging provider = new StderrLogging();
    provider.initialize();
    org.slf4j.Logger driver = provider.getLoggerFactory().getLogger("org.mongodb.driver.connection");
    assertThat(driver.isInfoEnabled()).isFalse();
    assertThat(driver.isWarnEnabled()).isTrue();
    assertThat(provider.getLoggerFactory().getLogger("io.mongosteward.health.Sidecar").isInfoEnabled()).isTrue();
    assertThat(provider.getLoggerFactory().getLogger("a")).isSameAs(provider.getLoggerFactory().getLogger("a"));
  }
}
