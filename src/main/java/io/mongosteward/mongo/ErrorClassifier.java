package io.mongosteward.mongo;

import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import java.util.Map;
import java.util.Set;

/**
 * The one place that decides what a MongoDB error means: {@link #classify} turns any error into a
 * {@link Failure} with its reason. Transient: network and client-side timeout errors, primary
 * changes, shutdowns, and anything the server labels retryable. Everything else (duplicates,
 * missing commands, authentication, privileges, a server-side time limit) is permanent.
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
      276, // IndexBuildAlreadyInProgress: a retry met the build an earlier attempt started
      134); // ReadConcernMajorityNotAvailableYet

  public static final int DUPLICATE_KEY = 11000;
  public static final int INDEX_NOT_FOUND = 27;
  public static final int COMMAND_NOT_FOUND = 59;
  /** MongoDB's CommandNotSupported; also what FerretDB answers for a command it lacks. */
  public static final int COMMAND_NOT_SUPPORTED = 115;
  /**
   * Amazon DocumentDB's "Feature not supported: ..." (for example to {@code capped: true}): not a
   * MongoDB code. AWS lists its codes at https://docs.aws.amazon.com/documentdb/latest/devguide/error-codes.html
   * and warns they may change between major versions, so the server's message is always kept.
   */
  public static final int DOCUMENTDB_FEATURE_NOT_SUPPORTED = 303;
  public static final int NOT_IMPLEMENTED = 238;
  public static final int INVALID_INDEX_SPECIFICATION_OPTION = 197;
  public static final int AUTHENTICATION_FAILED = 18;
  public static final int UNAUTHORIZED = 13;
  public static final int MAX_TIME_MS_EXPIRED = 50;

  /**
   * The privilege action each command needs, for a refusal with code 13 to name it
   * (https://www.mongodb.com/docs/manual/reference/privilege-actions/).
   */
  private static final Map<String, String> PRIVILEGES = Map.ofEntries(
      Map.entry("listIndexes", "listIndexes"),
      Map.entry("listCollections", "listCollections"),
      Map.entry("createIndexes", "createIndex"),
      Map.entry("collMod", "collMod"),
      Map.entry("dropIndexes", "dropIndex"),
      Map.entry("find", "find"),
      Map.entry("aggregate", "find"),
      Map.entry("update", "update and insert"),
      Map.entry("findAndModify", "find, update and insert"),
      Map.entry("insert", "insert"),
      Map.entry("delete", "remove"));

  private ErrorClassifier() {}

  /**
   * What {@code t}, met while running {@code op}, means. A Failure stays as it is; anything that is
   * not a MongoDB error is transient (a client closed under a rotation, say), so it is retried
   * with backoff and then rechecked slowly, never taken for a refusal.
   */
  public static Failure classify(Throwable t, Op op, Redactor redactor) {
    if (t instanceof Failure f) {
      return f;
    }
    if (t instanceof MongoUri.InvalidMongoUriException) {
      return new Failure.Invalid(Reason.InvalidConnectionString, t.getMessage());
    }
    if (t instanceof TlsContexts.InvalidTlsMaterialException) {
      return new Failure.Invalid(Reason.InvalidTLSMaterial, t.getMessage());
    }
    javax.net.ssl.SSLException ssl = sslCause(t);
    if (ssl != null) {
      return tlsHandshakeFailed(op + ": " + describe(t, redactor), ssl);
    }
    String what = op + ": " + describe(t, redactor);
    int code = codeOf(t);
    if (t instanceof MongoSecurityException || code == AUTHENTICATION_FAILED) {
      return new Failure.Permanent(Reason.AuthenticationFailed, AUTHENTICATION_FAILED,
          op + ": MongoDB refused the credentials: " + describe(t, redactor));
    }
    if (code == UNAUTHORIZED) {
      String privilege = PRIVILEGES.get(op.command());
      return new Failure.Permanent(Reason.NotAuthorized, code, what
          + (privilege == null ? "" : "; grant the user the " + privilege + " privilege action on this database "
              + "(the readWrite role has it; dbAdmin adds collMod)"));
    }
    if (serverTimeLimit(t)) {
      // The server answered: the operation is too slow for its time limit, and would be again.
      // The driver sends the client-side bound on as maxTimeMS; mongod aborts an index build at it.
      String fix = op.command().equals("createIndexes") ? "raise clientOptions.indexBuildTimeoutMS"
          : "index the field it reads, or raise clientOptions.timeoutMS";
      return new Failure.Permanent(Reason.Failed, MAX_TIME_MS_EXPIRED, what
          + "; the server stopped it at its time limit: " + fix);
    }
    if (t instanceof IllegalStateException) {
      // The driver's "state should be: open": a client closed under us (a rotated Secret).
      return new Failure.Transient(Reason.Failed, what);
    }
    if (!(t instanceof MongoException)) {
      // A value the driver cannot encode, or a bug: the same input fails the same way again.
      return new Failure.Permanent(Reason.Failed, -1, what);
    }
    if (isTransient(t)) {
      return new Failure.Transient(Reason.MongoUnreachable, what);
    }
    if (isUnsupported(t)) {
      return new Failure.Permanent(Reason.Unsupported, code, what + "; " + unsupportedFeature(op));
    }
    return new Failure.Permanent(Reason.Failed, code, what);
  }

  /**
   * What the refused command was for, and the setting that avoids it where one exists, so that a
   * reader of an Unsupported status knows what to change (docs/compatibility.md has each server).
   */
  static String unsupportedFeature(Op op) {
    return switch (op.command()) {
      case "createIndexes" -> "the server does not build this index as given (its key type or one of unique, sparse, "
          + "partialFilterExpression, collation, hidden, expireAfterSeconds): remove that option from spec.indexes";
      case "collMod" -> "the server cannot change an index in place (collMod)";
      case "dropIndexes" -> "the server does not drop an index by name (dropIndexes)";
      case "listIndexes" -> "the server does not list indexes (listIndexes), which the operator needs to compare";
      case "aggregate" -> "the server does not run this aggregation (a stage, an operator or allowDiskUse)";
      case "findAndModify" -> "the server does not do an atomic findAndModify with an upsert, which the operator's "
          + "metadata records and the migration lock need";
      case "update" -> "the server does not do this update (an upsert or a bulk updateOne)";
      default -> "the server does not support " + op.command();
    };
  }

  /**
   * The TLS handshake failure behind a client's failed first contact, as the driver's monitor saw
   * it: a server selection that times out says only that it timed out. Transient: a rotated CA or
   * certificate may mend it, so it is retried with backoff like an unreachable server.
   */
  static java.util.Optional<Failure> tlsFailure(com.mongodb.client.MongoClient client, Redactor redactor,
      boolean tlsOn) {
    for (var server : client.getClusterDescription().getServerDescriptions()) {
      Throwable seen = server.getException();
      javax.net.ssl.SSLException ssl = sslCause(seen);
      if (ssl != null) {
        return java.util.Optional.of(tlsHandshakeFailed("TLS handshake with " + server.getAddress() + " failed: "
            + describe(seen, redactor), ssl));
      }
      if (tlsOn && (seen instanceof com.mongodb.MongoSocketReadException
          || seen instanceof com.mongodb.MongoSocketWriteException)) {
        // With TLS 1.3 a server that refuses the client certificate (none, or one it does not trust)
        // checks it after the client's side of the handshake is done: the client sees only the
        // connection closed on its first message, never the server's alert.
        return java.util.Optional.of(new Failure.Transient(Reason.TLSHandshakeFailed, "TLS connection to "
            + server.getAddress() + " was closed by the server on the first message (" + describe(seen, redactor)
            + chainText(seen.getCause()) + "): a server that requires client certificates does so when it gets none "
            + "or one signed by a CA it does not trust; give a client certificate (clientCertSecretRef, "
            + "--tls-cert-file with --tls-key-file) signed by the CA the server trusts"));
      }
    }
    return java.util.Optional.empty();
  }

  private static String chainText(Throwable t) {
    return t == null ? "" : "; " + t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static Failure tlsHandshakeFailed(String what, javax.net.ssl.SSLException ssl) {
    // The JDK's messages name the problem (no trusted path, no matching name, an alert), never key material.
    String cause = handshakeCause(ssl);
    return new Failure.Transient(Reason.TLSHandshakeFailed, what + (what.contains(String.valueOf(ssl.getMessage()))
        ? "" : "; " + ssl.getClass().getSimpleName() + ": " + ssl.getMessage())
        + "; " + (cause != null ? cause : "check the TLS settings: the CA given (spec.connection.tls.caSecretRef, "
            + "--tls-ca-file) must be the one that signed the server's certificate, and a server that requires "
            + "client certificates needs one (clientCertSecretRef, --tls-cert-file with --tls-key-file)"));
  }

  private static final java.util.regex.Pattern NO_NAME = java.util.regex.Pattern.compile(
      "No (?:subject alternative (?:names|DNS name)|name) matching (?:IP address )?(\\S+) found");

  /**
   * The flaw of the server's certificate that the JDK found, in words to act on, or null: the
   * JDK's top message says only "validity check failed" or names no cause at all.
   */
  static String handshakeCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.security.cert.CertificateExpiredException e) {
        return "the server's certificate has expired (" + e.getMessage() + "): renew it";
      }
      if (c instanceof java.security.cert.CertificateNotYetValidException e) {
        return "the server's certificate is not valid yet (" + e.getMessage() + "): check the clocks of both "
            + "machines, or wait until it starts";
      }
      if (c instanceof java.security.cert.CertificateException && c.getMessage() != null) {
        java.util.regex.Matcher m = NO_NAME.matcher(c.getMessage());
        if (m.find()) {
          return "hostname mismatch: the server's certificate does not name " + m.group(1) + " (the host of the "
              + "connection string): connect by a name it lists, or reissue it with that name";
        }
      }
    }
    return null;
  }

  /** The SSLException in {@code t}'s cause chain, or null. */
  static javax.net.ssl.SSLException sslCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /** A server-side time limit (maxTimeMS, code 50), also when the driver reports it as its own timeout. */
  static boolean serverTimeLimit(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MongoExecutionTimeoutException || codeOf(c) == MAX_TIME_MS_EXPIRED) {
        return true;
      }
    }
    return false;
  }

  public static boolean isTransient(Throwable t) {
    if (t instanceof MongoSecurityException || serverTimeLimit(t)) {
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

  /**
   * True when the server does not implement what was asked (collMod, an index option). Which server
   * answers which code is in docs/compatibility.md: mongod 59, 115 and 197 (its error_codes.yml,
   * https://www.mongodb.com/docs/manual/reference/error-codes/), FerretDB 238 NotImplemented and the
   * same names and codes as MongoDB otherwise (https://docs.ferretdb.io/migration/compatibility/),
   * Amazon DocumentDB 303.
   */
  public static boolean isUnsupported(Throwable t) {
    int code = codeOf(t);
    return code == COMMAND_NOT_FOUND || code == COMMAND_NOT_SUPPORTED || code == NOT_IMPLEMENTED
        || code == INVALID_INDEX_SPECIFICATION_OPTION || code == DOCUMENTDB_FEATURE_NOT_SUPPORTED;
  }

  public static boolean isDuplicateKey(Throwable t) {
    return codeOf(t) == DUPLICATE_KEY;
  }

  /** Credentials refused; a missing privilege (13) is not this, see {@link #classify}. */
  public static boolean isAuthentication(Throwable t) {
    return t instanceof MongoSecurityException || codeOf(t) == AUTHENTICATION_FAILED;
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
