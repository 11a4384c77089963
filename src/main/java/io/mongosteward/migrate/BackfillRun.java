package io.mongosteward.migrate;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import io.mongosteward.api.v1alpha1.BackfillSpec;
import io.mongosteward.mongo.IdWalk;
import io.mongosteward.mongo.MigrationData;
import io.mongosteward.mongo.MigrationData.ConditionalSet;
import io.mongosteward.plan.BsonOrder;
import io.mongosteward.plan.FieldPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backfill: the documents in _id order, batchSize at a time, reading _id, source and target only;
 * target written where it is missing or (unless onlyMissing) differs from the transformed source,
 * each update conditional on the source and target as read.
 */
final class BackfillRun {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillRun.class);
  /** Rounds of re-reading the documents the application keeps changing, before leaving them to a re-run. */
  static final int MAX_ROUNDS = 10;

  private final RunContext run;
  private final BackfillSpec spec;
  private final MigrationData data;
  private final IdWalk walk;
  private final MongoCollection<Document> collection;
  private final Bson projection;
  private long unsettled;
  /** Up to SHOWN documents the server refused to write the target in, this attempt: _id and why. */
  private final List<MigrationData.Rejected> rejected = new ArrayList<>();
  static final int SHOWN = 5;

  BackfillRun(RunContext run) {
    this.run = run;
    this.spec = run.job.spec().getBackfill();
    this.data = new MigrationData(run.retrier);
    this.walk = new IdWalk(run.retrier);
    this.collection = run.db.getCollection(run.collection());
    this.projection = Projections.include("_id", spec.getSource(), spec.getTarget());
  }

  RunResult run() {
    if (!run.dryRun() && !run.checkpoint().pending().isEmpty()) {
      recover();
    }
    run.save(run.checkpoint().withTotal(data.estimatedCount(collection)));
    while (true) {
      if (run.stopRequested()) return stopped();
      Checkpoint cp = run.checkpoint();
      IdWalk.Page page = run.reading(() -> walk.next(collection, projection, cp.bracket(), cp.lastId(),
          run.batchSize()));
      if (page.rows().isEmpty()) return done();
      if (!run.pace(page.rows().size())) return stopped();
      List<ConditionalSet> writes = new ArrayList<>();
      for (Document row : page.rows()) {
        ConditionalSet w = decide(row);
        if (w != null) writes.add(w);
      }
      long written = 0;
      long redone = 0;
      long skipped = 0;
      if (run.dryRun()) {
        written = writes.size();
      } else if (!writes.isEmpty()) {
        List<Object> ids = new ArrayList<>(writes.size());
        writes.forEach(w -> ids.add(w.id()));
        run.save(cp.withPending(ids, page.rows().size()));
        long[] counts = write(writes);
        written = counts[0];
        redone = counts[1];
        skipped = counts[2];
      }
      run.batchDone(run.checkpoint().advance(page.rows().size(), written, 0, redone, 0, 0, 0, page.bracket(),
          page.lastId()).plusSkipped(skipped));
    }
  }

  /**
   * The update a document needs, or null: none when the source is missing, null or behind an
   * array, or when the target already holds the value (or, with onlyMissing, holds anything but null).
   */
  ConditionalSet decide(Document row) {
    if (!(FieldPath.get(row, spec.getSource()) instanceof FieldPath.Present source) || source.value() == null) {
      return null;
    }
    FieldPath.Value target = FieldPath.get(row, spec.getTarget());
    if (target instanceof FieldPath.ThroughArray) return null;
    Object value = Transforms.apply(spec.getTransforms(), source.value());
    Object targetRead = target instanceof FieldPath.Present p ? p.value() : MigrationData.MISSING;
    // A null target counts as missing.
    if (targetRead != MigrationData.MISSING && targetRead != null && (spec.isOnlyMissing() || same(targetRead, value))) {
      return null;
    }
    return new ConditionalSet(row.get("_id"), spec.getSource(), source.value(), spec.getTarget(), targetRead, value);
  }

  /** The same value as MongoDB compares keys (1 and 1L are the same; the string "1" is not the number 1). */
  static boolean same(Object a, Object b) {
    return BsonOrder.same(a, b);
  }

  /**
   * Writes, then reads again what did not match: a document whose source changed since it was read
   * is counted as redone and written from its new source; one whose write landed (a retry after a
   * cut connection, say) is counted as written. A document the server refuses to update (code 28:
   * the target cannot be created in it, as {@code meta.norm} in {@code {meta: "str"}}) is skipped:
   * counted, named in the final message, left as it is; the others go on.
   *
   * @return {written, redone, skipped}
   */
  private long[] write(List<ConditionalSet> writes) {
    long written = 0;
    long redone = 0;
    long skipped = 0;
    List<ConditionalSet> todo = writes;
    for (int round = 1; !todo.isEmpty(); round++) {
      MigrationData.SetResult result = data.conditionalSet(collection, todo);
      long matched = result.matched();
      if (!result.rejected().isEmpty()) {
        skipped += result.rejected().size();
        for (MigrationData.Rejected r : result.rejected()) {
          if (rejected.size() < SHOWN) rejected.add(r);
          LOG.warn("migration {}: document {} skipped: {}", run.job.migrationName(), r.id(), r.message());
        }
        java.util.Set<Object> refused = new java.util.HashSet<>();
        result.rejected().forEach(r -> refused.add(r.id()));
        todo = todo.stream().filter(w -> !refused.contains(w.id())).toList();
      }
      if (matched == todo.size()) {
        written += matched;
        break;
      }
      List<Object> ids = new ArrayList<>(todo.size());
      todo.forEach(w -> ids.add(w.id()));
      Map<Object, Document> now = new HashMap<>();
      for (Document d : data.read(collection, ids, projection)) now.put(d.get("_id"), d);
      List<ConditionalSet> again = new ArrayList<>();
      for (ConditionalSet w : todo) {
        Document d = now.get(w.id());
        if (d == null) continue; // deleted meanwhile
        boolean sourceSame = FieldPath.get(d, spec.getSource()) instanceof FieldPath.Present p
            && same(p.value(), w.sourceRead());
        if (sourceSame && FieldPath.get(d, spec.getTarget()) instanceof FieldPath.Present t && same(t.value(), w.value())) {
          written++; // the write landed (or the application wrote the same value)
          continue;
        }
        if (!sourceSame) redone++;
        ConditionalSet next = decide(d);
        if (next != null) again.add(next);
      }
      if (round >= MAX_ROUNDS && !again.isEmpty()) {
        unsettled += again.size();
        LOG.warn("migration {}: {} documents changed by the application {} times in a row while being written; "
            + "left as they are", run.job.migrationName(), again.size(), MAX_ROUNDS);
        break;
      }
      todo = again;
    }
    return new long[] {written, redone, skipped};
  }

  /**
   * After a crash in the middle of a batch: the pending documents whose target now holds the value
   * of their source were written by that batch, and are counted. The walk reads the batch again
   * from the checkpoint and writes the rest.
   */
  private void recover() {
    Checkpoint cp = run.checkpoint();
    long written = 0;
    for (Document d : data.read(collection, cp.pending(), projection)) {
      if (FieldPath.get(d, spec.getSource()) instanceof FieldPath.Present p && p.value() != null
          && FieldPath.get(d, spec.getTarget()) instanceof FieldPath.Present t
          && same(t.value(), Transforms.apply(spec.getTransforms(), p.value()))) {
        written++;
      }
    }
    run.save(cp.advance(0, written, 0, 0, 0, 0, 0, cp.bracket(), cp.lastId()));
  }

  private String describeRejected() {
    if (rejected.isEmpty()) return "see an earlier attempt's log";
    StringBuilder b = new StringBuilder();
    for (MigrationData.Rejected r : rejected) {
      if (b.length() > 0) b.append("; ");
      b.append("_id ").append(r.id() instanceof String s ? "\"" + s + "\"" : String.valueOf(r.id())).append(": ")
          .append(r.message().length() > 200 ? r.message().substring(0, 200) + "..." : r.message());
    }
    return (run.checkpoint().skipped() > rejected.size() ? "the first " + rejected.size() + ": " : "") + b;
  }

  private RunResult stopped() {
    Progress p = run.progress();
    return new RunResult(RunResult.Outcome.STOPPED, p, 0, "stopped at a batch boundary after " + p.scanned()
        + " documents; a re-run resumes from the checkpoint");
  }

  private RunResult done() {
    Checkpoint cp = run.checkpoint();
    String message = (run.dryRun() ? "dry run: would write " : "wrote ") + spec.getTarget() + " in " + cp.changed()
        + " of " + cp.scanned() + " documents of " + run.collection()
        + (cp.redone() > 0 ? "; " + cp.redone() + " changed by the application meanwhile were written again" : "")
        + (unsettled > 0 ? "; " + unsettled + " kept changing and were left as they are" : "")
        + (cp.skipped() > 0 ? "; " + cp.skipped() + " skipped: the server refused to write " + spec.getTarget()
            + " in them, left as they are (" + describeRejected() + ")" : "")
        + (run.dryRun() ? "; nothing changed" : "");
    return new RunResult(RunResult.Outcome.SUCCEEDED, run.progress(), 0, message);
  }
}
