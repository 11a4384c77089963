package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
    assertThat(ErrorClassifier.isUnsupported(reply("{ok: 0, code: 11000, errmsg: 'dup'}"))).isFalse();
  }

  @Test
  void describeGivesCodeNameAndScrubsCredentials() {
    String d = ErrorClassifier.describe(reply("{ok: 0, code: 86, codeName: 'IndexKeySpecsConflict', "
        + "errmsg: 'conflict seen via mongodb://app:s3cret@db:27017'}"), Redactor.of("s3cret"));
    assertThat(d).isEqualTo("code 86 (IndexKeySpecsConflict): conflict seen via mongodb://app:***@db:27017");
  }
}
