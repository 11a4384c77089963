package io.mongosteward.mongo;

import com.mongodb.ConnectionString;

/** A parsed connection string that knows how to hide its own password. */
public final class MongoUri {
  private final ConnectionString connectionString;
  private final Redactor redactor;

  private MongoUri(ConnectionString connectionString, Redactor redactor) {
    this.connectionString = connectionString;
    this.redactor = redactor;
  }

  /**
   * @throws InvalidMongoUriException with a message that never contains the password
   */
  public static MongoUri parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidMongoUriException("the connection string is empty");
    }
    String trimmed = raw.strip();
    Redactor redactor = Redactor.of(passwordOf(trimmed));
    try {
      return new MongoUri(new ConnectionString(trimmed), redactor);
    } catch (RuntimeException e) {
      throw new InvalidMongoUriException(redactor.scrub(e.getMessage()));
    }
  }

  public ConnectionString connectionString() {
    return connectionString;
  }

  public Redactor redactor() {
    return redactor;
  }

  /** The URI with its password replaced by ***, safe to print. */
  public String redacted() {
    return redactor.scrub(connectionString.getConnectionString());
  }

  /** The database named in the URI path, or null. */
  public String database() {
    return connectionString.getDatabase();
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String passwordOf(String raw) {
    int scheme = raw.indexOf("://");
    int at = raw.lastIndexOf('@', raw.indexOf('/', scheme + 3) < 0 ? raw.length() : raw.indexOf('/', scheme + 3));
    if (scheme < 0 || at < 0) {
      return null;
    }
    String userinfo = raw.substring(scheme + 3, at);
    int colon = userinfo.indexOf(':');
    return colon < 0 ? null : userinfo.substring(colon + 1);
  }

  /** A malformed connection string; the message is already free of credentials. */
  public static final class InvalidMongoUriException extends IllegalArgumentException {
    public InvalidMongoUriException(String message) {
      super(message);
    }
  }
}
