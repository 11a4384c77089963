package io.mongosteward.cli;

import io.mongosteward.health.Durations;
import java.time.Duration;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One setting of a long-running command, declared once: its flag, its environment variable, its
 * description, how it parses and where it lands. The flag wins over the variable, which wins over
 * the default; a bad value names where it came from ({@link FlagOrEnv}).
 *
 * @param <B> the settings builder it fills
 */
record Setting<B>(String flag, String env, String label, String description, Function<B, Object> current,
    Reader<B> reader) {

  /** Reads the raw flag value (or null) and the environment into the builder. */
  @FunctionalInterface
  interface Reader<B> {
    void read(FlagOrEnv flags, Setting<B> setting, String raw, B target);
  }

  static <B> Setting<B> duration(String flag, String env, String description, Function<B, Duration> current,
      BiConsumer<B, Duration> set) {
    return new Setting<>(flag, env, "DURATION", description,
        b -> current.apply(b) == null ? null : Durations.format(current.apply(b)),
        (flags, s, raw, b) -> set.accept(b, flags.duration(s.flag, raw, s.env, current.apply(b))));
  }

  static <B> Setting<B> integer(String flag, String env, int min, String description, Function<B, Integer> current,
      BiConsumer<B, Integer> set) {
    return new Setting<>(flag, env, "N", description, b -> current.apply(b),
        (flags, s, raw, b) -> set.accept(b, flags.integer(s.flag, raw, s.env, min, current.apply(b))));
  }

  /** A whole number that may stay unset (null): the driver's default then applies. */
  static <B> Setting<B> optionalInteger(String flag, String env, int min, String description,
      Function<B, Integer> current, BiConsumer<B, Integer> set) {
    return new Setting<>(flag, env, "N", description, b -> current.apply(b),
        (flags, s, raw, b) -> {
          Integer n = flags.integer(s.flag, raw, s.env, min);
          set.accept(b, n != null ? n : current.apply(b));
        });
  }

  static <B> Setting<B> port(String flag, String env, String description, Function<B, Integer> current,
      BiConsumer<B, Integer> set) {
    return new Setting<>(flag, env, "PORT", description, b -> current.apply(b),
        (flags, s, raw, b) -> set.accept(b, flags.port(s.flag, raw, s.env, current.apply(b))));
  }

  static <B> Setting<B> bool(String flag, String env, String description, Function<B, Boolean> current,
      BiConsumer<B, Boolean> set) {
    return new Setting<>(flag, env, "true|false", description, b -> current.apply(b),
        (flags, s, raw, b) -> set.accept(b, flags.bool(s.flag, raw, s.env, current.apply(b))));
  }

  /** A Kubernetes namespace's name. */
  static <B> Setting<B> namespace(String flag, String env, String description, Function<B, String> current,
      BiConsumer<B, String> set) {
    return new Setting<>(flag, env, "NS", description, b -> current.apply(b),
        (flags, s, raw, b) -> set.accept(b, flags.text(s.flag, raw, s.env, current.apply(b), NamespaceName::valid,
            NamespaceName.PROBLEM, "mongo-steward")));
  }

  /** Comma-separated namespace names; empty means none. */
  static <B> Setting<B> namespaces(String flag, String env, String description, Function<B, Set<String>> current,
      BiConsumer<B, Set<String>> set) {
    return new Setting<>(flag, env, "NS[,NS]", description, b -> String.join(",", current.apply(b)),
        (flags, s, raw, b) -> set.accept(b, flags.list(s.flag, raw, s.env, NamespaceName::valid,
            NamespaceName.PROBLEM)));
  }

  /** The picocli option: its help says the variable and the default, so they are never written twice. */
  OptionSpec option(B defaults) {
    Object d = current.apply(defaults);
    String shown = d == null || d.toString().isEmpty() ? "" : "; default " + d;
    return OptionSpec.builder(flag).paramLabel(label).type(String.class)
        .description(description + " (env " + env + shown + ").").build();
  }

  /** Adds every setting's option to a command. */
  static <B> void addTo(CommandSpec spec, Iterable<Setting<B>> settings, B defaults) {
    settings.forEach(s -> spec.addOption(s.option(defaults)));
  }

  /** Fills {@code target} from the parsed flags of {@code spec} and the environment. */
  static <B> B read(CommandSpec spec, Iterable<Setting<B>> settings, FlagOrEnv flags, B target) {
    for (Setting<B> s : settings) {
      OptionSpec option = spec.findOption(s.flag);
      s.reader.read(flags, s, option == null ? null : option.getValue(), target);
    }
    return target;
  }
}
