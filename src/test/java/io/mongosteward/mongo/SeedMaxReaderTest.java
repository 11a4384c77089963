package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * The seed max from documents fed in the order mongod's descending sort on the seed field returns
 * them (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/): an array sorts
 * by its largest element; dates, ObjectIds, objects and strings sort above every number; missing,
 * null and empty arrays sort last. Each case is that order for its documents, as a cursor would
 * hand them over; the reader must read no further than the first plain number.
 */
class SeedMaxReaderTest {
  private final SeedMaxReader reader = new SeedMaxReader();

  /** A cursor stand-in that counts what the reader took from it. */
  static final class Descending implements Iterator<Document> {
    private final Iterator<Document> docs;
    int taken;

    Descending(List<Document> docs) {
      this.docs = docs.iterator();
    }

    static Descending of(Document... docs) {
      return new Descending(Arrays.asList(docs));
    }

    @Override
    public boolean hasNext() {
      return docs.hasNext();
    }

    @Override
    public Document next() {
      taken++;
      return docs.next();
    }
  }

  static Document doc(String field, Object value) {
    return new Document(field, value);
  }

  static Document line(Object id) {
    return new Document("id", id);
  }

  @Test
  void arraysOfSubdocumentsCountEveryElementAndReadingStopsAtTheFirstPlainNumber() {
    // Descending on lines.id: [{id: 5}, {id: 900}] sorts by 900, above {id: 300} and [{id: 17}].
    Descending docs = Descending.of(
        doc("lines", List.of(line(5), line(900))),
        doc("lines", line(300)),
        doc("lines", List.of(line(17))));
    SeedMaxReader.SeedMax max = reader.read(docs, "lines.id");
    assertThat(max.max()).isEqualTo(900L);
    assertThat(max.ignoredTypes()).isEmpty();
    assertThat(max.undetermined()).isNull();
    assertThat(docs.taken).as("stops at the first plain number").isEqualTo(2);
  }

  @Test
  void aSeedFieldHoldingOnlyArraysIsReadToTheEnd() {
    // The case that seeded 0 before: every order line sits in an array.
    Descending docs = Descending.of(doc("lines", List.of(line(5), line(900))), doc("lines", List.of(line(17), line(2))));
    assertThat(reader.read(docs, "lines.id").max()).isEqualTo(900L);
    assertThat(docs.taken).isEqualTo(2);
  }

  @Test
  void plainArraysBeforeAPlainNumber() {
    // {ids: [3, 4000]} sorts by 4000, above {ids: 12}.
    Descending docs = Descending.of(doc("ids", List.of(3, 4000)), doc("ids", 12), doc("ids", 11));
    SeedMaxReader.SeedMax max = reader.read(docs, "ids");
    assertThat(max.max()).isEqualTo(4000L);
    assertThat(max.undetermined()).isNull();
    assertThat(docs.taken).isEqualTo(2);
  }

  @Test
  void valuesThatAreNotNumbersSortFirstAndAreNamedNotCounted() {
    // Dates above ObjectIds above objects above strings above numbers; ["s", 50] sorts by "s".
    Descending docs = Descending.of(
        doc("ids", new Date(1_700_000_000_000L)),
        doc("ids", new ObjectId()),
        doc("ids", new Document("nested", 99_999)),
        doc("ids", List.of("s", 50)),
        doc("ids", "abc"),
        doc("ids", List.of(3, 4000)),
        doc("ids", 12));
    SeedMaxReader.SeedMax max = reader.read(docs, "ids");
    assertThat(max.max()).isEqualTo(4000L);
    assertThat(max.ignoredTypes()).containsExactly("date", "document", "objectid", "string");
    assertThat(max.undetermined()).isNull();
    assertThat(docs.taken).isEqualTo(7);
  }

  @Test
  void onlyValuesThatAreNotNumbersGiveNoMaxButNameTheirTypes() {
    Descending docs = Descending.of(doc("ids", new ObjectId()), doc("ids", "abc"), new Document("other", 1));
    SeedMaxReader.SeedMax max = reader.read(docs, "ids");
    assertThat(max.max()).isNull();
    assertThat(max.ignoredTypes()).containsExactly("objectid", "string");
    assertThat(max.undetermined()).isNull();
  }

  @Test
  void missingNullAndEmptyArraysSortLastSoTheFirstOfThemEndsTheRead() {
    Descending arraysThenMissing = Descending.of(doc("lines", List.of(line(900))), new Document("other", 1),
        doc("lines", List.of(line(5000))));
    assertThat(reader.read(arraysThenMissing, "lines.id").max()).isEqualTo(900L);
    assertThat(arraysThenMissing.taken).isEqualTo(2);

    for (Document last : List.of(new Document("other", 1), doc("ids", null), doc("ids", List.of()),
        doc("lines", new Document("no_id", 1)))) {
      Descending docs = Descending.of(last, doc("ids", 5000), doc("lines", line(5000)));
      SeedMaxReader.SeedMax max = reader.read(docs, last.containsKey("lines") ? "lines.id" : "ids");
      assertThat(max.max()).as(last.toJson()).isNull();
      assertThat(max.undetermined()).as(last.toJson()).isNull();
      assertThat(docs.taken).as(last.toJson()).isEqualTo(1);
    }
    assertThat(reader.read(Descending.of(), "ids")).isEqualTo(new SeedMaxReader.SeedMax(null, List.of(), null));
  }

