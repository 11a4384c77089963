package io.mongosteward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoDatabase;
import io.mongosteward.failure.Failure;
import io.mongosteward.health.Durations;
import io.mongosteward.migrate.Checkpoint;
import io.mongosteward.migrate.Listener;
import io.mongosteward.migrate.MigrationJob;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.MigrationRunner;
import io.mongosteward.migrate.RunResult;
import io.mongosteward.mongo.MigrationStore;
import io.mongosteward.mongo.Retrier;
import io.mongosteward.plan.Owner;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Runs MongoMigrations without a cluster, with the operator's engine: a deduplicate (keep one "
        + "document per key, archive the others, then delete them) or a backfill (write a field computed from "
        + "another). Throttled to spec.maxDocumentsPerSecond, in batches of spec.batchSize, with a checkpoint after "
        + "each batch in the database's mongosteward collection: Ctrl-C (or SIGTERM) stops at the next batch "
        + "boundary, and running the same command again resumes from the checkpoint, whether the CLI or the "
        + "operator ran before. One migration at a time per collection: a lease in the same collection says who "
        + "runs. A migration that succeeded with the same spec is not run again.",
        "",
        "Shows a progress bar when stderr is a terminal, else a line every --progress-interval; prints a summary "
        + "at the end. Needs a MongoDB (--mongo-uri-file, MONGODB_URI_FILE, MONGODB_URI, --mongo-uri, or the "
        + "Secret the file names); never an embedded one. Start with spec.dryRun: true: it counts what would "
        + "change and changes nothing.", ""},
    footer = {"", "Examples:",
        "  mongo-steward migrate -f examples/dedupe-posts.yaml              (dryRun: true there: counts, changes nothing)",
        "  MONGODB_URI=mongodb://localhost:27017 mongo-steward migrate -f examples/dedupe-posts.yaml",
        "  mongo-steward migrate -f examples/ --mongo-uri-file /run/secrets/mongo-uri   (each MongoMigration, in order)",
        "  mongo-steward migrate -f examples/backfill-link-norm.yaml -o json --progress none",
        "",
        "A file may hold MongoSchema documents too: a migration's spec.schemaRef takes its database (and Secret) "
        + "from the MongoSchema of that name in the same input. See the whole story (plan blocked by duplicates, "
        + "deduplicate, backfill, apply) on an embedded server: mongo-steward demo",
        "",
        "Exit codes: 0 done, or already done (the ledger has it succeeded with this spec); 2 a dry run found work, "
        + "a run removed late duplicates (written by the application during the run), another runner holds the "
        + "collection (named), or a stop before the end (a re-run resumes); 1 error (bad file, unreachable server, "
        + "a MongoDB failure: the checkpoint of the last batch is kept). With several migrations, the worst."})
