package io.mongosteward.migrate;

import com.mongodb.client.MongoCollection;
import io.mongosteward.api.v1alpha1.DeduplicateSpec;
import io.mongosteward.mongo.DuplicateGroups;
import io.mongosteward.mongo.MigrationData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * A deduplication: the main pass over the duplicate groups, then (unless a dry run) a final pass
 * for duplicates written meanwhile. Each batch: up to batchSize documents to remove; their groups'
 * losers checked to share a key with their survivor still; their _ids recorded as pending; read whole, copied to the archive, deleted;
 * the checkpoint written.
 */
final class DeduplicateRun {
  private final RunContext run;
  private final DeduplicateSpec spec;
  private final MigrationData data;
  private final MongoCollection<Document> collection;
  private final MongoCollection<Document> archive;
  /** Documents kept beyond one per key in the current batch, not yet in the checkpoint. */
  private long heldTwice;

  DeduplicateRun(RunContext run) {
    this.run = run;
    this.spec = run.job.spec().getDeduplicate();
    this.data = new MigrationData(run.retrier);
    this.collection = run.db.getCollection(run.collection());
    this.archive = run.db.getCollection(MigrationRunner.archiveOf(run.job.spec()));
  }

  RunResult run() {
    if (!run.dryRun() && !run.checkpoint().pending().isEmpty()) {
      recover();
    }
    if (run.checkpoint().pass().equals(Progress.MAIN)) {
      if (!pass()) return stopped();
      if (run.dryRun()) return done();
      run.save(run.checkpoint().finalPass());
    }
    if (!pass()) return stopped();
    return done();
  }

  /**
   * After a crash in the middle of a batch: the pending documents that are gone from the collection
   * and in the archive were removed by that batch, and are counted; the copies of those still in
   * the collection leave the archive again, but only a copy that equals the document (one this run
   * wrote): the archive never loses a document the run did not write. The passes find the
   * documents again if they are still duplicates.
   */
  private void recover() {
    Checkpoint cp = run.checkpoint();
    Set<Object> present = data.existing(collection, cp.pending());
    List<Object> gone = new ArrayList<>();
    for (Object id : cp.pending()) {
      if (!present.contains(id)) gone.add(id);
    }
    long removed = data.existing(archive, gone).size();
    if (!present.isEmpty()) data.deleteEqualCopies(archive, data.read(collection, present, null));
    boolean last = cp.pass().equals(Progress.FINAL);
    run.save(cp.advance(gone.isEmpty() ? 0 : cp.pendingScanned(), removed, removed, 0, last ? removed : 0,
        cp.groupsDone(), cp.offset(), 0, null));
  }

  /** One pass over the duplicate groups; false when a stop was asked for. */
  private boolean pass() {
    Checkpoint cp = run.checkpoint();
    boolean dry = run.dryRun();
    boolean last = cp.pass().equals(Progress.FINAL);
    // A dry run changes nothing, so it resumes after the groups it went through; a real run finds
    // only the groups that still have duplicates, whatever it did before.
    long skip = dry ? cp.groupsDone() : 0;
    // Documents kept beyond one per key (array keys that no single survivor satisfies), counted
    // where the pass sees every group that is left: the final pass of a real run (it starts from
    // the first group again after a resume, so its count starts again too), or a dry run's pass.
    boolean counting = dry || last;
    if (last && cp.skipped() > 0) {
      run.save(cp.plusSkipped(-cp.skipped()));
    }
    try (DuplicateGroups groups = new DuplicateGroups(run.retrier, collection, spec.getKeys(), spec.getKeepBy(),
        run.settings.searchTimeout(), run.batchSize(), skip, dry)) {
      if (!dry || cp.total() == null) {
        DuplicateGroups.Count count = run.reading(groups::count); // null: the server cannot count them cheaply
        run.save(cp.withTotal(count == null ? null : (dry ? 0 : cp.scanned()) + count.documents()));
      }
      Survivors survivors = new Survivors(spec.getKeep());
      Taking taking = null;
      int resumeOffset = dry ? cp.offset() : 0;
      long groupsDone = cp.groupsDone();
      while (true) {
        if (run.stopRequested()) return false;
        List<Object> losers = new ArrayList<>();
        List<Object> survivorOf = new ArrayList<>();
        long survivorsFinished = 0;
        boolean finishedAGroup = false;
        while (losers.size() < run.batchSize()) {
          if (taking == null) {
            DuplicateGroups.Group g = run.reading(groups::next);
            if (g == null) break;
            taking = new Taking(survivors.decide(g.members()), resumeOffset);
            if (counting) heldTwice += taking.decision.heldTwice();
            resumeOffset = 0;
          }
          List<Object> groupLosers = taking.decision.losers();
          int take = Math.min(run.batchSize() - losers.size(), groupLosers.size() - taking.offset);
          for (int i = 0; i < take; i++) {
            losers.add(groupLosers.get(taking.offset + i));
            survivorOf.add(taking.decision.survivor());
          }
          taking.offset += take;
          if (taking.offset >= groupLosers.size()) {
            if (taking.decision.survivor() != null) survivorsFinished++;
            groupsDone++;
            finishedAGroup = true;
            taking = null;
          }
        }
        if (losers.isEmpty() && !finishedAGroup) return true; // no group left (heldTwice is 0: no group was decided)
        long scannedBy = losers.size() + survivorsFinished;
        if (!run.pace(scannedBy)) return false;
        long removed = dry ? losers.size() : remove(groups, losers, survivorOf, scannedBy);
        run.batchDone(run.checkpoint().advance(scannedBy, removed, dry ? 0 : removed, 0, last ? removed : 0,
            groupsDone, taking == null ? 0 : taking.offset, 0, null).plusSkipped(heldTwice));
        heldTwice = 0;
      }
    }
  }

