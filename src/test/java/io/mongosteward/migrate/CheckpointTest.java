package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  @Test
  void roundTripsThroughItsDocumentAndThroughBson() {
    ObjectId last = new ObjectId();
    Checkpoint cp = Checkpoint.start().withTotal(1000L)
        .advance(500, 20, 20, 3, 0, 7, 2, 6, last)
        .withPending(List.of(new ObjectId(), "s", 5), 40);
    assertThat(Checkpoint.fromDocument(cp.toDocument())).isEqualTo(cp);
    Document viaBson = Document.parse(cp.toDocument().toJson());
    assertThat(Checkpoint.fromDocument(viaBson)).isEqualTo(cp);
  }

  @Test
  void aMissingDocumentOrMissingFieldsMeanTheStart() {
    assertThat(Checkpoint.fromDocument(null)).isEqualTo(Checkpoint.start());
    assertThat(Checkpoint.fromDocument(new Document())).isEqualTo(Checkpoint.start());
    assertThat(Checkpoint.fromDocument(new Document("scanned", 5)).scanned()).isEqualTo(5);
  }

  @Test
  void advanceAddsCountsMovesThePositionAndClearsPending() {
    Checkpoint cp = Checkpoint.start().withPending(List.of(1, 2), 2).advance(2, 2, 2, 1, 1, 1, 0, 2, 9);
    assertThat(cp.pending()).isEmpty();
    assertThat(cp.pendingScanned()).isZero();
    assertThat(List.of(cp.scanned(), cp.changed(), cp.archived(), cp.redone(), cp.lateDuplicates(), cp.groupsDone()))
        .containsExactly(2L, 2L, 2L, 1L, 1L, 1L);
    assertThat(cp.bracket()).isEqualTo(2);
    assertThat(cp.lastId()).isEqualTo(9);
  }

  @Test
  void theFinalPassKeepsTheCountsAndStartsItsPositionOver() {
    Checkpoint cp = Checkpoint.start().withTotal(10L).advance(10, 4, 4, 0, 0, 3, 1, 0, null).finalPass();
    assertThat(cp.pass()).isEqualTo(Progress.FINAL);
    assertThat(cp.changed()).isEqualTo(4);
    assertThat(cp.groupsDone()).isZero();
    assertThat(cp.offset()).isZero();
  }

  @Test
  void itsTextCountsThePendingIds() {
    String text = Checkpoint.start().withPending(List.of(1, 2, 3), 3).toText();
    assertThat(text).contains("\"pending\": 3").doesNotContain("pendingScanned").doesNotContain("lastId");
  }
}
