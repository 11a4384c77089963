package io.mongosteward.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.MongoUriTest;
import io.mongosteward.mongo.UnencodedPasswordTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The connection-string file is read again before each ping; only a valid change replaces the URI. */
class UriFileTest {
  static final String FIRST = "mongodb://app:Old-S3cret@db-a:27017/app";
  static final String SECOND = "mongodb://app:New-S3cret@db-b:27017/app";
  @TempDir Path dir;

  UriFile file(String content) throws Exception {
    Path path = dir.resolve("uri");
    Files.writeString(path, content + "\n");
    return new UriFile(path, "MONGODB_URI_FILE", MongoUri.parse(content));
  }

  @Test
  void unchangedContentGivesTheSameUriSoTheClientIsKept() throws Exception {
    UriFile uris = file(FIRST);
    MongoUri first = uris.get();
    assertThat(first.redacted()).isEqualTo("mongodb://app:***@db-a:27017/app");
    assertThat(uris.get()).isSameAs(first);
  }

  @Test
  void aRewrittenFileGivesTheNewUri() throws Exception {
    UriFile uris = file(FIRST);
    MongoUri first = uris.get();
    Files.writeString(dir.resolve("uri"), SECOND);
    MongoUri second = uris.get();
    assertThat(second).isNotSameAs(first);
    assertThat(second.redacted()).isEqualTo("mongodb://app:***@db-b:27017/app");
    assertThat(uris.get()).isSameAs(second);
  }

  @Test
  void aRotatedPasswordAloneIsAChangeAndNoPasswordIsLogged() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger log = (Logger) LoggerFactory.getLogger(UriFile.class);
    logs.start();
    log.addAppender(logs);
    try {
      UriFile uris = file(FIRST);
      MongoUri first = uris.get();
      Files.writeString(dir.resolve("uri"), FIRST.replace("Old-S3cret", "Rotated-S3cret"));
      assertThat(uris.get()).isNotSameAs(first);
      Files.writeString(dir.resolve("uri"), "mongodb://app:Bad-S3cret@db-a:notaport/app");
      uris.get();
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("changed: pinging mongodb://app:***@db-a:27017/app"))
        .anySatisfy(m -> assertThat(m).contains("not a valid MongoDB connection string"))
        .allSatisfy(m -> assertThat(m).doesNotContain("S3cret"));
  }

  @Test
  void anUnreadableOrInvalidFileKeepsTheLastGoodUri() throws Exception {
    UriFile uris = file(FIRST);
    MongoUri first = uris.get();
    Files.writeString(dir.resolve("uri"), "not a connection string");
    assertThat(uris.get()).isSameAs(first);
    Files.delete(dir.resolve("uri"));
    assertThat(uris.get()).isSameAs(first);
    Files.writeString(dir.resolve("uri"), SECOND);
    assertThat(uris.get().redacted()).contains("db-b");
  }

  /**
   * A rotation that pastes a password without percent-encoding it: the last good URI is kept and
   * the warning gives the fixed advice, with no piece of the password.
   */
  @Test
  void anUnencodedPasswordInTheFileIsNeverLogged() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger log = (Logger) LoggerFactory.getLogger(UriFile.class);
    logs.start();
    log.addAppender(logs);
    try {
      UriFile uris = file(FIRST);
      MongoUri first = uris.get();
      for (String password : UnencodedPasswordTest.DISTINCT) {
        Files.writeString(dir.resolve("uri"), "mongodb://app:" + password + "@db-a:27017/?tls=true");
        assertThat(uris.get()).isSameAs(first);
      }
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list).hasSize(UnencodedPasswordTest.DISTINCT.size());
    String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    assertThat(logged).contains("percent-encode");
    for (String password : UnencodedPasswordTest.DISTINCT) {
      MongoUriTest.assertNoPieceOf(password, logged);
    }
  }
}
