package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Error replies as real servers send them (codes from MongoDB's error_codes.yml). */
class ErrorClassifierTest {
  static MongoCommandException reply(String json) {
    return new MongoCommandException(BsonDocument.parse(json), new ServerAddress());
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})
  void retryableCodesAreTransient(int code) {
    assertThat(ErrorClassifier.isTransient(reply("{ok: 0, code: " + code + ", errmsg: 'x'}"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {11000, 85, 86, 27, 59, 238, 18, 13, 67, 197, 2})
  void otherCodesArePermanent(int code) {
    assertThat(ErrorClassifier.isTransient(reply("{ok: 0, code: " + code + ", errmsg: 'x'}"))).isFalse();
  }

  @Test
  void retryableWriteErrorLabelIsTransientWhateverTheCode() {
    assertThat(ErrorClassifier.isTransient(
        reply("{ok: 0, code: 1234, errmsg: 'x', errorLabels: ['RetryableWriteError']}"))).isTrue();
  }

  @Test
  void networkAndTimeoutErrorsAreTransient() {
    assertThat(ErrorClassifier.isTransient(new MongoSocketOpenException("refused", new ServerAddress()))).isTrue();
    assertThat(ErrorClassifier.isTransient(new MongoTimeoutException("no server"))).isTrue();
  }

  @Test
  void authenticationFailureIsPermanent() {
    var e = new MongoSecurityException(MongoCredential.createCredential("u", "admin", "pw".toCharArray()), "auth failed");
    assertThat(ErrorClassifier.isTransient(e)).isFalse();
    assertThat(ErrorClassifier.isAuthentication(e)).isTrue();
  }

  @Test
  void unsupportedMeansNoCollModOrAnUnimplementedOption() {
    assertThat(ErrorClassifier.isUnsupported(reply("{ok: 0, code: 59, errmsg: 'no such command: collMod'}"))).isTrue();
    assertThat(ErrorClassifier.isUnsupported(reply("{ok: 0, code: 238, errmsg: 'not implemented'}"))).isTrue();
    assertThat(ErrorClassifier.isUnsupported(reply("{ok: 0, code: 303, errmsg: 'Feature not supported: x'}"))).isTrue();
    assertThat(ErrorClassifier.isUnsupported(reply("{ok: 0, code: 11000, errmsg: 'dup'}"))).isFalse();
  }

  @Test
  void describeGivesCodeNameAndScrubsCredentials() {
    String d = ErrorClassifier.describe(reply("{ok: 0, code: 86, codeName: 'IndexKeySpecsConflict', "
        + "errmsg: 'conflict seen via mongodb://app:s3cret@db:27017'}"), Redactor.of("s3cret"));
    assertThat(d).isEqualTo("code 86 (IndexKeySpecsConflict): conflict seen via mongodb://app:***@db:27017");
  }

  // classify: each error, as the driver hands it over, to one kind and one reason. The replies
  // are shaped as mongod sends them; the codes and names are those of
  // https://www.mongodb.com/docs/manual/reference/error-codes/

  static final ServerAddress DB = new ServerAddress("db.example.com", 27017);

  static Failure classify(Throwable t, String command, String target) {
    return ErrorClassifier.classify(t, Op.of(command, target), Redactor.none());
  }

  /** mongod's reply to a command the user has no privilege for (code 13, Unauthorized). */
  static MongoCommandException unauthorized(String db, String command) {
    String errmsg = "not authorized on " + db + " to execute command { " + command + ": \"posts\", $db: \"" + db
        + "\", lsid: { id: UUID(\"9d2c1f3e-52a5-4c7f-9a55-6b3f4c2a1e07\") } }";
    return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("errmsg", new BsonString(errmsg))
        .append("code", new BsonInt32(13)).append("codeName", new BsonString("Unauthorized")), DB);
  }

  /** Each command the engine runs, and the privilege action its refusal must name. */
  @ParameterizedTest
  @CsvSource({
      "createIndexes, createIndex",
      "listIndexes,   listIndexes",
      "find,          find",
      "collMod,       collMod",
      "dropIndexes,   dropIndex"})
  void unauthorizedIsPermanentNotAuthorizedNamingTheCommandAndThePrivilegeAction(String command, String action) {
    Failure f = classify(unauthorized("bot", command), command, "posts");
    assertThat(f).isInstanceOf(Failure.Permanent.class);
    assertThat(f.reason()).isEqualTo(Reason.NotAuthorized);
    assertThat(((Failure.Permanent) f).code()).isEqualTo(13);
    assertThat(f.getMessage())
        .startsWith(command + " posts: code 13 (Unauthorized): not authorized on bot to execute command { " + command)
        .contains("grant the user the " + action + " privilege action on this database");
  }

  @Test
  void refusedCredentialsAreAuthenticationFailedWhateverTheDriverWrapsThemIn() {
    MongoCommandException reply = reply("{ok: 0, errmsg: 'Authentication failed.', code: 18, codeName: 'AuthenticationFailed'}");
    MongoCredential credential = MongoCredential.createScramSha256Credential("app", "admin", "Kv7-CANARY-pw".toCharArray());
    // What the driver throws from its handshake: the server's reply as the cause.
    MongoSecurityException handshake = new MongoSecurityException(credential, "Exception authenticating " + credential, reply);
    for (Throwable t : new Throwable[] {reply, handshake}) {
      Failure f = classify(t, "ping", "");
      assertThat(f).as(t.getClass().getSimpleName()).isInstanceOf(Failure.Permanent.class);
      assertThat(f.reason()).isEqualTo(Reason.AuthenticationFailed);
      assertThat(f.getMessage()).contains("MongoDB refused the credentials").doesNotContain("CANARY");
    }
  }

  static Stream<Arguments> networkAndElections() {
    return Stream.of(
        Arguments.of(new MongoSocketReadException("Prematurely reached end of stream", DB)),
        Arguments.of(new MongoTimeoutException("Timed out while waiting for a server that matches "
            + "ReadPreferenceServerSelector{readPreference=primary}. Client view of cluster state is {type=UNKNOWN}")),
        Arguments.of(new MongoOperationTimeoutException("Timeout while receiving message")),
        // As the driver throws them: its own classes for these codes, and as plain command errors.
        Arguments.of(new MongoNodeIsRecoveringException(BsonDocument.parse(
            "{ok: 0, errmsg: 'The server is in quiesce mode and will shut down', code: 91, codeName: 'ShutdownInProgress'}"), DB)),
        Arguments.of(new MongoNodeIsRecoveringException(BsonDocument.parse(
            "{ok: 0, errmsg: 'operation was interrupted', code: 189, codeName: 'PrimarySteppedDown'}"), DB)),
        Arguments.of(new MongoNotPrimaryException(BsonDocument.parse(
            "{ok: 0, errmsg: 'not primary', code: 10107, codeName: 'NotWritablePrimary'}"), DB)),
        Arguments.of(reply("{ok: 0, errmsg: 'The server is in quiesce mode and will shut down', code: 91, "
            + "codeName: 'ShutdownInProgress'}")),
        Arguments.of(reply("{ok: 0, errmsg: 'operation was interrupted', code: 189, codeName: 'PrimarySteppedDown'}")),
        Arguments.of(reply("{ok: 0, errmsg: 'not primary', code: 10107, codeName: 'NotWritablePrimary'}")));
  }

  @ParameterizedTest
  @MethodSource("networkAndElections")
  void theNetworkAndElectionsAreTransientMongoUnreachable(Throwable t) {
    Failure f = classify(t, "listIndexes", "posts");
    assertThat(f).isInstanceOf(Failure.Transient.class);
    assertThat(f.reason()).isEqualTo(Reason.MongoUnreachable);
    assertThat(f.getMessage()).startsWith("listIndexes posts: ").doesNotContain("Client view of cluster state");
  }

  @Test
  void theServersTimeLimitUnderTimeoutMSIsPermanentAndSaysSo() {
    // Driver 5.x with timeoutMS sends maxTimeMS; the server's 50 comes back wrapped in the
    // driver's own timeout exception (TimeoutContext.createMongoTimeoutException).
    MongoExecutionTimeoutException server = new MongoExecutionTimeoutException(50, "operation exceeded time limit",
        BsonDocument.parse("{ok: 0, errmsg: 'operation exceeded time limit', code: 50, codeName: 'MaxTimeMSExpired'}"));
    Failure f = classify(new MongoOperationTimeoutException("Operation exceeded the timeout limit.", server),
        "aggregate", "posts");
    assertThat(f).isInstanceOf(Failure.Permanent.class);
    assertThat(f.reason()).isEqualTo(Reason.Failed);
    assertThat(((Failure.Permanent) f).code()).isEqualTo(50);
    assertThat(f.getMessage()).contains("the server stopped it at its time limit").contains("clientOptions.timeoutMS");
    // The same limit without timeoutMS: the driver throws the server's exception itself.
    assertThat(classify(server, "aggregate", "posts")).isInstanceOf(Failure.Permanent.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      59  | CommandNotFound                 | no such command: collMod
      115 | CommandNotSupported             | collMod is not supported
      238 | NotImplemented                  | createIndexes: support for field "expireAfterSeconds" is not implemented yet
      197 | InvalidIndexSpecificationOption | The field 'foo' is not valid for an index specification
      """)
  void whatTheServerDoesNotImplementIsPermanentUnsupported(int code, String name, String message) {
    Failure f = classify(new MongoCommandException(new BsonDocument("ok", new BsonInt32(0))
        .append("errmsg", new BsonString(message)).append("code", new BsonInt32(code))
        .append("codeName", new BsonString(name)), DB), "createIndexes", "events");
    assertThat(f).isInstanceOf(Failure.Permanent.class);
    assertThat(f.reason()).isEqualTo(Reason.Unsupported);
    assertThat(((Failure.Permanent) f).code()).isEqualTo(code);
    assertThat(f.getMessage()).contains("code " + code + " (" + name + "): " + message);
  }

  /**
   * Each server's "not supported" reply as it is documented or was reported, to Unsupported with the
   * server's message kept and the feature named. Sources (docs/compatibility.md cites them too):
   * FerretDB uses MongoDB's names and codes (https://docs.ferretdb.io/migration/compatibility/) and
   * answers what it lacks with 238 NotImplemented; Amazon DocumentDB answers with 303 "Feature not
   * supported: ..." and no codeName (the reply quoted in https://github.com/Graylog2/graylog2-server/issues/5927;
   * its code table: https://docs.aws.amazon.com/documentdb/latest/devguide/error-codes.html; that reply
   * is the only DocumentDB text quoted, so it stands for both commands). FerretDB 1.24's 238 to collMod
   * is what HideFirstIT meets; its text here is illustrative, as FerretDB's messages may differ. mongod's
   * 115 CommandNotSupported (https://www.mongodb.com/docs/manual/reference/error-codes/). Azure Cosmos DB
   * for MongoDB documents no code for an unsupported command, so it has no fixture of its own.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      DocumentDB | collMod       | {ok: 0, errmsg: 'Feature not supported: capped:true', code: 303}
      DocumentDB | createIndexes | {ok: 0, errmsg: 'Feature not supported: capped:true', code: 303}
      FerretDB   | collMod       | {ok: 0, errmsg: 'collMod: support for field "index" is not implemented yet', code: 238, codeName: 'NotImplemented'}
      mongod     | collMod       | {ok: 0, errmsg: 'collMod is not supported', code: 115, codeName: 'CommandNotSupported'}
      """)
  void eachServersNotSupportedReplyIsUnsupportedWithItsMessageAndTheFeature(String server, String command,
      String json) {
    MongoCommandException e = reply(json);
    Failure f = classify(e, command, "events");
    assertThat(f).as(server).isInstanceOf(Failure.Permanent.class);
    assertThat(f.reason()).as(server).isEqualTo(Reason.Unsupported);
    assertThat(((Failure.Permanent) f).code()).isEqualTo(e.getErrorCode());
    assertThat(f.getMessage()).as(server + " keeps the server's message").contains(e.getErrorMessage())
        .contains(ErrorClassifier.unsupportedFeature(Op.of(command, "events")));
  }

  @Test
  void unsupportedNamesTheFeatureAndTheSettingThatAvoidsIt() {
    Failure create = classify(reply("{ok: 0, errmsg: 'Feature not supported: collation', code: 303}"),
        "createIndexes", "users");
    assertThat(create.getMessage()).contains("Feature not supported: collation").contains("collation")
        .contains("remove that option from spec.indexes");
    Failure drop = classify(reply("{ok: 0, errmsg: 'no such command: dropIndexes', code: 59}"), "dropIndexes", "u.a_1");
    assertThat(drop.getMessage()).contains("dropIndexes");
    // A code that merely resembles one (303 is HTTP's See Other, not MongoDB's) in a Failed reply stays Failed.
    assertThat(classify(reply("{ok: 0, errmsg: 'x', code: 304}"), "collMod", "u").reason()).isEqualTo(Reason.Failed);
  }

  @Test
  void aDuplicateKeyIsPermanentFailedWithItsCode() {
    Failure f = classify(reply("{ok: 0, errmsg: 'Index build failed: 8c0b6c6e: Collection bot.posts ( 2f1e ) :: caused by "
        + ":: E11000 duplicate key error collection: bot.posts index: post_id_unique dup key: { post_id: 1 }', "
        + "code: 11000, codeName: 'DuplicateKey', keyPattern: {post_id: 1}, keyValue: {post_id: 1}}"),
        "createIndexes", "posts");
    assertThat(f).isInstanceOf(Failure.Permanent.class);
    assertThat(f.reason()).isEqualTo(Reason.Failed);
    assertThat(((Failure.Permanent) f).code()).isEqualTo(11000);
  }

  @Test
  void anErrorThatIsNotMongoDBsIsTransientButNotCalledUnreachable() {
    // The driver's answer to a client closed under a Secret rotation.
    Failure f = classify(new IllegalStateException("state should be: open"), "listIndexes", "posts");
    assertThat(f).isInstanceOf(Failure.Transient.class);
    assertThat(f.reason()).isEqualTo(Reason.Failed);
    assertThat(f.getMessage()).contains("IllegalStateException: state should be: open");
  }

  @Test
  void aMalformedConnectionStringIsInvalid() {
    Failure f = classify(new MongoUri.InvalidMongoUriException("the connection string is empty"), "ping", "");
    assertThat(f).isInstanceOf(Failure.Invalid.class);
    assertThat(f.reason()).isEqualTo(Reason.InvalidConnectionString);
    assertThat(f.getMessage()).isEqualTo("the connection string is empty");
  }

  @Test
  void aFailurePassesThroughUnchanged() {
    for (Failure f : new Failure[] {new Failure.Transient(Reason.MongoUnreachable, "t"),
        new Failure.Permanent(Reason.NotAuthorized, 13, "p"), new Failure.Invalid(Reason.InvalidSpec, "i"),
        new Failure.Waiting(Reason.SecretNotFound, "w")}) {
      assertThat(classify(f, "find", "posts")).isSameAs(f);
    }
  }

  @Test
  void aTlsHandshakeFailureIsTransientTlsHandshakeFailedAndBadPemIsInvalid() {
    Failure f = ErrorClassifier.classify(new com.mongodb.MongoSocketWriteException("Exception sending message",
        new ServerAddress(), new javax.net.ssl.SSLHandshakeException("PKIX path building failed")),
        Op.of("ping", ""), Redactor.none());
    assertThat(f).isInstanceOf(Failure.Transient.class);
    assertThat(f.reason()).isEqualTo(Reason.TLSHandshakeFailed);
    assertThat(f.getMessage()).contains("PKIX path building failed").contains("--tls-ca-file");
    Failure pem = ErrorClassifier.classify(new TlsContexts.InvalidTlsMaterialException("--tls-ca-file x holds no PEM"),
        Op.of("ping", ""), Redactor.none());
    assertThat(pem).isInstanceOf(Failure.Invalid.class);
    assertThat(pem.reason()).isEqualTo(Reason.InvalidTLSMaterial);
  }
}
