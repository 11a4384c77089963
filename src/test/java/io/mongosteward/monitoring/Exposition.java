package io.mongosteward.monitoring;

import java.util.Set;
import java.util.TreeSet;

/** Sample names in Prometheus text exposition, and the lint of names that are not ours. */
final class Exposition {
  private Exposition() {}

  static Set<String> sampleNames(String text) {
    Set<String> names = new TreeSet<>();
    text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0]).forEach(names::add);
    return names;
  }

  /**
   * promtool's lint findings on meters that libraries define, which we leave as they are: renaming
   * them would break every dashboard that knows them, and the text is theirs. JOSDK's
   * micrometer-support registers its meters without a description ("no help text"); Micrometer's
   * ProcessorMetrics names process.cpu.time in nanoseconds and system.cpu.count as they are. Each
   * entry is a line's start and end: a new finding, or one on a meter of ours, fails the test.
   */
  static final java.util.List<java.util.Map.Entry<String, String>> KNOWN_LINT = java.util.List.of(
      java.util.Map.entry("operator_sdk_", " no help text"),
      java.util.Map.entry("process_cpu_time_ns_total", " metric names should not contain abbreviated units"),
      java.util.Map.entry("system_cpu_count", " non-histogram and non-summary metrics should not have \"_count\" suffix"));

  static boolean knownLint(String line) {
    return KNOWN_LINT.stream().anyMatch(e -> line.startsWith(e.getKey()) && line.endsWith(e.getValue()));
  }
}
