package io.mongosteward.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.migrate.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A MongoMigration's meters, labelled by migration ("namespace/name"):
 * {@code mongosteward_migration_documents_total{migration,kind}} (kind scanned, changed or
 * archived: the documents this process worked through), {@code mongosteward_migration_progress_ratio}
 * (0 to 1) and {@code mongosteward_migration_phase{migration,phase}} (1 for the current phase, else 0).
 * Removed with the migration.
 */
final class MigrationMetrics {
  private final MeterRegistry registry;
  private final Map<String, Meters> byMigration = new ConcurrentHashMap<>();

  MigrationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private final class Meters {
    final Counter scanned;
    final Counter changed;
    final Counter archived;
    volatile double ratio;
    volatile MigrationPhase phase;
    final List<Meter> all = new ArrayList<>();
    /** The counts last added, per run: a new run (or a resumed one) starts from its first report. */
    Progress last;

    Meters(String migration) {
      scanned = counter(migration, "scanned");
      changed = counter(migration, "changed");
      archived = counter(migration, "archived");
      all.add(Gauge.builder("mongosteward.migration.progress.ratio", this, m -> m.ratio).tag("migration", migration)
          .description("Documents scanned as a fraction of the total, 0 to 1").register(registry));
      for (MigrationPhase p : MigrationPhase.values()) {
        all.add(Gauge.builder("mongosteward.migration.phase", this, m -> m.phase == p ? 1 : 0)
            .tags("migration", migration, "phase", p.name()).description("1 for the migration's current phase")
            .register(registry));
      }
    }

    private Counter counter(String migration, String kind) {
      Counter c = Counter.builder("mongosteward.migration.documents").tags("migration", migration, "kind", kind)
          .description("Documents a migration worked through in this process: scanned, changed or archived")
          .register(registry);
      all.add(c);
      return c;
    }
  }

  private Meters meters(String migration) {
    return byMigration.computeIfAbsent(migration, Meters::new);
  }

  /**
   * A run's report. Counts are cumulative within a run (and include what a resumed run did
   * before): only the growth since the previous report of the same run is added.
   *
   * @param first the run's first report, which only sets where its counting starts unless the run is fresh
   */
  void progress(String migration, Progress p, boolean first, boolean fresh) {
    Meters m = meters(migration);
    synchronized (m) {
      Progress base = first ? (fresh ? null : p) : m.last;
      m.scanned.increment(Math.max(0, p.scanned() - (base == null ? 0 : base.scanned())));
      m.changed.increment(Math.max(0, p.changed() - (base == null ? 0 : base.changed())));
      m.archived.increment(Math.max(0, p.archived() - (base == null ? 0 : base.archived())));
      m.last = p;
      Integer percent = p.percent();
      if (percent != null) {
        m.ratio = percent / 100.0;
      }
    }
  }

  void phase(String migration, MigrationPhase phase) {
    Meters m = meters(migration);
    m.phase = phase;
    if (phase == MigrationPhase.Succeeded) {
      m.ratio = 1.0;
    }
  }

  void forget(String migration) {
    Meters m = byMigration.remove(migration);
    if (m != null) {
      m.all.forEach(registry::remove);
    }
  }
}
