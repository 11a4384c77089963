package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Passwords written into a connection string without percent-encoding their '@', ':', '/', '?',
 * '#' or '%': wherever the parser believes the user-info ends, no message quotes 3 characters in a
 * row of the password. The first row is the review's: its tail was taken for an option name and
 * quoted back in the status, an Event and the log.
 */
public class UnencodedPasswordTest {
  /** Passwords as a user would paste them, unencoded (the review's, and the shapes around it). */
  public static final List<String> NASTY = List.of("p@ss:/?#[]%", "Kq@Zw:/?#[]%Vx", "a@b@c", "@", ":@:",
      "x/?tlsSecretTail@", "Sup3r/?secretword=1", "ab/cd?efgh", "pa?ss#word99", "p@ssw0rd/?appName=Xq9",
      "p@ssw0rd/?tls=true", "p@ss/?tsl=Jk7", "Ünï@cødé/€Ωß", "100%pure%zz", "%%41%g%", "Zr%2/Wq@", "q/w@e:r?t#y");

  /**
   * The same shapes, with no English word or option name in them, for the tests that look through
   * whole outputs (CLI, logs, status, Events): there a piece such as "wor" or "tls" could be in the
   * surrounding text by chance.
   */
  public static final List<String> DISTINCT = List.of("p@ss:/?#[]%", "Kq@Zw:/?#[]%Vx", "a@b@c", ":@:",
      "Xj/?QzKvTqw@", "Gv3r/?Jqzk=1", "Pq?Vs#Wz99", "Ünï@cødé/€Ωß", "Hx%zz%Kq", "Zr%2/Wq@", "q/w@e:r?t#y");

  /** Where the password goes: several host lists, with and without a database and options. */
  static final List<String> TEMPLATES = List.of(
      "mongodb://app:PW@127.0.0.1:39553/?tls=true",
      "mongodb://app:PW@db.example.net/bot",
      "mongodb://app:PW@db.example.net",
      "mongodb://app:PW@h1.example.net:27017,h2.example.net:27018/bot?replicaSet=rs0&tls=true",
      "mongodb+srv://app:PW@cluster0.example.net/?tls=true",
      "mongodb://app:PW@[::1]:27017/bot?authSource=admin");

  static Stream<Arguments> everyPasswordInEveryTemplate() {
    List<Arguments> out = new ArrayList<>();
    for (String pw : NASTY) {
      for (String t : TEMPLATES) {
        out.add(Arguments.of(t.replace("PW", pw), pw));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("everyPasswordInEveryTemplate")
  void noPieceOfTheUnencodedPasswordIsEverShown(String raw, String password) {
    String shown;
    try {
      MongoUri uri = MongoUri.parse(raw);
      shown = uri.redacted() + "\n" + uri + "\n" + uri.redactor().scrub("auth failed for " + raw);
    } catch (MongoUri.InvalidMongoUriException e) {
      shown = e.getMessage();
    }
    MongoUriTest.assertNoPieceOf(password, shown);
  }

  /**
   * The review's case and its kin: the fixed advice, naming the fields and the characters, not
   * the unknown-option refusal. With a '/' before the last '@' nobody can tell a password's '@'
   * from one in an option's value, so the advice covers both.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mongodb://app:p@ss:/?#[]%@127.0.0.1:39553/?tls=true",
      "mongodb://app:x/?tlsSecretTail@@db.example.net/?tls=true", "mongodb://app:ab/cd?efgh@db.example.net/bot",
      "mongodb://app:p@ssw0rd/?appName=Xq9@db.example.net/?tls=true", "mongodb://app:p@ss/?tsl=Jk7@db/?tls=true",
      "mongodb://app:p@ssw0rd/?appName=Xq9@db.example.net", "mongodb://Sup3r/?secretword=1@db.example.net/",
      "mongodb://app:pw@db.example.net/?appName=me@example.com"})
  void aRawSlashBeforeTheLastAtGetsTheFixedAdvice(String raw) {
    assertThatThrownBy(() -> MongoUri.parse(raw)).isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessage(MongoUri.RAW_SLASH_OR_AT + MongoUri.BAD_USERINFO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mongodb://app:a@b@c@db.example.net/bot", "mongodb://app:p@ss@db.example.net",
      "mongodb://app::@:@[::1]:27017/?tls=true"})
  void anAtInThePasswordGetsTheFixedAdviceNamingThePassword(String raw) {
    assertThatThrownBy(() -> MongoUri.parse(raw)).isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessage(MongoUri.AT_IN_PASSWORD + MongoUri.BAD_USERINFO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mongodb://a@b:pw@db.example.net/bot", "mongodb://a@b@db.example.net/?tls=true"})
  void anAtInTheUserNameGetsTheFixedAdviceNamingTheUserName(String raw) {
    assertThatThrownBy(() -> MongoUri.parse(raw)).isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .hasMessage(MongoUri.AT_IN_USER_NAME + MongoUri.BAD_USERINFO);
  }

  /**
   * An '@' in an option's value that cannot be a host list's (another option follows), or
   * percent-encoded, is not the end of a password.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mongodb://app:pw@db.example.net/?appName=me%40example.com",
      "mongodb://app:pw@db.example.net/bot?appName=ops@team&tls=true", "mongodb://db.example.net/?appName=a@b&w=1"})
  void anAtInAnOptionValueIsStillAccepted(String raw) {
    assertThatCode(() -> MongoUri.parse(raw)).doesNotThrowAnyException();
    assertThat(MongoUri.parse(raw).connectionString().getApplicationName()).contains("@");
  }

  /**
   * UriOptions alone, given a password's tail as options (as when the user-info was cut short):
   * an option name that holds a character no option name has is refused without being quoted.
   */
  @ParameterizedTest
  @ValueSource(strings = {"#[]%@127.0.0.1:39553/?tls=true", "tlsSecretTail@@db.example.net/?tls=true",
"efgh@db.example.net", "Xq9:Zw/Kq=1", "Wq@db"})
  void uriOptionsNeverQuoteANameThatCouldBeCredentialText(String query) {
    assertThatThrownBy(() -> UriOptions.check(query)).isInstanceOf(MongoUri.InvalidMongoUriException.class)
        .satisfies(e -> {
          String name = query.split("[&;=]")[0];
          assertThat(e.getMessage()).doesNotContain(name).contains("not shown");
          for (int i = 0; i + 3 <= name.length(); i++) {
            assertThat(e.getMessage()).doesNotContain(name.substring(i, i + 3));
          }
        });
  }
}
