package io.mongosteward.mongo;

import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import java.util.Set;

/**
 * The one place that decides whether a MongoDB error is worth retrying. Transient: network and
 * timeout errors, primary changes, shutdowns, and anything the server labels retryable.
 * Everything else (bad spec, duplicates, missing commands, authentication) is permanent.
 */
public final class ErrorClassifier {
  /** The retryable codes of MongoDB's retryable-writes specification, plus ExceededTimeLimit. */
  static final Set<Integer> TRANSIENT_CODES = Set.of(
      6, // HostUnreachable
      7, // HostNotFound
      89, // NetworkTimeout
      91, // ShutdownInProgress
      189, // PrimarySteppedDown
      262, // ExceededTimeLimit
      9001, // SocketException
      10107, // NotWritablePrimary
      11600, // InterruptedAtShutdown
      11602, // InterruptedDueToReplStateChange
      13435, // NotPrimaryNoSecondaryOk
      13436, // NotPrimaryOrSecondary
      64, // WriteConcernFailed (timeout waiting for replication)
      134); // ReadConcernMajorityNotAvailableYet

  public static final int DUPLICATE_KEY = 11000;
  public static final int INDEX_NOT_FOUND = 27;
  public static final int COMMAND_NOT_FOUND = 59;
  public static final int COMMAND_NOT_SUPPORTED = 115;
  public static final int NOT_IMPLEMENTED = 238;
  public static final int INVALID_INDEX_SPECIFICATION_OPTION = 197;
  public static final int AUTHENTICATION_FAILED = 18;
  public static final int UNAUTHORIZED = 13;

  private ErrorClassifier() {}

  public static boolean isTransient(Throwable t) {
    if (t instanceof MongoSecurityException) {
      return false;
    }
    if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
        || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException) {
      return true;
    }
    if (t instanceof MongoException me) {
      if (me.hasErrorLabel("RetryableWriteError")
          || me.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
          || me.hasErrorLabel("ResumableChangeStreamError")) {
        return true;
      }
      if (me instanceof MongoWriteConcernException wce) {
        return TRANSIENT_CODES.contains(wce.getWriteConcernError().getCode());
      }
      return TRANSIENT_CODES.contains(me.getCode());
    }
    return false;
  }

  /** True when the server does not implement what was asked (collMod, an index option). */
  public static boolean isUnsupported(Throwable t) {
    int code = codeOf(t);
    return code == COMMAND_NOT_FOUND || code == COMMAND_NOT_SUPPORTED || code == NOT_IMPLEMENTED
        || code == INVALID_INDEX_SPECIFICATION_OPTION;
  }

  public static boolean isDuplicateKey(Throwable t) {
    return codeOf(t) == DUPLICATE_KEY;
  }

  public static boolean isAuthentication(Throwable t) {
    return t instanceof MongoSecurityException || codeOf(t) == AUTHENTICATION_FAILED || codeOf(t) == UNAUTHORIZED;
  }

  public static int codeOf(Throwable t) {
    if (t instanceof MongoCommandException ce) return ce.getErrorCode();
    if (t instanceof MongoException me) return me.getCode();
    return -1;
  }

  /** "code 11000 (DuplicateKey): message", with any credential removed. */
  public static String describe(Throwable t, Redactor redactor) {
    String message;
    if (t instanceof MongoCommandException ce) {
      message = "code " + ce.getErrorCode()
          + (ce.getErrorCodeName().isEmpty() ? "" : " (" + ce.getErrorCodeName() + ")") + ": " + ce.getErrorMessage();
    } else if (t instanceof MongoTimeoutException) {
      // The driver appends its whole cluster view; the first sentence says what happened.
      String m = String.valueOf(t.getMessage());
      int cut = m.indexOf(". Client view of cluster state");
      message = t.getClass().getSimpleName() + ": " + (cut < 0 ? m : m.substring(0, cut + 1));
    } else if (t instanceof MongoClientException || t instanceof MongoSocketException) {
      message = t.getClass().getSimpleName() + ": " + t.getMessage();
    } else if (t instanceof MongoException me) {
      message = "code " + me.getCode() + ": " + me.getMessage();
    } else {
      message = t.getClass().getSimpleName() + ": " + t.getMessage();
    }
    return redactor.scrub(message);
  }
}
