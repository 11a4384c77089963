package io.mongosteward.migrate;

/**
 * How a run ended. A failure is not a result: it is thrown, as a {@link io.mongosteward.failure.Failure}.
 *
 * @param last the counts at the end (for ALREADY_DONE, those of the run that succeeded; for BUSY,
 *     those of the checkpoint, or zeros)
 * @param lateDuplicates documents the final pass of a deduplication removed: duplicates written
 *     during the run (0 for a backfill and a dry run)
 * @param message one line for people: what was done, or who holds the collection
 */
public record RunResult(Outcome outcome, Progress last, long lateDuplicates, String message) {
  public enum Outcome {
    /** Done: the collection is as the spec asks (or, for a dry run, the counts say what would change). */
    SUCCEEDED,
    /** A stop was asked for; the checkpoint is written, and a re-run resumes from it. */
    STOPPED,
    /** Another runner holds the collection's lease (the message names it), or took it over during the run. */
    BUSY,
    /** The ledger has this migration with this spec hash succeeded: nothing was done. */
    ALREADY_DONE
  }
}
