package io.mongosteward.cli;

import io.mongosteward.health.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Human durations for picocli options: 500ms, 30s, 10m, 1h. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration d = Durations.parse(value.strip());
      if (d.isZero() || d.isNegative()) {
        throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: write e.g. 500ms, 30s or 10m");
    }
  }
}
