package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

public class MongoUriTest {
  /**
   * Malformed connection strings whose user-info must never show in the message: the URI, then
   * its password as written (it may be percent-encoded). The passwords are distinctive so that
   * any 3 characters of them in a message are a leak, not a coincidence.
   */
  public static final String MALFORMED = """
      mongodb://Qx7jvk:Pa%ss-w0rd-CANARY@db.example.com/bot                   | Pa%ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%zzss-w0rd-CANARY@db.example.com/bot                 | Pa%zzss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@/bot                               | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/bot?tsl=true        | Pa%25ss-w0rd-CANARY
      mongodb+srv://Qx7jvk:Pa%25ss-w0rd-CANARY@host.example.com:27017/        | Pa%25ss-w0rd-CANARY
      mongodb+srv://Qx7jvk:Pa%25ss-w0rd-CANARY@h1.example.com,h2.example.com/ | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:CANARY/Pa%25ss-w0rd@db.example.com/bot                 | CANARY/Pa%25ss-w0rd
      mongodb://Qx7jvk:CANARY/Pa?ss-w0rd@db.example.com/bot                   | CANARY/Pa?ss-w0rd
      mongodb://Qx7jvk:Pa@ss-w0rd-CANARY@db.example.com/bot                   | Pa@ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa:ss-w0rd-CANARY@db.example.com/bot                   | Pa:ss-w0rd-CANARY
      mongodb://:Pa%25ss-w0rd-CANARY@db.example.com/bot                       | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com:notaport/bot        | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/?maxPoolSize=lots   | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/?tls=true&ssl=false | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/?tls=ture           | Pa%25ss-w0rd-CANARY
      mongodb://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/?authMechanism=NOPE | Pa%25ss-w0rd-CANARY
      mongo://Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com/bot                   | Pa%25ss-w0rd-CANARY
      Qx7jvk:Pa%25ss-w0rd-CANARY@db.example.com:27017                         | Pa%25ss-w0rd-CANARY
      """;

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = MALFORMED)
  void malformedUrisAreRefusedWithoutAnyPieceOfTheCredentials(String raw, String password) {
    assertThatThrownBy(() -> MongoUri.parse(raw))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .satisfies(e -> assertNoPieceOf(password, e.getMessage()))
        .satisfies(e -> assertNoPieceOf("Qx7jvk", e.getMessage()));
  }

  /**
   * Fails if any 3 consecutive characters of the secret, as written or percent-decoded, are in the
   * text. The fixed messages are left out: they are the same for every password (the advice on
   * percent-encoding quotes %25, which a password may hold, and they all say "password").
   */
  public static void assertNoPieceOf(String secret, String message) {
    String text = message;
    for (String fixed : MongoUri.FIXED_MESSAGES) {
      text = text.replace(fixed, "");
    }
    for (String s : new java.util.LinkedHashSet<>(java.util.List.of(secret, Redactor.decodeLeniently(secret)))) {
      for (int i = 0; i + 3 <= s.length(); i++) {
        assertThat(text).as("'%s' of %s", s.substring(i, i + 3), s).doesNotContain(s.substring(i, i + 3));
      }
    }
  }

  @Test
  void aBrokenPasswordIsExplainedWithoutBeingShown() {
    assertThatThrownBy(() -> MongoUri.parse("mongodb://app:Pa%ss-w0rd-CANARY@db/bot"))
        .hasMessageContaining("user name or password")
        .hasMessageContaining("% as %25").hasMessageContaining("@ as %40").hasMessageContaining(": as %3A")
        .hasMessageContaining("/ as %2F");
  }

  @Test
  void aProblemElsewhereKeepsTheDriversExplanation() {
    assertThatThrownBy(() -> MongoUri.parse("mongodb+srv://app:Pa%25ss@host.example.com:27017/"))
        .hasMessageContaining("can not contain a port");
    assertThatThrownBy(() -> MongoUri.parse("mongodb://app:Pa%25ss@/bot")).hasMessageContaining("empty host");
  }

  @Test
  void unknownOptionsAreRefusedByNameNeverByValue() {
    assertThatThrownBy(() -> MongoUri.parse("mongodb://app:pw@db/?tsl=CANARYVALUE"))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessageContaining("unknown option 'tsl' (did you mean 'ssl' or 'tls'?)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARYVALUE"));
    assertThatThrownBy(() -> MongoUri.parse("mongodb://db/bot?replicaSet=rs0&serverSelectionTimeout=5000"))
        .hasMessageContaining("unknown option 'serverSelectionTimeout'")
        .hasMessageContaining("did you mean 'serverSelectionTimeoutMS'?");
  }

  /**
   * The driver reads a boolean it does not recognise as "not set" and only logs a warning, so
   * tls=ture would connect in plaintext. Every option it parses as a boolean takes what it takes
   * (true, false, and the deprecated yes, no, 1, 0, in any case), else the URI is refused by the
   * option's name, never its value.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      tls=ture                         | tls
      TLS=CANARYVAL                    | TLS
      ssl=on                           | ssl
      tlsInsecure=maybe                | tlsInsecure
      tlsAllowInvalidHostnames=2       | tlsAllowInvalidHostnames
      sslInvalidHostnameAllowed=y      | sslInvalidHostnameAllowed
      retryWrites=tru                  | retryWrites
      retryReads=                      | retryReads
      directConnection=ok              | directConnection
      loadBalanced=nope                | loadBalanced
      journal=t                        | journal
      safe=sure                        | safe
      enableOverloadRetargeting=truee  | enableOverloadRetargeting
      tls=true&tls=fals                | tls
      """)
  void aBooleanOptionTakesOnlyWhatTheDriverReadsAsABoolean(String options, String name) {
    assertThatThrownBy(() -> MongoUri.parse("mongodb://app:pw@db/?" + options))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessageStartingWith("option '" + name + "' must be true or false")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARYVAL").doesNotContain("ture"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tls=true", "tls=FALSE", "ssl=True", "tls=%74rue", "retryWrites=false", "journal=true",
      "directConnection=true", "loadBalanced=false", "tlsInsecure=false", "retryReads=yes", "retryReads=0"})
  void booleansTheDriverReadsAreAccepted(String options) {
    assertThatCode(() -> MongoUri.parse("mongodb://db/?" + options)).doesNotThrowAnyException();
    assertThat(MongoUri.parse("mongodb://db/?tls=%74rue").connectionString().getSslEnabled()).isTrue();
  }

  /** The driver's names of its boolean and integer options: every one of them is checked here. */
  @Test
  void everyBooleanAndIntegerOptionOfTheDriverIsChecked() {
    assertThat(UriOptions.BOOLEAN).containsExactlyInAnyOrder("directConnection", "enableOverloadRetargeting",
        "journal", "loadBalanced", "retryReads", "retryWrites", "safe", "ssl", "sslInvalidHostNameAllowed", "tls",
        "tlsAllowInvalidHostnames", "tlsInsecure");
    assertThat(UriOptions.INTEGER).containsExactlyInAnyOrder("connectTimeoutMS", "heartbeatFrequencyMS",
        "localThresholdMS", "maxAdaptiveRetries", "maxConnecting", "maxIdleTimeMS", "maxLifeTimeMS", "maxPoolSize",
        "maxStalenessSeconds", "minPoolSize", "proxyPort", "serverSelectionTimeoutMS", "socketTimeoutMS",
        "srvMaxHosts", "waitQueueTimeoutMS", "wTimeoutMS", "zlibCompressionLevel");
    assertThat(UriOptions.LONG).containsExactly("timeoutMS");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      maxPoolSize=lots                   | maxPoolSize
      minPoolSize=1.5                    | minPoolSize
      connectTimeoutMS=10s               | connectTimeoutMS
      socketTimeoutMS=                   | socketTimeoutMS
      serverSelectionTimeoutMS=5e3       | serverSelectionTimeoutMS
      waitQueueTimeoutMS=x               | waitQueueTimeoutMS
      maxIdleTimeMS=x                    | maxIdleTimeMS
      maxLifeTimeMS=x                    | maxLifeTimeMS
      maxConnecting=x                    | maxConnecting
      heartbeatFrequencyMS=x             | heartbeatFrequencyMS
      localThresholdMS=x                 | localThresholdMS
      maxStalenessSeconds=x              | maxStalenessSeconds
      srvMaxHosts=x                      | srvMaxHosts
      maxAdaptiveRetries=x               | maxAdaptiveRetries
      zlibCompressionLevel=CANARYVAL     | zlibCompressionLevel
      wTimeoutMS=x                       | wTimeoutMS
      maxPoolSize=99999999999            | maxPoolSize
      timeoutMS=1.5                      | timeoutMS
      proxyHost=px&proxyPort=eighty      | proxyPort
      """)
  void anIntegerOptionTakesAWholeNumber(String options, String name) {
    assertThatThrownBy(() -> MongoUri.parse("mongodb://app:pw@db/?" + options))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessageStartingWith("option '" + name + "' must be a whole number")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("CANARYVAL"));
    assertThatCode(() -> MongoUri.parse("mongodb://db/?timeoutMS=99999999999&maxPoolSize=7&wTimeoutMS=5"))
        .doesNotThrowAnyException();
  }

  @Test
  void optionNamesAreCaseInsensitive() {
    MongoUri uri = MongoUri.parse("mongodb://db/bot?TLS=false&replicaset=rs0;MAXPOOLSIZE=3");
    assertThat(uri.connectionString().getRequiredReplicaSetName()).isEqualTo("rs0");
    assertThat(uri.connectionString().getMaxConnectionPoolSize()).isEqualTo(3);
  }

  /** The list must follow the driver: an option a new driver adds must not be refused as unknown. */
  @Test
  void theKnownOptionsAreExactlyTheDriversOwn() throws ReflectiveOperationException {
    Field f = ConnectionString.class.getDeclaredField("ALL_KEYS");
    f.setAccessible(true);
    @SuppressWarnings("unchecked")
    Set<String> driver = new TreeSet<>((Set<String>) f.get(null));
    Set<String> ours = UriOptions.KNOWN.stream().map(o -> o.toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(ours).isEqualTo(driver);
  }

  @Test
  void redactorNeverThrowsOnMalformedEscapes() {
    assertThatCode(() -> Redactor.of("Pa%ss-w0rd", "%zz", "%", "abc%", "%E9%")).doesNotThrowAnyException();
    assertThat(Redactor.of("Pa%ss-w0rd").scrub("auth failed for Pa%ss-w0rd")).isEqualTo("auth failed for ***");
    assertThat(Redactor.of("p%40ss%zz").scrub("p@ss%zz and p%40ss%zz")).isEqualTo("*** and ***");
  }

  @Test
  void theProxyPasswordIsRedactedToo() {
    MongoUri uri = MongoUri.parse("mongodb://app:pw1@db/?proxyHost=px&proxyUsername=pu&proxyPassword=Pr0xyS3cret");
    assertThat(uri.redacted()).doesNotContain("Pr0xyS3cret").doesNotContain("pw1");
  }

  /**
   * Options that can hold a secret (an AWS session token in authMechanismProperties, a proxy
   * password) are masked in redacted(), and their values are secrets of the redactor, so that a
   * driver message quoting them is scrubbed too.
   */
  @Test
  void optionsThatHoldASecretAreMasked() {
    MongoUri aws = MongoUri.parse("mongodb://AKIAEXAMPLE:pw-S3cr3t@db/?authMechanism=MONGODB-AWS"
        + "&authMechanismProperties=AWS_SESSION_TOKEN:Tok3n%2BSecretXYZ&appName=x");
    assertThat(aws.redacted()).isEqualTo("mongodb://AKIAEXAMPLE:***@db/?authMechanism=MONGODB-AWS"
        + "&authMechanismProperties=***&appName=x");
    assertThat(aws.redactor().scrub("token Tok3n+SecretXYZ, Tok3n%2BSecretXYZ, AWS_SESSION_TOKEN:Tok3n+SecretXYZ"))
        .isEqualTo("token ***, ***, ***");
    MongoUri proxy = MongoUri.parse("mongodb://db/?proxyHost=px&proxyUsername=pu&proxyPassword=Pr0xyS3cret");
    assertThat(proxy.redacted()).isEqualTo("mongodb://db/?proxyHost=px&proxyUsername=pu&proxyPassword=***");
    // Values that are not secrets stay readable, and never mask the rest of a message.
    MongoUri gssapi = MongoUri.parse("mongodb://user%40REALM@db/?authMechanism=GSSAPI"
        + "&authMechanismProperties=SERVICE_NAME:mongodb,CANONICALIZE_HOST_NAME:true");
    assertThat(gssapi.redactor().scrub("mongodb://db is down; true")).isEqualTo("mongodb://db is down; true");
    // Any URI in a text, without its secrets known.
    assertThat(Redactor.scrubUris("x mongodb://db/?AUTHMECHANISMPROPERTIES=AWS_SESSION_TOKEN:abc&w=1 y"))
        .isEqualTo("x mongodb://db/?AUTHMECHANISMPROPERTIES=***&w=1 y");
  }

  @Test
  void aRefusedUriNeverQuotesASecretOption() {
    for (String raw : new String[] {"mongodb://db:badport/?authMechanismProperties=AWS_SESSION_TOKEN:Tok3n%zzSecret",
        "mongodb://db/?authMechanismProperties=AWS_SESSION_TOKEN:Tok3n%zzSecret&tsl=true",
        "mongodb://db/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:Tok3n%zzSecret"}) {
      assertThatThrownBy(() -> MongoUri.parse(raw)).isInstanceOf(MongoUri.InvalidMongoUriException.class)
          .satisfies(e -> assertNoPieceOf("Tok3n%zzSecret", e.getMessage()));
    }
  }

  @Test
  void redactedHidesThePasswordOnly() {
    MongoUri uri = MongoUri.parse("mongodb://app:p%40ss-W0rd@db1:27017,db2:27017/bot?replicaSet=rs0");
    assertThat(uri.redacted()).isEqualTo("mongodb://app:***@db1:27017,db2:27017/bot?replicaSet=rs0");
    assertThat(uri.database()).isEqualTo("bot");
  }

  @Test
  void redactorMasksTheDecodedPasswordToo() {
    MongoUri uri = MongoUri.parse("mongodb://app:p%40ss-W0rd@db1/bot");
    assertThat(uri.redactor().scrub("auth failed for p@ss-W0rd and p%40ss-W0rd")).isEqualTo("auth failed for *** and ***");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://app:hunter22@db", "mongodb://app:hunter22@", "mongodb://app:hunter22@db:notaport",
      "mongodb://app:hunter22@db/?w=bogus&unknownOption=1&maxPoolSize=x"})
  void malformedUrisAreRejectedWithoutThePassword(String raw) {
    assertThatThrownBy(() -> MongoUri.parse(raw))
        .isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter22"));
  }

  @Test
  void blankIsRejected() {
    assertThatThrownBy(() -> MongoUri.parse("  ")).hasMessage("the connection string is empty");
  }

  @Test
  void scrubUrisWorksWithoutAKnownSecret() {
    assertThat(Redactor.scrubUris("x mongodb+srv://u:pw@c.example.net/db y")).isEqualTo("x mongodb+srv://u:***@c.example.net/db y");
  }

  @Test
  void theOptionsThatTurnOffVerificationAreNamedWithoutTheRest() {
    MongoUri uri = MongoUri.parse("mongodb://app:Pw-CANARY-1@db.example.net/bot?tls=true&tlsInsecure=TRUE&appName=x");
    assertThat(uri.insecureTlsOptions()).containsExactly("tlsInsecure=true");
    assertThat(MongoUri.parse("mongodb://app:Pw-CANARY-1@db/?tlsallowinvalidhostnames=true").insecureTlsOptions())
        .containsExactly("tlsAllowInvalidHostnames=true");
    assertThat(MongoUri.parse("mongodb://db/?sslInvalidHostNameAllowed=true").insecureTlsOptions())
        .containsExactly("sslInvalidHostNameAllowed=true");
    assertThat(MongoUri.parse("mongodb://db/?tls=true&tlsInsecure=false").insecureTlsOptions()).isEmpty();
    assertThat(MongoUri.parse("mongodb://app:Pw-CANARY-1@db/").insecureTlsOptions()).isEmpty();
  }
}
