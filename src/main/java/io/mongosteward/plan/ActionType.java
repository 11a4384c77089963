package io.mongosteward.plan;

/** Every kind of plan item. Changes write to MongoDB; reports and notes change nothing. */
public enum ActionType {
  CreateIndex(Category.CHANGE),
  ModifyIndex(Category.CHANGE),
  DropIndex(Category.CHANGE),
  RecreateIndex(Category.CHANGE),
  SeedCounter(Category.CHANGE),
  /** Record this schema as the manager of a collection or counter, in the metadata collection. */
  Claim(Category.CHANGE),
  /** Forget the record of a collection or counter this schema no longer declares. */
  Release(Category.CHANGE),
  /** Hide an index before its drop (policy.dropStrategy HideFirst), recording when. */
  HideIndex(Category.CHANGE),
  /** Unhide an index hidden before a drop that is no longer wanted. */
  UnhideIndex(Category.CHANGE),
  /** Forget a hidden-at record whose index is gone or no longer to be dropped. */
  ForgetHidden(Category.CHANGE),
  /** Same name, other definition, under policy Report. */
  Conflict(Category.REPORT),
  /** In a managed collection but not declared, under policy Report. */
  Unmanaged(Category.REPORT),
  /** A unique index that existing duplicates prevent. */
  BlockedByDuplicates(Category.REPORT),
  /** The server cannot do what is declared (no collMod, an option it does not implement). */
  Unsupported(Category.REPORT),
  /** Another MongoSchema manages the collection or counter: nothing in it is touched. */
  ManagedElsewhere(Category.REPORT),
  /** The server's user lacks a privilege for the change (code 13). */
  NotAuthorized(Category.REPORT),
  /** The server refused a change for another, permanent reason. */
  Failed(Category.REPORT),
  /** An index build queued or running apart from the pass (the operator's build queue); not yet done. */
  Building(Category.REPORT),
  /** The declared index exists with the same keys and options under another name: kept as is. */
  NameMismatch(Category.NOTE),
  /** Hidden by this schema; dropped (or rebuilt) on the first pass after its time. */
  DropScheduled(Category.NOTE),
  /** A new index that waits for a hidden one with the same key pattern to be dropped. */
  WaitsForDrop(Category.NOTE);

  public enum Category { CHANGE, REPORT, NOTE }

  private final Category category;

  ActionType(Category category) {
    this.category = category;
  }

  public Category category() {
    return category;
  }

  public boolean isChange() {
    return category == Category.CHANGE;
  }

  public boolean isReport() {
    return category == Category.REPORT;
  }
}
