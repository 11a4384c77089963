package io.mongosteward.migrate;

import java.time.Duration;

/**
 * Where a run stands.
 *
 * @param pass "main", or "final" for a deduplication's last look for duplicates written during the run
 * @param scanned documents read: every document of a backfill's walk; the members of the
 *     duplicate groups a deduplication went through
 * @param changed documents written (backfill) or removed (deduplicate); with dryRun, that would be
 * @param archived documents copied to the archive collection (deduplicate; 0 in a dry run)
 * @param total what scanned will reach: the collection's estimated size (backfill), the documents
 *     in duplicate groups (deduplicate); null before it is known
 * @param rate documents read per second over the last batches
 * @param eta time left at that rate, or null when unknown
 * @param checkpoint the resume point and counts as compact JSON, as written to the run record
 * @param redone backfill: documents the application changed between their read and their write, read
 *     again and written from their new value (never overwritten with a stale one)
 * @param skipped backfill: documents the server refused to write the target in, left as they are
 */
public record Progress(String pass, long scanned, long changed, long archived, Long total, double rate, Duration eta,
    String checkpoint, long redone, long skipped) {
  /** Without skipped documents. */
  public Progress(String pass, long scanned, long changed, long archived, Long total, double rate, Duration eta,
      String checkpoint, long redone) {
    this(pass, scanned, changed, archived, total, rate, eta, checkpoint, redone, 0);
  }

  public static final String MAIN = "main";
  public static final String FINAL = "final";

  /** scanned as a percentage of total, 0 to 100, or null when the total is unknown. */
  public Integer percent() {
    if (total == null) return null;
    if (total <= 0) return 100;
    return (int) Math.min(100, scanned * 100 / total);
  }
}
