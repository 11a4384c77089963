package io.mongosteward.mongo;

import com.mongodb.ConnectionString;

/** A parsed connection string that knows how to hide its own password. */
public final class MongoUri {
  /** Said instead of the driver's reason when the user-info is at fault: that reason may quote it. */
  public static final String BAD_USERINFO = "the user name or password is not valid in a connection string: "
      + "percent-encode these characters in them: % as %25, @ as %40, : as %3A, / as %2F (and give a user name "
      + "before the ':'). They are not shown here, to keep the password secret";

  /**
   * The options that turn off part of the server's verification. The Java driver's tlsInsecure
   * does what tlsAllowInvalidHostnames does: the host name is not checked (the certificate still is).
   */
  private static final java.util.List<String> INSECURE_OPTIONS = java.util.List.of("tlsInsecure",
      "tlsAllowInvalidHostnames", "sslInvalidHostNameAllowed");

  private final ConnectionString connectionString;
  private final Redactor redactor;
  /** The options part, after the '?' (never the user-info); "" without one. */
  private final String options;

  private MongoUri(ConnectionString connectionString, Redactor redactor, String options) {
    this.connectionString = connectionString;
    this.redactor = redactor;
    this.options = options;
  }

  /**
   * @throws InvalidMongoUriException with a message that holds no 3 consecutive characters of the
   *     user-info, as written or decoded
   */
  public static MongoUri parse(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidMongoUriException("the connection string is empty");
    }
    Parts parts = Parts.of(raw.strip());
    // The options first: the driver logs (and then ignores) what it does not understand.
    int query = parts.rest().indexOf('?');
    if (query >= 0) {
      try {
        UriOptions.check(parts.rest().substring(query + 1));
      } catch (InvalidMongoUriException e) {
        throw new InvalidMongoUriException(parts.safe(e.getMessage()));
      }
    }
    ConnectionString cs;
    try {
      cs = new ConnectionString(parts.whole());
    } catch (RuntimeException e) {
      throw new InvalidMongoUriException(parts.explainRefusal());
    }
    java.util.List<String> secrets = new java.util.ArrayList<>(parts.optionSecrets());
    secrets.add(parts.password());
    return new MongoUri(cs, Redactor.of(secrets.toArray(String[]::new)), query >= 0
        ? parts.rest().substring(query + 1) : "");
  }

  /**
   * The options set to true that turn off the server's host name verification, as
   * {@code name=true} in the order given: their names only, so safe to show anywhere.
   */
  public java.util.List<String> insecureTlsOptions() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String pair : options.split("[&;]")) {
      int eq = pair.indexOf('=');
      if (eq < 0 || !pair.substring(eq + 1).strip().equalsIgnoreCase("true")) continue;
      String name = pair.substring(0, eq).strip();
      INSECURE_OPTIONS.stream().filter(o -> o.equalsIgnoreCase(name)).findFirst()
          .ifPresent(o -> out.add(o + "=true"));
    }
    return out;
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

  /**
   * A connection string cut around its user-info, which is found even when its special characters
   * are not percent-encoded (the driver then misreads where it ends).
   *
   * @param userInfo between "://" and the '@' that ends it, or null when there is no '@'
   * @param rest hosts, database and options
   */
  private record Parts(String scheme, String userInfo, String rest) {
    static Parts of(String s) {
      int sep = s.indexOf("://");
      int start = sep < 0 ? 0 : sep + 3;
      // The options start at the first '?' after a '/'; a '?' before any '/' is in the password.
      int slash = s.indexOf('/', start);
      int query = slash < 0 ? -1 : s.indexOf('?', slash);
      int at = s.lastIndexOf('@', (query < 0 ? s.length() : query) - 1);
      if (at < start) {
        // No '@' before the options: a raw '/' may have cut the user-info; take the last '@' at all.
        at = s.lastIndexOf('@');
      }
      return at < start ? new Parts(s.substring(0, start), null, s.substring(start))
          : new Parts(s.substring(0, start), s.substring(start, at), s.substring(at + 1));
    }

    /** The literal secrets in the options, see {@link UriOptions#secrets}. */
    java.util.List<String> optionSecrets() {
      int query = rest.indexOf('?');
      return query < 0 ? java.util.List.of() : UriOptions.secrets(rest.substring(query + 1));
    }

    String whole() {
      return userInfo == null ? scheme + rest : scheme + userInfo + "@" + rest;
    }

    String password() {
      int colon = userInfo == null ? -1 : userInfo.indexOf(':');
      return colon < 0 ? null : userInfo.substring(colon + 1);
    }

    /**
     * Why the driver refused the URI, asking it again about a copy whose user-info is a
     * placeholder: if that copy passes, only the user-info can be at fault.
     */
    String explainRefusal() {
      String placeholder = userInfo == null ? null : userInfo.contains(":") ? "user:password" : "user";
      try {
        new ConnectionString(placeholder == null ? whole() : scheme + placeholder + "@" + rest);
        return BAD_USERINFO;
      } catch (RuntimeException e) {
        return safe(String.valueOf(e.getMessage()).strip());
      }
    }

    /**
     * The message, unless it holds 3 characters in a row of the user-info, then a fixed one: a
     * guard for a user-info cut in the wrong place, so that the driver saw part of it.
     */
    String safe(String message) {
      java.util.List<String> secrets = new java.util.ArrayList<>();
      if (userInfo != null) {
        secrets.add(userInfo);
        secrets.add(Redactor.decodeLeniently(userInfo));
      }
      secrets.addAll(optionSecrets());
      for (String secret : secrets) {
        for (int i = 0; i + 3 <= secret.length(); i++) {
          if (message.contains(secret.substring(i, i + 3))) {
            return "the connection string is not valid (the reason is withheld: it would quote part of the user "
                + "name, the password or an option that holds a secret); check the hosts, the port and the options";
          }
        }
      }
      return message;
    }
  }

  /** A malformed connection string; the message is already free of credentials. */
  public static final class InvalidMongoUriException extends IllegalArgumentException {
    public InvalidMongoUriException(String message) {
      super(message);
    }
  }
}