  @Test
  void fractionsRoundUpSoTheNextIdIsStillAboveThem() {
    Decimal128 big = new Decimal128(new BigDecimal("8000.2"));
    assertThat(reader.read(Descending.of(doc("ids", big), doc("ids", 7000.5)), "ids").max()).isEqualTo(8001L);
    assertThat(reader.read(Descending.of(doc("ids", 7000.5)), "ids").max()).isEqualTo(7001L);
    // In arrays too: [8000.2, 3] sorts by 8000.2, above the plain 7000.5.
    assertThat(reader.read(Descending.of(doc("ids", List.of(big, 3)), doc("ids", 7000.5)), "ids").max())
        .isEqualTo(8001L);
    assertThat(reader.read(Descending.of(doc("ids", List.of(2.25)), doc("ids", 1)), "ids").max()).isEqualTo(3L);
    // Whole values stay whole.
    assertThat(reader.read(Descending.of(doc("ids", 41.0)), "ids").max()).isEqualTo(41L);
    assertThat(reader.read(Descending.of(doc("ids", new Decimal128(42))), "ids").max()).isEqualTo(42L);
  }

  @Test
  void aThousandDocumentsOfArraysLeaveTheMaxUndetermined() {
    // The cursor is limited to MAX_DOCUMENTS: when all of them hold arrays (or values that are not
    // numbers), a larger number may sit in the documents not read.
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < SeedMaxReader.MAX_DOCUMENTS; i++) {
      docs.add(doc("ids", List.of(i, SeedMaxReader.MAX_DOCUMENTS - i)));
    }
    SeedMaxReader.SeedMax max = reader.read(new Descending(docs), "ids");
    assertThat(max.undetermined()).contains("the first " + SeedMaxReader.MAX_DOCUMENTS + " documents");
    assertThat(max.max()).isEqualTo((long) SeedMaxReader.MAX_DOCUMENTS);

    // One fewer, and the cursor ended by itself: everything was read, so the max is known.
    SeedMaxReader.SeedMax all = reader.read(new Descending(docs.subList(1, docs.size())), "ids");
    assertThat(all.undetermined()).isNull();
    assertThat(all.max()).isEqualTo(SeedMaxReader.MAX_DOCUMENTS - 1L);

    // A plain number within the bound settles it.
    List<Document> settled = new ArrayList<>(docs.subList(0, SeedMaxReader.MAX_DOCUMENTS - 1));
    settled.add(doc("ids", 3));
    assertThat(reader.read(new Descending(settled), "ids").undetermined()).isNull();
  }

  @Test
  void aNumberBeyondA64BitIntegerLeavesTheMaxUndeterminedRatherThanWrappingOrSaturating() {
    // Before: Decimal128 2^63 wrapped round to a negative long (seeded 0 over id 3), and 1.5e300
    // saturated to Long.MAX_VALUE.
    for (Object huge : List.of(new Decimal128(new java.math.BigDecimal("9223372036854775808")),
        Decimal128.parse("1E+40"), 1.5e300, Double.POSITIVE_INFINITY)) {
      SeedMaxReader.SeedMax m = new SeedMaxReader().read(List.of(new Document("n", huge), new Document("n", 3))
          .iterator(), "n");
      assertThat(m.undetermined()).as(String.valueOf(huge)).contains("beyond a 64-bit integer");
      assertThat(m.max()).isNull();
    }
    assertThat(SeedMaxReader.toLong(new Decimal128(new java.math.BigDecimal("9223372036854775808")))).isNull();
    assertThat(SeedMaxReader.toLong(9223372036854775807L)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void notANumberIsNamedNotCountedAndNeverCrashes() {
    // Before: NaN threw a NullPointerException (a null Long unboxed), taken for a transient error.
    // mongod sorts NaN below every number, so it comes only where no number is left.
    SeedMaxReader.SeedMax m = new SeedMaxReader().read(List.of(new Document("n", List.of(Double.NaN, 7)),
        new Document("n", Decimal128.NaN)).iterator(), "n");
    assertThat(m.max()).isEqualTo(7L);
    assertThat(m.ignoredTypes()).containsExactly("NaN");
    assertThat(m.undetermined()).isNull();
    assertThat(SeedMaxReader.toLong(Double.NaN)).isNull();
  }
}
