package io.mongosteward.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every benchmark shares (docs/benchmarks.md, "How the figures are made"): its repetitions
 * ({@code bench.rounds} / {@code BENCH_ROUNDS}, default 5), where its Markdown fragment goes
 * ({@code bench.out} / {@code BENCH_OUT}, default target/bench, file = the benchmark's name + .md),
 * and the fragment itself: a heading, what it measures against which goal, one table of median,
 * min and max with the ratio to the baseline measured in the same run, and a few lines of reading.
 */
public final class BenchReport {
  private final String name;
  private final String heading;
  private final String measures;
  private final List<String> header = new ArrayList<>();
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> reading = new ArrayList<>();

  /**
   * @param name the benchmark's name: the fragment's file name
   * @param measures one line: what it measures, and its goal
   */
  public BenchReport(String name, String heading, String measures) {
    this.name = name;
    this.heading = heading;
    this.measures = measures;
  }

  public static int rounds() {
    return intKnob("bench.rounds", "BENCH_ROUNDS", 5);
  }

  /** A size knob: the system property, else the environment variable, else the default. */
  public static int intKnob(String property, String env, int fallback) {
    String v = knob(property, env);
    if (v == null || v.isBlank()) return fallback;
    try {
      int n = Integer.parseInt(v.strip().replace("_", ""));
      if (n < 1) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a whole number of at least 1, not '" + v + "'");
    }
  }

  public static String knob(String property, String env) {
    String v = System.getProperty(property);
    return v != null ? v : env == null ? null : System.getenv(env);
  }

  public static Path outDir() {
    String dir = knob("bench.out", "BENCH_OUT");
    return Path.of(dir == null || dir.isBlank() ? "target/bench" : dir);
  }

  public BenchReport columns(String... names) {
    header.clear();
    header.addAll(List.of(names));
    return this;
  }

  public BenchReport row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns: " + List.of(cells));
    }
    rows.add(List.of(cells));
    return this;
  }

  public BenchReport reading(String line) {
    reading.add(line);
    return this;
  }

  public String markdown() {
    StringBuilder out = new StringBuilder("### ").append(heading).append("\n\n").append(measures).append("\n\n");
    if (!header.isEmpty()) {
      out.append("| ").append(String.join(" | ", header)).append(" |\n");
      out.append("|").append("---|".repeat(header.size())).append("\n");
      for (List<String> row : rows) out.append("| ").append(String.join(" | ", row)).append(" |\n");
      out.append("\n");
    }
    for (String line : reading) out.append("- ").append(line).append("\n");
    return out.toString();
  }

  /** Writes the fragment to {@link #outDir()}/name.md and prints it. */
  public Path write() {
    String text = markdown();
    System.out.println(text);
    try {
      Path dir = outDir();
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".md");
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Median, min and max of repeated measurements. */
  public record Stats(double median, double min, double max, int n) {
    public static Stats of(List<Double> values) {
      if (values.isEmpty()) throw new IllegalArgumentException("no measurements");
      List<Double> sorted = values.stream().sorted().toList();
      int n = sorted.size();
      double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** The ratio of medians: this one over the baseline's. */
    public double ratioTo(Stats baseline) {
      return median / baseline.median;
    }
  }

  /** Milliseconds with a sensible number of digits. */
  public static String ms(double millis) {
    return millis >= 10_000 ? fmt("%.1f s", millis / 1000) : millis >= 1000 ? fmt("%.2f s", millis / 1000)
        : millis >= 100 ? fmt("%.0f ms", millis) : millis >= 10 ? fmt("%.1f ms", millis)
        : millis >= 1 ? fmt("%.2f ms", millis) : fmt("%.0f µs", millis * 1000);
  }

  /** "median (min–max)". */
  public static String ms(Stats s) {
    return ms(s.median()) + " (" + ms(s.min()) + "–" + ms(s.max()) + ")";
  }

  public static String ratio(double r) {
    return fmt("%.2f×", r);
  }

  public static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** The load average now: the contract asks figures on a shared machine to say it. */
  public static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
