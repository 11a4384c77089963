package io.mongosteward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.migrate.MigrationRunner;
import io.mongosteward.migrate.Progress;
import io.mongosteward.migrate.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What `migrate` tells people, as pure functions of the engine's progress and result: the
 * periodic progress line, the summary at the end, the JSON of a result, and the exit code.
 */
final class MigrationOutput {
  private MigrationOutput() {}

  /** One migration as the output names it. */
  record Subject(String id, String database, MongoMigrationSpec spec) {
    boolean deduplicate() {
      return spec.getDeduplicate() != null;
    }

    /** "deduplicate bot.posts by [post_id]" or "backfill bot.posts: message_link -> message_link_norm [NormalizeUrl]". */
    String what() {
      String where = database + "." + spec.getCollection();
      DeduplicateSpec d = spec.getDeduplicate();
      if (d != null) {
        return "deduplicate " + where + " by [" + String.join(", ", d.getKeys()) + "], keep " + d.getKeep()
            + (d.getKeepBy().equals("_id") ? "" : " by " + d.getKeepBy())
            + (spec.isDryRun() ? " (dry run)" : ", archive in " + MigrationRunner.archiveOf(spec));
      }
      BackfillSpec b = spec.getBackfill();
      return "backfill " + where + ": " + b.getSource() + " -> " + b.getTarget()
          + (b.getTransforms().isEmpty() ? "" : " [" + b.getTransforms().stream().map(Transform::name)
              .collect(Collectors.joining(", ")) + "]")
          + (b.isOnlyMissing() ? ", only where missing" : "") + (spec.isDryRun() ? " (dry run)" : "");
    }

    /** The verb for `changed`: removed, written, or with a dry run "would remove". */
    String changedVerb() {
      String verb = deduplicate() ? "remove" : "write";
      return spec.isDryRun() ? "would " + verb : deduplicate() ? "removed" : "written";
    }
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** "1.2 s", "3 min 04 s", "250 ms": short, for people. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) return ms + " ms";
    if (ms < 60_000) return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    long s = d.toSeconds();
    if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  /**
   * The periodic line where stderr is not a terminal:
   * "bots/dedupe: 1,200/4,800 scanned (25%), 300 docs/s, ETA 12.0 s; removed 600, archived 600".
   */
  static String line(Subject subject, Progress p) {
    StringBuilder b = new StringBuilder(subject.id()).append(": ");
    if (Progress.FINAL.equals(p.pass())) b.append("final pass, ");
    b.append(count(p.scanned()));
    if (p.total() != null) b.append('/').append(count(p.total()));
    b.append(" scanned");
    if (p.percent() != null) b.append(" (").append(p.percent()).append("%)");
    b.append(", ").append(count(Math.round(p.rate()))).append(" docs/s, ETA ")
        .append(p.eta() == null ? "unknown" : duration(p.eta()));
    b.append("; ").append(subject.changedVerb()).append(' ').append(count(p.changed()));
    if (subject.deduplicate() && !subject.spec().isDryRun()) b.append(", archived ").append(count(p.archived()));
    if (!subject.deduplicate() && p.redone() > 0) b.append(", redone ").append(count(p.redone()));
    return b.toString();
  }

  /** The summary printed when a run ends, one line then the counts, indented. */
  static List<String> summary(Subject subject, RunResult r, Duration took) {
    List<String> out = new ArrayList<>();
    Progress p = r.last();
    boolean dry = subject.spec().isDryRun();
    String head = subject.id() + ": " + subject.what() + ": ";
    switch (r.outcome()) {
      case SUCCEEDED -> out.add(head + "done in " + duration(took));
      case ALREADY_DONE -> out.add(head + r.message() + "; nothing to do. To run it again, change the spec or "
          + "give it another metadata.name");
      case STOPPED -> out.add(head + "stopped at a batch boundary after " + duration(took) + ". Run the same command "
          + "again to resume from the checkpoint");
      case BUSY -> out.add(head + "not run: " + r.message() + ". Run it again once that migration is done, or its "
          + "lease has expired (a runner that was killed)");
    }
    if (p == null || r.outcome() == RunResult.Outcome.BUSY && p.scanned() == 0 && p.changed() == 0) {
      return out;
    }
    out.add(String.format(Locale.ROOT, "  %-16s %s%s", "scanned", count(p.scanned()), p.total() == null ? ""
        : " of " + count(p.total()) + (subject.deduplicate() ? " documents in duplicate groups" : " documents")));
    if (subject.deduplicate()) {
      out.add(String.format(Locale.ROOT, "  %-16s %s", subject.changedVerb(), count(p.changed())
          + (dry ? " (nothing was changed)" : "")));
      if (!dry) {
        out.add(String.format(Locale.ROOT, "  %-16s %s", "archived", count(p.archived()) + " in "
            + MigrationRunner.archiveOf(subject.spec())));
        out.add(String.format(Locale.ROOT, "  %-16s %s", "late duplicates", count(r.lateDuplicates())
            + (r.lateDuplicates() > 0 ? " (written by the application during the run, removed by the final pass: "
                + "check what writes them)" : "")));
      }
    } else {
      out.add(String.format(Locale.ROOT, "  %-16s %s", subject.changedVerb(), count(p.changed())
          + (dry ? " (nothing was changed)" : "")));
      if (!dry) {
        out.add(String.format(Locale.ROOT, "  %-16s %s", "redone", count(p.redone())
            + (p.redone() > 0 ? " (changed by the application between read and write; written again from the new "
                + "value)" : "")));
      }
    }
    return out;
  }

  /**
   * 0 done (or already done); 2 a dry run that found work, late duplicates, another runner holding
   * the collection, or a stop before the end.
   */
  static int exitCode(Subject subject, RunResult r) {
    return switch (r.outcome()) {
      case ALREADY_DONE -> Main.OK;
      case BUSY, STOPPED -> Main.ATTENTION;
      case SUCCEEDED -> subject.spec().isDryRun() ? (r.last() != null && r.last().changed() > 0 ? Main.ATTENTION
          : Main.OK) : r.lateDuplicates() > 0 || (r.last() != null && r.last().skipped() > 0) ? Main.ATTENTION
          : Main.OK;
    };
  }

  /** The result for scripts: {"migration","outcome","message","dryRun","kind","database","collection",counts,"durationMs"}. */
  static ObjectNode json(Subject subject, RunResult r, Duration took, MongoTarget.Resolved target) {
    ObjectNode n = SchemaFile.json().createObjectNode();
    n.put("migration", subject.id());
    n.put("outcome", r.outcome().name());
    n.put("message", r.message());
    n.put("exitCode", exitCode(subject, r));
    n.put("kind", subject.deduplicate() ? "deduplicate" : "backfill");
    n.put("dryRun", subject.spec().isDryRun());
    n.put("database", subject.database());
    n.put("collection", subject.spec().getCollection());
    Progress p = r.last();
    n.put("scanned", p == null ? 0 : p.scanned());
    if (p != null && p.total() != null) n.put("total", p.total());
    else n.putNull("total");
    n.put("changed", p == null ? 0 : p.changed());
    n.put("archived", p == null ? 0 : p.archived());
    n.put("lateDuplicates", r.lateDuplicates());
    n.put("redone", p == null ? 0 : p.redone());
    n.put("skipped", p == null ? 0 : p.skipped());
    n.put("durationMs", took.toMillis());
    if (target != null) {
      ObjectNode t = n.putObject("target");
      t.put("source", target.source());
      t.put("uri", target.uri().redacted());
    }
    return n;
  }
}
