package io.mongosteward.cli;

import io.mongosteward.api.v1alpha1.PolicySpec;
import io.mongosteward.mongo.CommitQuorum;
import io.mongosteward.mongo.SchemaApplier;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.SyncResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Brings a database to a MongoSchema: creates, changes (collMod) and, by policy, drops indexes, "
        + "and seeds counters. Idempotent: a second apply does nothing. Prints each action with its duration. "
        + "Needs a MongoDB (--mongo-uri-file, MONGODB_URI_FILE, MONGODB_URI, --mongo-uri or the Secret the file "
        + "names); only --dry-run falls back to an embedded server.", ""},
    footer = {"", "Examples:", "  mongo-steward apply -f examples/bot-app.yaml --dry-run",
        "  mongo-steward apply -f examples/bot-app.yaml --mongo-uri-file /var/run/secrets/mongo/uri",
        "  mongo-steward apply -f schemas/          (every *.yaml and *.yml in it)",
        "", "Exit codes: 0 the database matches the spec; 2 items need attention (conflicts, duplicates, "
        + "unsupported options, unmanaged indexes; with --dry-run, changes pending too); 1 error. With several "
        + "schemas, the worst of them."})
final class ApplyCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin MongoTarget target;

  @Mixin SchemaInput input;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
      description = "text (default) or json: the actions, each with \"applied\", the \"reports\", \"dryRun\", "
          + "\"converged\" and \"target\" (the server's \"source\" and \"uri\"); several schemas: {\"kind\":\"List\",\"items\":[...]}; an error: "
          + "{\"error\",\"field\",\"file\"}.")
  ResultPrinter.Format output;

  @Option(names = "--dry-run", description = "Show what would change, change nothing.")
  boolean dryRun;

  @Mixin Attempts attempts;

  @Option(names = "--commit-quorum", paramLabel = "QUORUM",
      description = {"createIndexes' commitQuorum on a replica set or through mongos: how many data-bearing voting "
          + "members must be ready before the primary commits a new index. votingMembers (the server's default "
          + "from 4.4), majority, or a member count from 0 to 50 (0 commits on the primary alone, without waiting "
          + "for the others). Overrides the file's spec.policy.commitQuorum. Ignored, with a note, on a standalone "
          + "server; a server older than 4.4 builds without it.",
          "Example: --commit-quorum majority"})
  String commitQuorum;

  @Override
  public Integer call() {
    attempts.checked();
    checkedQuorum();
    return EachSchema.run(main, input.load(main.in), output, this::apply);
  }

  /** The CRD's rule for spec.policy.commitQuorum, for the flag, checked before any file is read. */
  private void checkedQuorum() {
    if (commitQuorum != null && !commitQuorum.matches(PolicySpec.COMMIT_QUORUM)) {
      throw new InputException("--commit-quorum " + commitQuorum + ": must be votingMembers, majority, or a number "
          + "of members from 0 to 50 (as spec.policy.commitQuorum)", null, "--commit-quorum");
    }
  }

  private int apply(SchemaFile.Document document, ResultPrinter printer) {
    try (SchemaSession session = SchemaSession.open(main, document, target, attempts.checked(), !dryRun)) {
      boolean dry = dryRun;
      if (session.schema.getSpec().getPolicy().isPaused() && !dry) {
        main.err.println(document.source() + ": spec.policy.paused is true: nothing is written. Set it to false to "
            + "apply.");
        dry = true;
      }
      // Progress goes to stderr, so that stdout stays the result (and valid JSON with -o json).
      SchemaApplier.Progress progress = step -> {
        main.err.println("... " + step);
        main.err.flush();
      };
      // A dry run counts duplicates first, so it shows BlockedByDuplicates before any build; an
      // apply builds straight away, and counts only when a build fails.
      String declared = commitQuorum != null ? commitQuorum : session.schema.getSpec().getPolicy().getCommitQuorum();
      CommitQuorum.Decision quorum = CommitQuorum.decide(declared, session.client);
      if (quorum.note() != null && !dry) {
        main.err.println("note: " + (commitQuorum != null ? quorum.note().replace("spec.policy.commitQuorum",
            "--commit-quorum") : quorum.note()));
        main.err.flush();
      }
      SyncResult result = session.engine.sync(session.database, session.schema.getSpec(), new SchemaEngine.Pass(
          session.owner, dry, dry ? SchemaEngine.DuplicateCheck.ALL : SchemaEngine.DuplicateCheck.NONE, progress,
          null, quorum.value()));
      printer.apply(session.schema.getSpec().getDatabase(), session.target, result);
      if (dry) {
        return result.plan().hasChanges() || !result.remainingReports().isEmpty() || result.plan().waitsForDrop()
            ? Main.ATTENTION : Main.OK;
      }
      return result.converged() ? Main.OK : Main.ATTENTION;
    }
  }
}
