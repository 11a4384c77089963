package io.mongosteward.mongo;

import com.mongodb.ConnectionString;

/** A parsed connection string that knows how to hide its own password. */
public final class MongoUri {
  /** Said instead of the driver's reason when the user-info is at fault: that reason may quote it. */
  public static final String BAD_USERINFO = "the user name or password is not valid in a connection string: "
      + "percent-encode these characters in them: % as %25, @ as %40, : as %3A, / as %2F (and give a user name "
      + "before the ':'). They are not shown here, to keep the password secret";
  /**
   * Said before {@link #BAD_USERINFO} when an '@' is left in the user-info: the connection string
   * spec forbids it there, as the driver would take the last '@' as the end of the password.
   */
  public static final String AT_IN_PASSWORD = "the password holds an '@' that is not percent-encoded; ";
  public static final String AT_IN_USER_NAME = "the user name holds an '@' that is not percent-encoded; ";
  /**
   * Said when what ends at the '@' before the hosts holds a '/': either the user name or password
   * holds a raw '/' (and maybe '@'), or an option's value holds an '@'. The driver would read the
   * string one way when the other was meant, so neither is guessed.
   */
  public static final String RAW_SLASH_OR_AT = "a '/' or '@' that is not percent-encoded is in the user name or "
      + "the password, or an '@' is in an option's value (percent-encode it there as %40 too); ";
  /** Said instead of a driver's reason that would quote part of the user-info or a secret option. */
  public static final String REASON_WITHHELD = "the connection string is not valid (the reason is withheld: it "
      + "would quote part of the user name, the password or an option that holds a secret); check the hosts, the "
      + "port and the options";
  /** The messages that are the same whatever the credentials, so hold none of them. */
  public static final java.util.List<String> FIXED_MESSAGES = java.util.List.of(AT_IN_PASSWORD, AT_IN_USER_NAME,
      RAW_SLASH_OR_AT, BAD_USERINFO, REASON_WITHHELD);

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
    String rawDelimiter = parts.rawDelimiterInUserInfo();
    if (rawDelimiter != null) {
      throw new InvalidMongoUriException(rawDelimiter);
    }
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
    /** One host of a host list: a name, an IPv4 or a bracketed IPv6 address, or a %2F socket path; a port. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
        "(\\[[0-9A-Za-z:.%]+\\]|[A-Za-z0-9._~%-]+)(:[0-9]{1,5})?");

    /**
     * The user-info ends at an '@' (the connection string spec forbids an unescaped '@' in it), but
     * which one is ambiguous when a password holds a raw '@', '/' or '?': the driver cuts at the
     * first '/' and then at the last '@' before it, so "p@ss:/?x@host/" gives it the password "p"
     * and options that are the password's tail. Here it ends at the last '@' followed by what a
     * host list and its options look like (hosts, then an optional /database, then options this
     * parser accepts). Cut too late (an '@' in an option's value), the refusal asks for
     * percent-encoding; cut too early, it would quote the password's tail.
     */
    static Parts of(String s) {
      int sep = s.indexOf("://");
      int start = sep < 0 ? 0 : sep + 3;
      java.util.List<Integer> ats = new java.util.ArrayList<>();
      for (int i = s.indexOf('@', start); i >= 0; i = s.indexOf('@', i + 1)) {
        ats.add(i);
      }
      if (ats.isEmpty()) {
        return new Parts(s.substring(0, start), null, s.substring(start));
      }
      int at = lastFit(s, ats, true);
      if (at < 0) at = lastFit(s, ats, false);
      if (at < 0) {
        // No '@' is followed by hosts. Hosts, '/', then '?' before every '@': they are all in the
        // options (appName=a@b&w=1) and there is no user-info. Else the most that may be one.
        int slash = s.indexOf('/', start);
        int query = slash < 0 ? -1 : s.indexOf('?', slash);
        if (query >= 0 && query < ats.get(0) && looksLikeHosts(s.substring(start, slash), false)) {
          return new Parts(s.substring(0, start), null, s.substring(start));
        }
        at = ats.get(ats.size() - 1);
      }
      return new Parts(s.substring(0, start), s.substring(start, at), s.substring(at + 1));
    }

    private static int lastFit(String s, java.util.List<Integer> ats, boolean withOptions) {
      for (int i = ats.size() - 1; i >= 0; i--) {
        if (looksLikeHosts(s.substring(ats.get(i) + 1), withOptions)) return ats.get(i);
      }
      return -1;
    }

    /** Whether {@code rest} reads as host[:port][,...][/[database][?options]]; options checked too if asked. */
    private static boolean looksLikeHosts(String rest, boolean withOptions) {
      int slash = rest.indexOf('/');
      String hosts = slash < 0 ? rest : rest.substring(0, slash);
      if (hosts.isEmpty()) return false;
      for (String host : hosts.split(",", -1)) {
        if (!HOST.matcher(host).matches()) return false;
      }
      if (slash < 0) return true;
      String path = rest.substring(slash + 1);
      int query = path.indexOf('?');
      String database = query < 0 ? path : path.substring(0, query);
      if (!database.chars().noneMatch(c -> "/\\ \"$@:#?".indexOf(c) >= 0)) return false;
      if (query < 0 || !withOptions) return true;
      try {
        UriOptions.check(path.substring(query + 1));
        return true;
      } catch (MongoUri.InvalidMongoUriException e) {
        return false;
      }
    }

    /**
     * The fixed refusal when the user-info holds a raw '@' or '/', naming the field, never the
     * value; else null. A '/' must be refused here: the driver cuts the string at the first '/'
     * and may well accept what is left, with another host and the password's tail as options.
     */
    String rawDelimiterInUserInfo() {
      if (userInfo == null) return null;
      if (userInfo.indexOf('/') >= 0) return RAW_SLASH_OR_AT + BAD_USERINFO;
      int at = userInfo.indexOf('@');
      if (at < 0) return null;
      int colon = userInfo.indexOf(':');
      return (colon >= 0 && colon < at ? AT_IN_PASSWORD : AT_IN_USER_NAME) + BAD_USERINFO;
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
            return REASON_WITHHELD;
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
