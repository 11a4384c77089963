package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.mongo.MongoUriTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the CLI prints when the input is wrong; no server is reached in any of these. */
class CliErrorsTest {
  static final String EXAMPLE = "examples/bot-app.yaml";

  @TempDir Path tmp;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  Run run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", tmp.toString());
    env.putAll(extraEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(env, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = MongoUriTest.MALFORMED)
  void aMalformedUriExitsOneAndShowsNoPieceOfThePassword(String uri, String password) {
    for (String command : new String[] {"plan", "apply"}) {
      Run text = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE);
      assertThat(text.code()).as(text.all()).isEqualTo(1);
      assertThat(text.err()).contains("MONGODB_URI: not a valid MongoDB connection string");
      MongoUriTest.assertNoPieceOf(password, text.all());
      Run json = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE, "-o", "json");
      assertThat(json.code()).as(json.all()).isEqualTo(1);
      MongoUriTest.assertNoPieceOf(password, json.all());
    }
  }
}
