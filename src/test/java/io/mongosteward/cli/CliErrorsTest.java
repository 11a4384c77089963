package io.mongosteward.cli;

import io.mongosteward.testsupport.CliRun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongosteward.mongo.MongoUriTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the CLI prints when the input is wrong; no server is reached in any of these. */
class CliErrorsTest {
  static final String EXAMPLE = "examples/bot-app.yaml";

  @TempDir Path tmp;

  CliRun run(Map<String, String> extraEnv, String... args) {
    return CliRun.of(tmp, extraEnv, args);
  }

  /** With -o json, stdout holds the one JSON error object and nothing else, so that `| jq` never breaks. */
  static JsonNode errorOf(CliRun r) {
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
    CliRun plan = run(Map.of(), "plan", "-f", EXAMPLE, "--attempts", "0");
    assertThat(plan.code()).isEqualTo(1);
    assertThat(plan.err()).contains("error: --attempts 0: must be at least 1").doesNotContain("maxAttempts");

    CliRun apply = run(Map.of(), "apply", "-f", EXAMPLE, "--attempts", "-2", "-o", "json");
    assertThat(apply.code()).isEqualTo(1);
    assertThat(errorOf(apply).get("error").asText()).startsWith("--attempts -2: must be at least 1");
  }

  @ParameterizedTest
  @CsvSource({"51", "-1", "Majority", "''", "1.5"})
  void aCommitQuorumOutsideTheCrdsRuleIsRefusedByTheFlagsName(String quorum) {
    CliRun apply = run(Map.of(), "apply", "-f", EXAMPLE, "--commit-quorum", quorum);
    assertThat(apply.code()).isEqualTo(1);
    assertThat(apply.err()).contains("error: --commit-quorum " + quorum + ": must be votingMembers, majority, or a "
        + "number of members from 0 to 50");
    JsonNode json = errorOf(run(Map.of(), "apply", "-f", EXAMPLE, "--commit-quorum", quorum, "-o", "json"));
    assertThat(json.get("field").asText()).isEqualTo("--commit-quorum");
  }

  @Test
  void applyHelpTeachesTheCommitQuorum() {
    CliRun help = run(Map.of(), "apply", "--help");
    // picocli wraps the text at 100 columns: compare it as one line.
    String text = help.out().replaceAll("\\s+", " ");
    assertThat(text).contains("--commit-quorum=QUORUM", "votingMembers", "majority", "from 0 to 50",
        "Overrides the file's", "Ignored, with a note, on a standalone server", "Example: --commit-quorum majority");
  }

  @Test
  void withJsonOutputEveryErrorIsAJsonObjectOnStdout() throws IOException {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, SchemaFileTest.HEAD + "spec: {database: bot, colections: []}\n");
    JsonNode file = errorOf(run(Map.of(), "plan", "-f", bad.toString(), "-o", "json"));
    assertThat(file.get("error").asText()).startsWith(bad + ":4: spec.colections: unknown field");
    assertThat(file.get("field").asText()).isEqualTo("spec.colections");
    assertThat(file.get("file").asText()).isEqualTo(bad.toString());

    CliRun missing = run(Map.of(), "apply", "-f", "nope.yaml", "--output", "json");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(errorOf(missing).get("error").asText()).isEqualTo("nope.yaml: no such file");
    assertThat(errorOf(missing).get("field").isNull()).isTrue();

    CliRun unreachable = run(Map.of(), "plan", "-f", EXAMPLE, "--attempts", "1", "-ojson",
        "--mongo-uri", "mongodb://app:Sup3rSecret@127.0.0.1:1/?serverSelectionTimeoutMS=100");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(errorOf(unreachable).get("error").asText()).contains("cannot reach MongoDB at mongodb://app:***@127.0.0.1:1");
    assertThat(unreachable.all()).doesNotContain("Sup3rSecret");

