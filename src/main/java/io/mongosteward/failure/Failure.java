package io.mongosteward.failure;

import io.mongosteward.api.v1alpha1.Reason;

/**
 * Everything that can stop a reconcile or a command, in four kinds that decide what happens
 * next. Built in one place per source (the MongoDB error classifier, the spec validator, the
 * Secret reader); mapped to exactly one condition reason. Messages are free of credentials, and
 * no driver exception is kept as a cause, so nothing down a cause chain can leak one either.
 */
public abstract sealed class Failure extends RuntimeException
    permits Failure.Transient, Failure.Permanent, Failure.Invalid, Failure.Waiting {
  private final Reason reason;

  private Failure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Worth retrying with backoff: the network, a timeout, an election. */
  public static final class Transient extends Failure {
    public Transient(Reason reason, String message) {
      super(reason, message);
    }
  }

  /**
   * The server refused, and asking again gives the same answer until something changes.
   *
   * @see #code() the server's error code, or -1 when there is none
   */
  public static final class Permanent extends Failure {
    private final int code;

    public Permanent(Reason reason, int code, String message) {
      super(reason, message);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** The input is wrong (the spec, the connection string): nothing changes until it is edited. */
  public static final class Invalid extends Failure {
    public Invalid(Reason reason, String message) {
      super(reason, message);
    }
  }

  /** Something outside is missing (a Secret); it is noticed when it appears. */
  public static final class Waiting extends Failure {
    public Waiting(Reason reason, String message) {
      super(reason, message);
    }
  }

  /** The Failure in {@code t}'s cause chain (frameworks wrap what they catch), or null. */
  public static Failure find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Failure f) {
        return f;
      }
    }
    return null;
  }
}
