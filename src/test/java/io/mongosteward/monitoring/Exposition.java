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
   * promtool's lint findings on meters that libraries name, which we leave as they are: renaming
   * them would break every dashboard that knows them. Empty until a scrape shows one.
   */
  static final Set<String> KNOWN_LINT = Set.of();

  static boolean knownLint(String line) {
    return KNOWN_LINT.stream().anyMatch(line::startsWith);
  }
}