    CliRun usage = run(Map.of(), "plan", "-f", EXAMPLE, "--dry-rn", "--output=json");
    assertThat(usage.code()).isEqualTo(1);
    assertThat(errorOf(usage).get("error").asText()).contains("Unknown option: '--dry-rn'");
    assertThat(usage.err()).contains("Run 'mongo-steward plan --help' for usage.");
    assertThat(errorOf(run(Map.of(), "apply", "-o", "json")).get("error").asText()).contains("Missing required option");
  }

  /** An AWS session token in the URI is a secret like the password: never printed, in text or JSON. */
  @Test
  void aSessionTokenIsNeverPrinted() {
    String uri = "mongodb://AKIAEXAMPLE:pw-S3cr3t@127.0.0.1:1/?serverSelectionTimeoutMS=100"
        + "&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:Tok3nSecretXYZ";
    for (String command : new String[] {"plan", "apply"}) {
      CliRun text = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE, "--attempts", "1");
      assertThat(text.code()).as(text.all()).isEqualTo(1);
      assertThat(text.err()).contains("cannot reach MongoDB at mongodb://AKIAEXAMPLE:***@127.0.0.1:1/",
          "authMechanismProperties=***");
      assertThat(text.all()).doesNotContain("Tok3nSecretXYZ").doesNotContain("pw-S3cr3t");
      CliRun json = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE, "--attempts", "1", "-o", "json");
      assertThat(json.code()).as(json.all()).isEqualTo(1);
      assertThat(errorOf(json).get("error").asText()).contains("authMechanismProperties=***");
      assertThat(json.all()).doesNotContain("Tok3nSecretXYZ").doesNotContain("pw-S3cr3t");
    }
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
    CliRun r = run(Map.of(), "plan", "-f", "nope.yaml");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: nope.yaml: no such file" + System.lineSeparator());
  }

  /**
   * A variable that is set but empty is a mistake (a Secret not mounted, a CI variable not filled),
   * not "no URI": it must never send plan or apply to a throwaway server.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      MONGODB_URI      | ''
      MONGODB_URI      | '   '
      MONGODB_URI_FILE | ''
      MONGODB_URI_FILE | ' '
      """)
  void aVariableSetButEmptyIsAnErrorNamingIt(String variable, String value) {
    for (String command : new String[] {"plan", "apply"}) {
      CliRun text = run(Map.of(variable, value), command, "-f", EXAMPLE);
      assertThat(text.code()).as(text.all()).isEqualTo(1);
      assertThat(text.out()).isEmpty();
      assertThat(text.err()).startsWith("error: " + variable + " is set but empty: ").contains("unset " + variable)
          .doesNotContain("embedded");
      CliRun json = run(Map.of(variable, value), command, "-f", EXAMPLE, "-o", "json");
      assertThat(json.code()).as(json.all()).isEqualTo(1);
      assertThat(errorOf(json).get("error").asText()).startsWith(variable + " is set but empty: ");
      assertThat(json.err()).doesNotContain("embedded");
    }
  }

  /** apply changes a database: it never picks a throwaway one by itself. */
  @Test
  void applyWithoutAMongoDbExitsOneAndSaysHowToGiveOne() throws IOException {
    Path noSecret = tmp.resolve("plain.yaml");
    Files.writeString(noSecret, SchemaFileTest.HEAD + "spec: {database: bot}\n");
    CliRun text = run(Map.of(), "apply", "-f", noSecret.toString());
    assertThat(text.code()).as(text.all()).isEqualTo(1);
    assertThat(text.out()).isEmpty();
    assertThat(text.err()).startsWith("error: apply needs a MongoDB to change").contains("--mongo-uri-file",
        "MONGODB_URI", "apply --dry-run").doesNotContain("using an embedded");
    JsonNode json = errorOf(run(Map.of(), "apply", "-f", noSecret.toString(), "-o", "json"));
    assertThat(json.get("error").asText()).startsWith("apply needs a MongoDB to change");

    // The example names a Secret, and there is no kubeconfig to read it with.
    CliRun secret = run(Map.of(), "apply", "-f", EXAMPLE, "-o", "json");
    assertThat(secret.code()).as(secret.all()).isEqualTo(1);
    assertThat(errorOf(secret).get("error").asText()).startsWith(EXAMPLE + ": spec.connection.secretRef: names Secret "
        + "bot-mongo, but there is no kubeconfig to read it with").contains("apply needs a MongoDB to change");
    assertThat(errorOf(secret).get("field").asText()).isEqualTo("spec.connection.secretRef");
    assertThat(secret.err()).doesNotContain("embedded");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = MongoUriTest.MALFORMED)
  void aMalformedUriExitsOneAndShowsNoPieceOfThePassword(String uri, String password) {
    for (String command : new String[] {"plan", "apply"}) {
      CliRun text = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE);
      assertThat(text.code()).as(text.all()).isEqualTo(1);
      assertThat(text.err()).contains("MONGODB_URI: not a valid MongoDB connection string");
      MongoUriTest.assertNoPieceOf(password, text.all());
      CliRun json = run(Map.of("MONGODB_URI", uri), command, "-f", EXAMPLE, "-o", "json");
      assertThat(json.code()).as(json.all()).isEqualTo(1);
      MongoUriTest.assertNoPieceOf(password, json.all());
      assertThat(errorOf(json).get("error").asText()).startsWith("MONGODB_URI: not a valid MongoDB connection string");
    }
  }

  /** A password pasted without percent-encoding (the review's "p@ss:/?#[]%" and its kin) is never echoed. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.FieldSource("io.mongosteward.mongo.UnencodedPasswordTest#DISTINCT")
  void anUnencodedPasswordExitsOneWithTheFixedAdviceAndNoPieceOfIt(String password) {
    String uri = "mongodb://app:" + password + "@127.0.0.1:39553/?tls=true";
    CliRun text = run(Map.of("MONGODB_URI", uri), "plan", "-f", EXAMPLE);
    assertThat(text.code()).as(text.all()).isEqualTo(1);
    assertThat(text.err()).contains("MONGODB_URI: not a valid MongoDB connection string").contains("percent-encode");
    MongoUriTest.assertNoPieceOf(password, text.all());
    CliRun json = run(Map.of("MONGODB_URI", uri), "apply", "-f", EXAMPLE, "-o", "json");
    assertThat(json.code()).as(json.all()).isEqualTo(1);
    MongoUriTest.assertNoPieceOf(password, json.all());
  }
}
