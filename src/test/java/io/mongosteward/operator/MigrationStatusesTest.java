package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.migrate.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MigrationStatusesTest {
  final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  final MigrationStatuses statuses = new MigrationStatuses(clock);

  static MongoMigration migration(long generation) {
    MongoMigration m = new MongoMigration();
    m.setMetadata(new ObjectMetaBuilder().withName("m").withNamespace("ns").withGeneration(generation).build());
    m.setSpec(new MongoMigrationSpec());
    return m;
  }

  static Progress progress(long scanned, long total) {
    return new Progress(Progress.MAIN, scanned, scanned / 2, scanned / 2, total, 812.34, Duration.ofSeconds(250),
        "{\"after\":" + scanned + "}", 0);
  }

  @Test
  void neitherJobConditionIsTrueUntilTheEnd() {
    MongoMigration m = migration(1);
    m.setStatus(statuses.running(m, progress(100, 400), true, "running"));
    assertThat(m.getStatus().getPhase()).isEqualTo(MigrationPhase.Running);
    assertThat(Conditions.find(m.getStatus().getConditions(), "Complete").getStatus()).isEqualTo("False");
    assertThat(Conditions.find(m.getStatus().getConditions(), "Failed").getStatus()).isEqualTo("False");
    m.setStatus(statuses.running(m, progress(200, 400), false, "running"));
    assertThat(m.getStatus().getProgress().getPercent()).isEqualTo(50);
    assertThat(m.getStatus().getProgress().getPercentText()).isEqualTo("50%");
    assertThat(m.getStatus().getProgress().getEta()).isEqualTo("4m10s");
    assertThat(m.getStatus().getProgress().getRate()).isEqualTo(812.3);
    assertThat(m.getStatus().getCheckpoint()).isEqualTo("{\"after\":200}");
    assertThat(m.getStatus().getStartTime()).isEqualTo("2026-11-27T10:00:00Z");

    m.setStatus(statuses.succeeded(m, progress(400, 400), 0, "removed 200"));
    assertThat(m.getStatus().getPhase()).isEqualTo(MigrationPhase.Succeeded);
    assertThat(Conditions.isTrue(m.getStatus().getConditions(), "Complete")).isTrue();
    assertThat(Conditions.isTrue(m.getStatus().getConditions(), "Failed")).isFalse();
    assertThat(m.getStatus().getCompletionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(m.getStatus().getMessage()).isEqualTo("removed 200");
  }

  @Test
  void aFailureSetsFailedWithTheReasonAndKeepsTheProgressForTheResume() {
    MongoMigration m = migration(1);
    m.setStatus(statuses.running(m, progress(100, 400), true, "running"));
    m.setStatus(statuses.failed(m, Reason.NotAuthorized, "not authorized on bot to execute command delete", null));
    assertThat(m.getStatus().getPhase()).isEqualTo(MigrationPhase.Failed);
    assertThat(m.getStatus().getReason()).isEqualTo("NotAuthorized");
    assertThat(Conditions.find(m.getStatus().getConditions(), "Failed").getMessage()).contains("not authorized");
    assertThat(m.getStatus().getProgress().getScanned()).isEqualTo(100);
  }

  @Test
  void anEditKeepsTheProgressButAFreshRunClearsIt() {
    MongoMigration m = migration(1);
    m.setStatus(statuses.running(m, progress(100, 400), true, "running"));
    MongoMigration edited = migration(2);
    edited.setStatus(m.getStatus());
    edited.setStatus(statuses.suspended(edited, null));
    assertThat(edited.getStatus().getProgress().getScanned()).isEqualTo(100);
    assertThat(edited.getStatus().getObservedGeneration()).isEqualTo(2);
    assertThat(edited.getStatus().getMessage()).contains("spec.suspend");
    MongoMigration again = migration(3);
    again.setStatus(statuses.succeeded(edited, progress(400, 400), 0, "done"));
    again.setStatus(statuses.running(again, null, true, "running"));
    assertThat(again.getStatus().getProgress()).isNull();
    assertThat(again.getStatus().getCompletionTime()).isNull();
    assertThat(again.getStatus().getCheckpoint()).isNull();
  }

  @Test
  void theEtaReadsAsKubectlShowsAges() {
    assertThat(MigrationStatuses.etaText(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(MigrationStatuses.etaText(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(MigrationStatuses.etaText(Duration.ofSeconds(7500))).isEqualTo("2h5m");
    assertThat(MigrationStatuses.etaText(Duration.ofHours(76))).isEqualTo("3d4h");
  }

  @Test
  void anUnknownTotalHasNoPercentAndAnUnknownEtaNoEta() {
    var p = MigrationStatuses.progressOf(new Progress(Progress.MAIN, 10, 0, 0, null, 0, null, null, 0));
    assertThat(p.getPercent()).isNull();
    assertThat(p.getPercentText()).isNull();
    assertThat(p.getEta()).isNull();
    assertThat(MigrationStatuses.progressOf(new Progress(Progress.FINAL, 10, 0, 0, 10L, 5, Duration.ZERO, null, 0))
        .getEta()).isEqualTo("0s");
  }
}
