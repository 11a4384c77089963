package io.mongosteward.cli;

import io.mongosteward.mongo.Redactor;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: `mongo-steward <command>`. Exit codes: 0 done, 2 attention needed, 1 error. */
@Command(name = "mongo-steward", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Keeps a MongoDB database the way its application needs it: declared indexes and id counters, "
        + "reconciled idempotently, from a MongoSchema file or from Kubernetes; and throttled, resumable data "
        + "migrations (deduplicate, backfill) from a MongoMigration file.", ""},
    footer = {"", "Exit codes (plan, apply): 0 the database matches the spec; 2 changes pending (plan) or items need "
        + "attention (a conflict, duplicates, an unsupported option, an unmanaged index); 1 error.",
        "Exit codes (migrate): 0 done; 2 a dry run found work, a run found late duplicates, another runner holds the "
        + "collection, or a stop before the end (a re-run resumes); 1 error.",
        "Start with: mongo-steward demo"})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int ATTENTION = 2;

  final Map<String, String> env;
  final InputStream in;
  final PrintWriter out;
  final PrintWriter err;
  /** This process's stderr when it is a terminal (for a progress bar), else null. */
  final java.io.PrintStream terminal;
  /** Whether this is the process's own command line (main): only then are signals this command's to handle. */
  final boolean process;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public Main(Map<String, String> env, PrintWriter out, PrintWriter err) {
    this(env, InputStream.nullInputStream(), out, err);
  }

  public Main(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err) {
    this(env, in, out, err, null, false);
  }

  Main(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err, java.io.PrintStream terminal,
      boolean process) {
    this.env = env;
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.process = process;
  }

  @Override
  public void run() {
    spec.commandLine().usage(out);
  }

  public static void main(String[] args) {
    logging(args);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(new Main(System.getenv(), System.in, out, err,
        ProgressView.stderrIsTerminal() ? System.err : null, true), args));
  }

  /** SLF4J's provider for the sidecar: slf4j-simple, with its lines shaped as cli.LogSetup shapes Logback's. */
  static final String SIMPLE = "org.slf4j.simple.SimpleServiceProvider";
  static final String LOGBACK = "ch.qos.logback.classic.spi.LogbackServiceProvider";

  /**
   * This process's logging, set before its first logger: the level, and the SLF4J provider named in
   * {@code slf4j.provider}. The jar holds two providers: the sidecar logs through slf4j-simple, which
   * is about 220 classes and 1 MB of RSS less than Logback (docs/benchmarks.md), in every application
   * pod; the other commands keep Logback (cli.LogSetup). Naming the provider also keeps SLF4J from
   * warning that it found several. A provider or a Logback file given with -D wins.
   */
  static void logging(String... args) {
    // Quiet by default: commands print their own results; logs are for `operator` and `sidecar`.
    if (System.getProperty("mongosteward.log.level") == null) {
      boolean server = args.length > 0 && (args[0].equals("operator") || args[0].equals("sidecar"));
      System.setProperty("mongosteward.log.level", server ? "INFO" : "WARN");
    }
    setDefault("slf4j.internal.verbosity", "WARN"); // else SLF4J says which provider it loads
    // A name that cannot be used is told once and set aside: SLF4J would fall back to searching,
    // and say so in lines of its own, and Logback would fall back to DEBUG on standard output.
    String named = System.getProperty("slf4j.provider");
    if (named != null && !loadable(named)) {
      System.err.println("slf4j.provider names " + named + ", which is not in the jar: using the built-in logging");
      System.clearProperty("slf4j.provider");
      named = null;
    }
    String logbackFile = System.getProperty("logback.configurationFile");
    if (logbackFile != null && !logbackFile.contains(":") && !Files.isRegularFile(Path.of(logbackFile))
        && Main.class.getClassLoader().getResource(logbackFile) == null) {
      System.err.println("logback.configurationFile names " + logbackFile + ", which is neither a file nor in the jar: "
          + "using the built-in logging");
      System.clearProperty("logback.configurationFile");
      logbackFile = null;
    }
    if (named == null) {
      boolean sidecar = args.length > 0 && args[0].equals("sidecar") && logbackFile == null;
      named = sidecar ? SIMPLE : LOGBACK;
    }
    if (!named.equals(SIMPLE)) {
      System.setProperty("slf4j.provider", named);
      return;
    }
    System.setProperty("slf4j.provider", SIMPLE);
    // cli.LogSetup's line, "HH:mm:ss.SSS LEVEL Logger - message", except that the level is not padded.
    String p = "org.slf4j.simpleLogger.";
    setDefault(p + "logFile", "System.err");
    setDefault(p + "showDateTime", "true");
    setDefault(p + "dateTimeFormat", "HH:mm:ss.SSS");
    setDefault(p + "showThreadName", "false");
    setDefault(p + "levelInBrackets", "false");
    setDefault(p + "showShortLogName", "true");
    // Logback's level names; slf4j-simple has no ALL, and reads an unknown name as INFO as Logback does.
    String level = System.getProperty("mongosteward.log.level");
    setDefault(p + "defaultLogLevel", level.equalsIgnoreCase("ALL") ? "TRACE" : level);
    setDefault(p + "log.org.mongodb.driver", "WARN");
    setDefault(p + "log.io.netty", "WARN");
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, Main.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** With nothing on standard input: for the commands that do not read it. */
  public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    return run(env, InputStream.nullInputStream(), out, err, args);
  }

  public static int run(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err, String... args) {
    return run(new Main(env, in, out, err), args);
  }

  private static int run(Main main, String... args) {
    PrintWriter out = main.out;
    PrintWriter err = main.err;
    CommandLine cli = commandLine(main, args);
    cli.setOut(out).setErr(err);
    boolean json = wantsJson(args);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      report(e, json, out, err);
      return ERROR;
    });
    cli.setParameterExceptionHandler((e, a) -> {
      // A mistyped flag is quoted with its value, which may be a connection string.
      report(new InputException(Redactor.scrubUris(e.getMessage())), json, out, err);
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return ERROR;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Every subcommand, in the order the help lists them. */
  static final List<String> COMMANDS = List.of("plan", "apply", "migrate", "demo", "operator", "sidecar", "help");

  /**
   * The command line for these arguments. When the first argument names a command, only that
   * command is registered: picocli reads each registered command class by reflection, which loads
   * the classes its fields and methods name, so `sidecar` would otherwise load the Kubernetes client
   * and the operator's classes that it never uses. Anything else (no command, --help, a typo)
   * registers them all, for the help and the suggestions.
   */
  static CommandLine commandLine(Main main, String... args) {
    CommandLine cli = new CommandLine(main);
    boolean one = args.length > 0 && COMMANDS.contains(args[0]) && !args[0].equals("help");
    for (String name : one ? List.of(args[0]) : COMMANDS) {
      cli.addSubcommand(name, command(name));
    }
    if (cli.getSubcommands().containsKey("operator")) {
      Setting.addTo(cli.getSubcommands().get("operator").getCommandSpec(), OperatorCommand.SETTINGS,
          io.mongosteward.operator.OperatorSettings.builder());
    }
    if (cli.getSubcommands().containsKey("sidecar")) {
      Setting.addTo(cli.getSubcommands().get("sidecar").getCommandSpec(), SidecarCommand.SETTINGS,
          new SidecarCommand.Values());
    }
    // Wide enough that help paragraphs wrap once, not at every flag.
    cli.setUsageHelpWidth(100);
    return cli;
  }

  /** A class literal per branch: a class is loaded only when its branch runs. */
  private static Class<?> command(String name) {
    switch (name) {
      case "plan": return PlanCommand.class;
      case "apply": return ApplyCommand.class;
      case "migrate": return MigrateCommand.class;
      case "demo": return DemoCommand.class;
      case "operator": return OperatorCommand.class;
      case "sidecar": return SidecarCommand.class;
      case "help": return CommandLine.HelpCommand.class;
      default: throw new IllegalArgumentException(name);
    }
  }

  /**
   * With -o json, any error is one JSON object on stdout, so that `| jq` never breaks; else a line
   * on stderr. Either way stdout holds nothing else, and the exit code is 1.
   */
  private static void report(Exception e, boolean json, PrintWriter out, PrintWriter err) {
    if (json) {
      new ResultPrinter(out, ResultPrinter.Format.json).write(ResultPrinter.error(e));
      out.flush();
    } else {
      err.println("error: " + messageOf(e));
      err.flush();
    }
  }

  /** Whether -o json is asked for, read from the raw arguments: it holds when parsing them failed too. */
  static boolean wantsJson(String... args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length && args[i + 1].equals("json")
          || a.equals("-ojson") || a.equals("-o=json") || a.equals("--output=json")) {
        return true;
      }
    }
    return false;
  }

  /** What to tell the user about an error: ours as is, anyone else's with URIs' passwords masked. */
  static String messageOf(Throwable e) {
    if (e instanceof InputException) {
      return e.getMessage();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redactor.scrubUris(message);
  }

  /** The worse of two exit codes: an error (1), then attention (2), then done (0). */
  static int worse(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int code) {
    return code == ERROR ? 2 : code == ATTENTION ? 1 : 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"mongo-steward " + (v == null ? "dev" : v)};
    }
  }
}
