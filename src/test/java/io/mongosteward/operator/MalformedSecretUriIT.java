package io.mongosteward.operator;

import static io.mongosteward.operator.OperatorHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.MongoUriTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Malformed connection strings in a schema's Secret, through the whole operator: each schema is
 * stalled with reason InvalidConnectionString, and no 3 characters in a row of the password or
 * the user name (as written or percent-decoded) reach the status, the namespace's Events or the
 * logs, its deletion included. One operator for the table, one Secret and schema per row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedSecretUriIT {
  private final AtomicInteger rows = new AtomicInteger();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Logger root;
  private OperatorHarness op;

  /**
   * Each row: what is wrong, the URI with USER and PW in place of the credentials, the user name,
   * and the password as written in the URI. Every password and user name is different, and every
   * 3 characters of them mix cases, digits or symbols, so that a match anywhere is a leak of that
   * very row, not a coincidence. The cases follow MongoUriTest.MALFORMED.
   */
  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("a raw % in the password", "mongodb://USER:PW@db.example.com/bot", "Ua7Qx", "Qz7%Vk-Jw9X"),
        Arguments.of("%zz in the password", "mongodb://USER:PW@db.example.com/bot", "Ub4Wm", "Hm4%zzRt-Xq8"),
        Arguments.of("no host", "mongodb://USER:PW@/bot", "Uc2Ez", "Bn2%25Tk-Wv6Y"),
        Arguments.of("an unknown option (tsl)", "mongodb://USER:PW@db.example.com/bot?tsl=true", "Ud9Rk", "Gc5%25Lp-Zr3M"),
        Arguments.of("SRV with a port", "mongodb+srv://USER:PW@host.example.com:27017/", "Ue3Tj", "Fd8%25Nq-Yx2J"),
        Arguments.of("SRV with two hosts", "mongodb+srv://USER:PW@h1.example.com,h2.example.com/", "Uf6Yp",
            "Kv3%25Rb-Tm7W"),
        Arguments.of("a raw / in the password", "mongodb://USER:PW@db.example.com/bot", "Ug8Io", "Zx6/Qf%25Hw4"),
        Arguments.of("a raw / and ? in the password", "mongodb://USER:PW@db.example.com/bot", "Uh5Pa", "Pj9/Kd?Vn5R"),
        Arguments.of("a raw @ in the password", "mongodb://USER:PW@db.example.com/bot", "Ui2As", "Wr2@Xt7-Gq4L"),
        Arguments.of("a raw : in the password", "mongodb://USER:PW@db.example.com/bot", "Uj7Sd", "Tn5:Jb8-Mz3Q"),
        Arguments.of("no user name", "mongodb://:PW@db.example.com/bot", "", "Lq7%25Vd-Ck9Z"),
        Arguments.of("a port that is not a number", "mongodb://USER:PW@db.example.com:notaport/bot", "Uk4Df",
            "Yh4%25Dw-Rf6N"),
        Arguments.of("an option value of the wrong type", "mongodb://USER:PW@db.example.com/?maxPoolSize=lots", "Ul9Fg",
            "Cm8%25Qs-Jx5T"),
        Arguments.of("tls and ssl disagree", "mongodb://USER:PW@db.example.com/?tls=true&ssl=false", "Um3Gh",
            "Nv3%25Hk-Zp7D"),
        Arguments.of("an unknown auth mechanism", "mongodb://USER:PW@db.example.com/?authMechanism=NOPE", "Un6Hj",
            "Dx9%25Wm-Bq2K"),
        Arguments.of("another scheme", "mongo://USER:PW@db.example.com/bot", "Uo8Jk", "Rk6%25Fz-Hv4P"),
        Arguments.of("no scheme", "USER:PW@db.example.com:27017", "Up2Kl", "Vb5%25Gx-Qw8J"),
        // The review's shape: the driver's split left the password's tail as an option name.
        Arguments.of("raw @ : / ? # [ ] % in the password", "mongodb://USER:PW@127.0.0.1:39553/?tls=true", "Uq6Lz",
            "Kq@Zw:/?#[]%Vx"),
        Arguments.of("a raw /? then @@ in the password", "mongodb://USER:PW@db.example.com/?tls=true", "Ur8Mx",
            "Xj/?QzKvTqw@"));
  }

  @BeforeAll
  void start() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    op = new OperatorHarness("baduri");
  }

  @AfterAll
  void stop() {
    try {
      if (op != null) op.close();
    } finally {
      root.detachAppender(logs);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void isStalledAsInvalidConnectionStringAndNoPieceOfTheCredentialsLeaks(String what, String template, String user,
      String password) {
    String name = "row-" + rows.incrementAndGet();
    op.secret(name, template.replace("USER", user).replace("PW", password));
    // deletionPolicy Delete: its deletion tries the Secret again, and says what it could not do.
    op.apply(name, MongoSchemaOperatorIT.spec("op_baduri", "deletionPolicy: Delete\n")
        .replace("name: mongo,", "name: " + name + ","));

    op.awaitReady(name, "False", Reason.InvalidConnectionString.name());
    MongoSchemaStatus status = op.get(name).getStatus();
    assertThat(Conditions.find(status.getConditions(), Conditions.READY).getMessage())
        .startsWith("Secret " + op.namespace + "/" + name + " key 'uri' is not a MongoDB connection string: ");
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.STALLED)).isTrue();
    if (password.contains("@")) {
      assertThat(Conditions.find(status.getConditions(), Conditions.READY).getMessage()).endsWith(MongoUri.BAD_USERINFO);
    }
    assertThat(Conditions.find(status.getConditions(), Conditions.STALLED).getReason())
        .isEqualTo(Reason.InvalidConnectionString.name());
    assertThat(Conditions.isTrue(status.getConditions(), Conditions.RECONCILING)).isFalse();
    eventually().until(() -> eventsOf(name).stream()
        .anyMatch(e -> Reason.InvalidConnectionString.name().equals(e.getReason()) && "Warning".equals(e.getType())));

    // Deleting it reads the Secret again, fails, and says so in a log line and an Event.
    op.client.resource(op.get(name)).delete();
    eventually().until(() -> op.get(name) == null);
    eventually().until(() -> eventsOf(name).stream().anyMatch(e -> Reason.DeletionIncomplete.name().equals(e.getReason())));

    // JSON, not YAML: YAML folds long messages, and the fixed advice on percent-encoding (which
    // holds "%25", as such passwords do) would no longer be recognised and left out.
    String statusText = Serialization.asJson(status);
    String events = op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .map(e -> e.getReason() + ": " + e.getMessage()).collect(Collectors.joining("\n"));
    List<ILoggingEvent> logged;
    synchronized (logs) { // the appender appends under its own lock
      logged = List.copyOf(logs.list);
    }
    String logText = logged.stream().map(e -> e.getFormattedMessage() + causes(e.getThrowableProxy()))
        .collect(Collectors.joining("\n"));
    assertThat(events).contains(name);
    assertThat(logText).contains("deleting " + op.namespace + "/" + name);
    for (String[] place : new String[][] {{"status", statusText}, {"events", events}, {"logs", logText}}) {
      for (String secret : user.isEmpty() ? List.of(password) : List.of(password, user)) {
        try {
          MongoUriTest.assertNoPieceOf(secret, place[1]);
        } catch (AssertionError e) {
          throw new AssertionError(what + ": a piece of the credentials in the " + place[0] + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private List<Event> eventsOf(String name) {
    return op.client.v1().events().inNamespace(op.namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }

  /** Every message down a logged exception's cause chain, and its suppressed ones. */
  private static String causes(IThrowableProxy t) {
    if (t == null) return "";
    StringBuilder sb = new StringBuilder(" ").append(t.getClassName()).append(": ").append(t.getMessage());
    for (var s : t.getSuppressed()) sb.append(causes(s));
    return sb.append(causes(t.getCause())).toString();
  }
}
