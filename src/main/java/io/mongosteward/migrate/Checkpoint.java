package io.mongosteward.migrate;

import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Where a run resumes, and its counts so far: written to the run record after every batch.
 *
 * @param pass {@link Progress#MAIN} or {@link Progress#FINAL}
 * @param groupsDone deduplicate: duplicate groups finished in this pass (a dry run resumes after them)
 * @param offset deduplicate: members of the next group already counted (a dry run resumes after them)
 * @param bracket backfill: the place of lastId's type in the walk (see the mongo package's IdWalk)
 * @param lastId backfill: the last _id done in that type, or null to start the type
 * @param pending the _ids of the batch being written, written before its first write; empty when
 *     no batch is in flight. After a crash they tell which of them the lost batch had already changed.
 * @param pendingScanned what that batch adds to scanned (deduplicate)
 * @param skipped backfill: documents the server refused to write the target in (a target path that
 *     cannot be created in them), left as they are
 */
public record Checkpoint(String pass, long scanned, long changed, long archived, Long total, long redone,
    long lateDuplicates, long groupsDone, int offset, int bracket, Object lastId, List<Object> pending,
    long pendingScanned, long skipped) {
  private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

  public Checkpoint {
    pending = pending == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(pending));
  }

  public static Checkpoint start() {
    return new Checkpoint(Progress.MAIN, 0, 0, 0, null, 0, 0, 0, 0, 0, null, List.of(), 0, 0);
  }

  /** The batch about to be written. */
  public Checkpoint withPending(List<?> ids, long scannedBy) {
    return new Checkpoint(pass, scanned, changed, archived, total, redone, lateDuplicates, groupsDone, offset, bracket,
        lastId, new ArrayList<>(ids), scannedBy, skipped);
  }

  public Checkpoint withTotal(Long t) {
    return new Checkpoint(pass, scanned, changed, archived, t, redone, lateDuplicates, groupsDone, offset, bracket,
        lastId, pending, pendingScanned, skipped);
  }

  /** The next pass: its position starts over, the counts go on. */
  public Checkpoint finalPass() {
    return new Checkpoint(Progress.FINAL, scanned, changed, archived, total, redone, lateDuplicates, 0, 0, 0, null,
        List.of(), 0, skipped);
  }

  /** A batch is done: counts added, position moved, nothing pending. */
  public Checkpoint advance(long scannedBy, long changedBy, long archivedBy, long redoneBy, long lateBy,
      long groupsDoneNow, int offsetNow, int bracketNow, Object lastIdNow) {
    return new Checkpoint(pass, scanned + scannedBy, changed + changedBy, archived + archivedBy, total,
        redone + redoneBy, lateDuplicates + lateBy, groupsDoneNow, offsetNow, bracketNow, lastIdNow, List.of(), 0, skipped);
  }

  /** Documents refused by the server, added. */
  public Checkpoint plusSkipped(long n) {
    return new Checkpoint(pass, scanned, changed, archived, total, redone, lateDuplicates, groupsDone, offset, bracket,
        lastId, pending, pendingScanned, skipped + n);
  }

  public Document toDocument() {
    Document d = new Document("pass", pass).append("scanned", scanned).append("changed", changed)
        .append("archived", archived).append("total", total).append("redone", redone)
        .append("lateDuplicates", lateDuplicates).append("groupsDone", groupsDone).append("offset", offset)
        .append("bracket", bracket).append("lastId", lastId).append("pending", new ArrayList<>(pending))
        .append("pendingScanned", pendingScanned);
    if (skipped > 0) d.append("skipped", skipped);
    return d;
  }

  public static Checkpoint fromDocument(Document d) {
    if (d == null) return start();
    Object pending = d.get("pending");
    return new Checkpoint(d.get("pass") instanceof String p ? p : Progress.MAIN, num(d, "scanned"), num(d, "changed"),
        num(d, "archived"), d.get("total") instanceof Number t ? t.longValue() : null, num(d, "redone"),
        num(d, "lateDuplicates"), num(d, "groupsDone"), (int) num(d, "offset"), (int) num(d, "bracket"),
        d.get("lastId"), pending instanceof List<?> l ? new ArrayList<>(l) : List.of(), num(d, "pendingScanned"), num(d, "skipped"));
  }

  /** Compact JSON for people and status: the pending _ids as a count. */
  public String toText() {
    Document d = toDocument();
    d.put("pending", pending.size());
    d.remove("pendingScanned");
    if (lastId == null) d.remove("lastId");
    if (total == null) d.remove("total");
    return d.toJson(JSON);
  }

  private static long num(Document d, String key) {
    return d.get(key) instanceof Number n ? n.longValue() : 0;
  }
}
