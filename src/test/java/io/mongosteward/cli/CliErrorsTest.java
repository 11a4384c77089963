package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongosteward.mongo.MongoUriTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

  /** With -o json, stdout holds the one JSON error object and nothing else, so that `| jq` never breaks. */
  static JsonNode errorOf(Run r) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(r.out());
    } catch (IOException e) {
      throw new AssertionError("stdout is not one JSON document: " + r.out(), e);
    }
    assertThat(root.fieldNames()).toIterable().containsExactly("error", "field", "file");
    return root;
  }

  @Test
  void attemptsBelowOneAreRefusedByTheFlagsName() {
    Run plan = run(Map.of(), "plan", "-f", EXAMPLE, "--attempts", "0");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains("error: --attempts 0: must be at least 1").doesNotContain("maxAttempts");

    Run apply = run(Map.of(), "apply", "-f", EXAMPLE, "--attempts", "-2", "-o", "json");
    assertThat(apply.code()).isEqualTo(1);
    assertThat(errorOf(apply).get("error").asText()).startsWith("--attempts -2: must be at least 1");
  }

  @Test
  void withJsonOutputEveryErrorIsAJsonObjectOnStdout() throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, SchemaFileTest.HEAD + "spec: {database: bot, colections: []}\n");
    JsonNode file = errorOf(run(Map.of(), "plan", "-f", bad.toString(), "-o", "json"));
    assertThat(file.get("error").asText()).startsWith(bad + ":4: spec.colections: unknown field");
    assertThat(file.get("field").asText()).isEqualTo("spec.colections");
    assertThat(file.get("file").asText()).isEqualTo(bad.toString());

    Run missing = run(Map.of(), "apply", "-f", "nope.yaml", "--output", "json");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(errorOf(missing).get("error").asText()).isEqualTo("nope.yaml: no such file");
    assertThat(errorOf(missing).get("field").isNull()).isTrue();

    Run unreachable = run(Map.of(), "plan", "-f", EXAMPLE, "--attempts", "1", "-ojson",
        "--mongo-uri", "mongodb://app:Sup3rSecret@127.0.0.1:1/?serverSelectionTimeoutMS=100");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(errorOf(unreachable).get("error").asText()).contains("cannot reach MongoDB at mongodb://app:***@127.0.0.1:1");
    assertThat(unreachable.all()).doesNotContain("Sup3rSecret");

    Run usage = run(Map.of(), "plan", "-f", EXAMPLE, "--dry-rn", "--output=json");
    assertThat(usage.code()).isEqualTo(1);
    assertThat(errorOf(usage).get("error").asText()).contains("Unknown option: '--dry-rn'");
    assertThat(usage.err()).contains("Run 'mongo-steward plan --help' for usage.");
    assertThat(errorOf(run(Map.of(), "apply", "-o", "json")).get("error").asText()).contains("Missing required option");
  }

  @Test
  void theWorstExitCodeWinsErrorThenAttentionThenOk() {
    assertThat(Main.worse(Main.OK, Main.ATTENTION)).isEqualTo(Main.ATTENTION);
    assertThat(Main.worse(Main.ERROR, Main.ATTENTION)).isEqualTo(Main.ERROR);
    assertThat(Main.worse(Main.ATTENTION, Main.ERROR)).isEqualTo(Main.ERROR);
    assertThat(Main.worse(Main.OK, Main.OK)).isEqualTo(Main.OK);
  }

  @Test
  void withTextOutputErrorsGoToStderrOnly() {
    Run r = run(Map.of(), "plan", "-f", "nope.yaml");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: nope.yaml: no such file" + System.lineSeparator());
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
      assertThat(errorOf(json).get("error").asText()).startsWith("MONGODB_URI: not a valid MongoDB connection string");
    }
  }
}
