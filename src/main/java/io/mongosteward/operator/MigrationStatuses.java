package io.mongosteward.operator;

import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MigrationProgress;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoMigrationStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.migrate.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;

/**
 * A MongoMigration's next status from its current one and how its run stands; pure but for the
 * clock. Conditions are a Job's: Complete and Failed, each True only at the end.
 */
final class MigrationStatuses {
  static final String COMPLETE = "Complete";
  static final String FAILED = "Failed";

  private final Clock clock;

  MigrationStatuses(Clock clock) {
    this.clock = clock;
  }

  MongoMigrationStatus pending(MongoMigration m, Reason reason, String message) {
    return next(m, MigrationPhase.Pending, reason, message, null);
  }

  /**
   * @param progress the run's last report, or null at its start
   * @param fresh a run that starts from nothing: the previous run's counts and times are cleared
   */
  MongoMigrationStatus running(MongoMigration m, Progress progress, boolean fresh, String message) {
    return started(m, MigrationPhase.Running, Reason.Running, progress, fresh, message);
  }

  /** Queued for a migration thread: Pending, its counts as {@link #running} would keep or clear them. */
  MongoMigrationStatus queued(MongoMigration m, boolean fresh, String message) {
    return started(m, MigrationPhase.Pending, Reason.Pending, null, fresh, message);
  }

  /** The status as it is, for this generation: an edit that changes nothing of a finished run's work. */
  MongoMigrationStatus kept(MongoMigration m) {
    MongoMigrationStatus old = m.getStatus();
    return next(m, old.getPhase(), Reason.valueOf(old.getReason()), old.getMessage(), null);
  }

  private MongoMigrationStatus started(MongoMigration m, MigrationPhase phase, Reason reason, Progress progress,
      boolean fresh, String message) {
    MongoMigrationStatus s = next(m, phase, reason, message, progress);
    if (fresh) {
      s.setProgress(progress == null ? null : progressOf(progress));
      s.setCheckpoint(progress == null ? null : progress.checkpoint());
      s.setLateDuplicates(null);
      s.setCompletionTime(null);
      s.setStartTime(now());
    } else if (s.getStartTime() == null) {
      s.setStartTime(now());
    }
    return s;
  }

  MongoMigrationStatus suspended(MongoMigration m, Progress progress) {
    return next(m, MigrationPhase.Suspended, Reason.Suspended,
        "suspended at a batch boundary; set spec.suspend to false to resume from the checkpoint", progress);
  }

  MongoMigrationStatus succeeded(MongoMigration m, Progress progress, long lateDuplicates, String message) {
    MongoMigrationStatus s = next(m, MigrationPhase.Succeeded, Reason.Completed, message, progress);
    s.setLateDuplicates(m.getSpec().getDeduplicate() != null ? lateDuplicates : null);
    setCondition(s, m, COMPLETE, true, Reason.Completed.name(), message);
    setCondition(s, m, FAILED, false, Reason.Completed.name(), "");
    if (s.getCompletionTime() == null || previousPhase(m) != MigrationPhase.Succeeded) {
      s.setCompletionTime(now());
    }
    return s;
  }

  MongoMigrationStatus failed(MongoMigration m, Reason reason, String message, Progress progress) {
    MongoMigrationStatus s = next(m, MigrationPhase.Failed, reason, message, progress);
    setCondition(s, m, COMPLETE, false, reason.name(), "");
    setCondition(s, m, FAILED, true, reason.name(), message);
    if (s.getCompletionTime() == null || previousPhase(m) != MigrationPhase.Failed) {
      s.setCompletionTime(now());
    }
    return s;
  }

  /** The status with phase, reason and message set; progress and checkpoint kept unless given. */
  private MongoMigrationStatus next(MongoMigration m, MigrationPhase phase, Reason reason, String message,
      Progress progress) {
    MongoMigrationStatus old = m.getStatus();
    MongoMigrationStatus s = new MongoMigrationStatus();
    Long generation = m.getMetadata().getGeneration();
    if (old != null) {
      // Kept across generations: a suspend or a new batchSize is an edit, and the run resumes.
      s.setConditions(new ArrayList<>(old.getConditions()));
      s.setProgress(old.getProgress());
      s.setCheckpoint(old.getCheckpoint());
      s.setLateDuplicates(old.getLateDuplicates());
      s.setSpecHash(old.getSpecHash());
      s.setStartTime(old.getStartTime());
      s.setCompletionTime(old.getCompletionTime());
    }
    s.setObservedGeneration(generation);
    s.setPhase(phase);
    s.setReason(reason.name());
    s.setMessage(message);
    if (progress != null) {
      s.setProgress(progressOf(progress));
      s.setCheckpoint(progress.checkpoint());
    }
    if (phase != MigrationPhase.Running && s.getProgress() != null
        && (s.getProgress().getRate() != null || s.getProgress().getEta() != null)) {
      // A rate and an ETA are a running run's: kept, they would promise an end that is not coming.
      s.setProgress(idle(s.getProgress()));
    }
    if (phase != MigrationPhase.Succeeded && phase != MigrationPhase.Failed) {
      // A Job's conditions: neither is True until the end.
      setCondition(s, m, COMPLETE, false, reason.name(), "");
      setCondition(s, m, FAILED, false, reason.name(), "");
    }
    return s;
  }

  private static MigrationProgress idle(MigrationProgress p) {
    MigrationProgress out = new MigrationProgress();
    out.setScanned(p.getScanned());
    out.setChanged(p.getChanged());
    out.setArchived(p.getArchived());
    out.setTotal(p.getTotal());
    out.setPercent(p.getPercent());
    out.setPercentText(p.getPercentText());
    return out;
  }

  static MigrationProgress progressOf(Progress p) {
    MigrationProgress out = new MigrationProgress();
    out.setScanned(p.scanned());
    out.setChanged(p.changed());
    out.setArchived(p.archived());
    out.setTotal(p.total());
    Integer percent = p.percent();
    out.setPercent(percent);
    out.setPercentText(percent == null ? null : percent + "%");
    out.setRate(Math.round(p.rate() * 10) / 10.0);
    Duration eta = p.eta();
    out.setEtaSeconds(eta == null ? null : eta.toSeconds());
    out.setEta(eta == null ? null : etaText(eta));
    return out;
  }

  /** As kubectl shows ages: 45s, 4m10s, 2h5m, 3d4h. */
  static String etaText(Duration eta) {
    long s = Math.max(0, eta.toSeconds());
    if (s < 60) return s + "s";
    if (s < 3600) return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    if (s < 86_400) return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : s % 86_400 / 3600 + "h");
  }

  private void setCondition(MongoMigrationStatus s, MongoMigration m, String type, boolean value, String reason,
      String message) {
    io.mongosteward.api.v1alpha1.Conditions.set(s.getConditions(), type, value, reason, message,
        m.getMetadata().getGeneration(), clock.instant());
  }

  private static MigrationPhase previousPhase(MongoMigration m) {
    return m.getStatus() == null ? null : m.getStatus().getPhase();
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