final class MigrateCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin MongoTarget target;
  @Mixin MigrationInput input;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
      description = "text (default) or json: {\"migration\",\"outcome\" (SUCCEEDED, ALREADY_DONE, BUSY, STOPPED),"
          + "\"message\",\"exitCode\",\"kind\",\"dryRun\",\"database\",\"collection\",\"scanned\",\"total\",\"changed\","
          + "\"archived\",\"lateDuplicates\",\"redone\",\"durationMs\",\"target\"}; several migrations: "
          + "{\"kind\":\"List\",\"items\":[...]}; an error: {\"error\",\"field\",\"file\"}. Progress stays on stderr.")
  ResultPrinter.Format output;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
      description = "auto (default: a bar when stderr is a terminal, else lines), bar, lines, or none.")
  ProgressView.Mode progress;

  @Option(names = "--progress-interval", defaultValue = "5s", paramLabel = "DURATION",
      description = "How often a progress line is printed when there is no bar (default 5s).")
  String progressInterval;

  @Option(names = "--lease-ttl", defaultValue = "60s", paramLabel = "DURATION",
      description = "Advanced: how long the collection's lease lasts without renewal (default 60s; renewed after "
          + "each batch). A runner that is killed blocks the collection for at most this long; keep it well above "
          + "the time one batch takes.")
  String leaseTtl;

  @Mixin Attempts attempts;

  @Override
  public Integer call() throws Exception {
    int tries = attempts.checked();
    Duration ttl = duration("--lease-ttl", leaseTtl);
    Duration every = duration("--progress-interval", progressInterval);
    List<MigrationFile.Migration> migrations = input.load(main.in);
    AtomicBoolean stop = new AtomicBoolean();
    AutoCloseable signals = main.process ? Lifecycle.onStopSignals(() -> {
      stop.set(true);
      main.err.println();
      main.err.println("Stopping at the next batch boundary (the checkpoint is written; a re-run resumes from it). "
          + "Press Ctrl-C again to quit at once.");
      main.err.flush();
    }, () -> {
      main.err.println("Quitting at once: the collection's lease expires within " + Durations.format(ttl)
          + "; a re-run resumes from the last checkpoint.");
      main.err.flush();
      Runtime.getRuntime().halt(Main.ERROR);
    }) : () -> { };
    try (signals) {
      boolean json = output == ResultPrinter.Format.json;
      if (migrations.size() == 1) {
        return runOne(migrations.get(0), tries, ttl, every, stop, null);
      }
      List<ObjectNode> items = new ArrayList<>();
      int worst = Main.OK;
      for (MigrationFile.Migration m : migrations) {
        int code;
        if (stop.get()) {
          main.err.println(m.id() + ": not started: a stop was asked for");
          code = Main.ATTENTION;
        } else {
          try {
            code = runOne(m, tries, ttl, every, stop, items);
          } catch (RuntimeException e) {
            code = Main.ERROR;
            if (json) {
              ObjectNode item = ResultPrinter.error(e);
              item.put("migration", m.id());
              items.add(item);
            } else {
              main.err.println("error: " + Main.messageOf(e));
              main.err.flush();
            }
          }
        }
        worst = Main.worse(worst, code);
      }
      if (json) new ResultPrinter(main.out, output).list(items);
      return worst;
    }
  }

  private static Duration duration(String flag, String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("must be more than 0");
      return d;
    } catch (IllegalArgumentException e) {
      throw new InputException(flag + " " + text + ": " + e.getMessage() + " (a duration such as 500ms, 5s, 2m)");
    }
  }

  /** @param items where a JSON result goes when several are printed together, else null */
  private int runOne(MigrationFile.Migration m, int tries, Duration ttl, Duration every, AtomicBoolean stop,
      List<ObjectNode> items) {
    MigrationOutput.Subject subject = new MigrationOutput.Subject(m.id(), m.database(), m.migration().getSpec());
    try (MigrationSession session = MigrationSession.open(main, m, target, tries)) {
      main.err.println("== " + subject.id() + ": " + subject.what() + ", on " + session.target.uri().redacted() + " ("
          + session.target.source() + ")");
      main.err.flush();
      ProgressView view = view(subject, every);
      Ran ran = execute(session.database, session.sessions.retrier(), MigrationRunner.Settings.defaults()
          .withLeaseTtl(ttl), m, subject, view, stop::get, main.err);
      if (output == ResultPrinter.Format.json) {
        ObjectNode node = MigrationOutput.json(subject, ran.result(), ran.took(), session.target);
        if (items != null) items.add(node);
        else new ResultPrinter(main.out, output).write(node);
      } else {
        MigrationOutput.summary(subject, ran.result(), ran.took()).forEach(main.out::println);
        main.out.flush();
      }
      return MigrationOutput.exitCode(subject, ran.result());
    }
  }

  private ProgressView view(MigrationOutput.Subject subject, Duration every) {
    ProgressView.Mode mode = progress;
    if (mode == ProgressView.Mode.auto) {
      mode = main.terminal != null ? ProgressView.Mode.bar : ProgressView.Mode.lines;
    }
    return switch (mode) {
      case bar -> main.terminal != null ? new ProgressView.Bar(main.terminal, subject)
          : new ProgressView.Bar(System.err, subject);
      case lines -> new ProgressView.Lines(main.err, subject, System::nanoTime, every);
      default -> ProgressView.NONE;
    };
  }

  /** A run's result and how long it took. */
  record Ran(RunResult result, Duration took) {}

  /**
   * Runs one migration through the engine, as the CLI's -f and the demo do: says on {@code err}
   * when it resumes from a checkpoint, shows progress, and turns a failure into an error naming
   * the migration and what a re-run does.
   */
  static Ran execute(MongoDatabase db, Retrier retrier, MigrationRunner.Settings settings, MigrationFile.Migration m,
      MigrationOutput.Subject subject, ProgressView view, BooleanSupplier stop, PrintWriter err) {
    Owner owner = new Owner(m.migration().getMetadata().getNamespace(), m.migration().getMetadata().getName(), null);
    MigrationJob job = MigrationJob.of(owner, m.migration().getSpec());
    String resume = resumeNote(db, retrier, job);
    // Said once the run holds the collection: a run that finds it busy resumes nothing.
    Listener heard = new Listener() {
      @Override
      public void progress(Progress p) {
        view.progress(p);
      }

      @Override
      public void started(boolean resumed) {
        if (resumed && resume != null) {
          err.println(resume);
          err.flush();
        }
      }
    };
    long start = System.nanoTime();
    try (view) {
      RunResult r = new MigrationRunner(retrier, Clock.systemUTC(), settings).run(db, job, heard, stop);
      return new Ran(r, Duration.ofNanos(System.nanoTime() - start));
    } catch (Failure f) {
      throw new IllegalStateException(subject.id() + ": " + f.getMessage() + (f instanceof Failure.Invalid ? ""
          : " (after " + MigrationOutput.duration(Duration.ofNanos(System.nanoTime() - start)) + "; the checkpoint "
              + "of the last finished batch is kept: a re-run resumes from it)"));
    }
  }

  /** "Resuming ... from the checkpoint: ..." when the ledger holds an unfinished run of this migration and spec. */
  static String resumeNote(MongoDatabase db, Retrier retrier, MigrationJob job) {
    Document record = new MigrationStore(retrier).readRun(db, MigrationStore.runId(job.spec().getCollection(),
        job.migrationName(), job.specHash()));
    if (record == null || "Succeeded".equals(record.get("state"))) return null;
    Checkpoint c = Checkpoint.fromDocument(record.get("checkpoint", Document.class));
    if (c.scanned() == 0 && c.changed() == 0 && c.pending().isEmpty()) return null;
    return job.migrationName() + ": resuming from the checkpoint of a " + record.get("state") + " run: "
        + MigrationOutput.count(c.scanned()) + " scanned" + (c.total() == null ? "" : " of "
        + MigrationOutput.count(c.total())) + ", " + MigrationOutput.count(c.changed()) + " changed"
        + (c.pending().isEmpty() ? "" : ", a batch of " + c.pending().size() + " to finish");
  }
}