  /**
   * Archives then deletes the losers that still share a key with their survivor; returns how many
   * were removed.
   */
  private long remove(DuplicateGroups groups, List<Object> losers, List<Object> survivorOf, long scannedBy) {
    if (losers.isEmpty()) return 0;
    // The application may have written since the search: a loser whose survivor it deleted or moved
    // to another key, or which it moved to a key of its own, stays; the final pass (or a re-run)
    // chooses again, so that a key never loses its last document. The losers are read whole first,
    // as the archive takes them, and those same documents are compared with their survivors.
    List<Document> read = data.read(collection, new LinkedHashSet<>(losers), null);
    Set<Object> confirmed = groups.stillDuplicates(read, losers, survivorOf);
    List<Object> go = new ArrayList<>();
    Set<Object> seen = new HashSet<>();
    for (Object loser : losers) {
      if (confirmed.contains(loser) && seen.add(loser)) go.add(loser);
    }
    if (go.isEmpty()) return 0;
    run.save(run.checkpoint().withPending(go, scannedBy));
    List<Document> documents = read.stream().filter(d -> confirmed.contains(d.get("_id"))).toList();
    data.archive(archive, documents);
    List<Object> ids = new ArrayList<>(documents.size());
    documents.forEach(d -> ids.add(d.get("_id")));
    data.delete(collection, ids);
    return documents.size();
  }

  private RunResult stopped() {
    Progress p = run.progress();
    return new RunResult(RunResult.Outcome.STOPPED, p, run.checkpoint().lateDuplicates(),
        "stopped at a batch boundary after removing " + p.changed() + " duplicate documents"
            + (run.dryRun() ? " (dry run: would remove)" : "") + "; a re-run resumes from the checkpoint");
  }

  private RunResult done() {
    Checkpoint cp = run.checkpoint();
    Progress p = run.progress();
    String message;
    if (run.dryRun()) {
      message = "dry run: would remove " + cp.changed() + " duplicate documents from " + run.collection() + " ("
          + cp.scanned() + " documents in " + cp.groupsDone() + " duplicate groups); nothing changed";
    } else {
      message = "removed " + cp.changed() + " duplicate documents from " + run.collection() + ", archived in "
          + MigrationRunner.archiveOf(run.job.spec()) + "; " + cp.lateDuplicates()
          + " of them written during the run (found by the final pass)";
    }
    if (cp.skipped() > 0) {
      message += "; " + cp.skipped() + " document(s) " + (run.dryRun() ? "would stay" : "stay")
          + " beyond one per key: their array keys leave no single survivor that holds each key once, so "
          + "some keys are still held by more than one document and a unique index on them fails until "
          + "they are fixed by hand (docs/migrations.md, array keys)";
    }
    return new RunResult(RunResult.Outcome.SUCCEEDED, p, cp.lateDuplicates(), message);
  }

  /** A group being taken, in one batch or several. */
  private static final class Taking {
    final Survivors.Decision decision;
    int offset;

    Taking(Survivors.Decision decision, int offset) {
      this.decision = decision;
      this.offset = Math.min(offset, decision.losers().size());
    }
  }
}
