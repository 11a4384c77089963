package io.mongosteward.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongosteward.api.v1alpha1.Transform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NormalizeUrlTest {
  /** input, NormalizeUrl(input): real links as the example bot stores them, and their variants. */
  static final String[][] TABLE = {
      // Telegram message links, as the example bot stores them
      {"https://t.me/durov/142", "t.me/durov/142"},
      {"https://t.me/Durov/142", "t.me/Durov/142"},
      {"http://t.me/durov/142", "t.me/durov/142"},
      {"HTTPS://T.ME/Durov/142", "t.me/Durov/142"},
      {"Https://T.Me/durov/142/", "t.me/durov/142"},
      {"https://t.me/durov/142?single", "t.me/durov/142?single"},
      {"https://t.me/c/1234567890/42?thread=7&comment=9", "t.me/c/1234567890/42?thread=7&comment=9"},
      {"https://t.me/durov/142#comments", "t.me/durov/142"},
      {"  https://t.me/durov/142  ", "t.me/durov/142"},
      {"\thttps://t.me/durov/142\n", "t.me/durov/142"},
      {"https://t.me:443/durov/142", "t.me/durov/142"},
      {"http://t.me:80/durov/142", "t.me/durov/142"},
      {"t.me/durov/142", "t.me/durov/142"},
      {"T.ME/Durov/142/", "t.me/Durov/142"},
      {"//t.me/durov/142", "t.me/durov/142"},
      {"https://telegram.me/s/durov", "telegram.me/s/durov"},
      {"tg://resolve?domain=durov&post=142", "resolve?domain=durov&post=142"},
      // other real links: ports, fragments, trailing slashes, queries, paths' case
      {"https://www.Example.com/", "www.example.com"},
      {"https://www.example.com", "www.example.com"},
      {"https://example.com:8443/A/b/", "example.com:8443/A/b"},
      {"http://localhost:8080/api/", "localhost:8080/api"},
      {"http://LOCALHOST/", "localhost"},
      {"localhost:8080/x", "localhost:8080/x"},
      {"https://github.com/FerretDB/FerretDB/issues?q=is%3Aopen#top", "github.com/FerretDB/FerretDB/issues?q=is%3Aopen"},
      {"https://example.com/path//", "example.com/path/"},
      {"https://example.com/a/?b=c/", "example.com/a?b=c/"},
      {"https://example.com?x=1", "example.com?x=1"},
      {"https://example.com#", "example.com"},
      {"https://example.com:/x", "example.com/x"},
      {"https://User:Secret@Example.COM/x", "User:Secret@example.com/x"},
      {"http://[2001:DB8::1]:80/x/", "[2001:db8::1]/x"},
      {"http://[2001:db8::1]:8080/", "[2001:db8::1]:8080"},
      {"http://192.168.0.1:443/", "192.168.0.1"},
      {"https://bücher.DE/Straße/", "bücher.de/Straße"},
      {"ftp://Files.Example.org/Pub/", "files.example.org/Pub"},
      // not URLs: returned exactly as given, untrimmed
      {"not a link", "not a link"},
      {"  not a link  ", "  not a link  "},
      {"see https://t.me/durov/142", "see https://t.me/durov/142"},
      {"", ""},
      {"   ", "   "},
      {"durov", "durov"},
      {"Durov/142", "Durov/142"},
      {"someone@Example.com", "someone@Example.com"},
      {"mailto:someone@Example.com", "mailto:someone@Example.com"},
      {"https://", "https://"},
      {"https:///path", "https:///path"},
      {"t.me:abc/x", "t.me:abc/x"},
      {"http://exa$mple.com/", "http://exa$mple.com/"},
      {"http://[::1/", "http://[::1/"},
      {"12345", "12345"},
  };

  static List<Object[]> table() {
    List<Object[]> out = new ArrayList<>();
    for (String[] row : TABLE) out.add(new Object[] {row[0], row[1]});
    return out;
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
  @MethodSource("table")
  void normalizes(String input, String expected) {
    assertThat(NormalizeUrl.apply(input)).isEqualTo(expected);
  }

  /** Except a path that ends in two slashes: the rule drops one trailing slash, not all. */
  @ParameterizedTest(name = "[{index}] idempotent on \"{0}\"")
  @MethodSource("table")
  void normalizingTwiceChangesNothingMore(String input, String expected) {
    Assumptions.assumeFalse(expected.endsWith("/") && !expected.equals(input), "a path that ended in //");
    assertThat(NormalizeUrl.apply(NormalizeUrl.apply(input))).isEqualTo(expected);
  }

  @Test
  void nullStaysNull() {
    assertThat(NormalizeUrl.apply(null)).isNull();
  }

  @Test
  void theReviewsBotComposesNormalizeUrlThenLowercaseLeftToRight() {
    List<Transform> bot = List.of(Transform.NormalizeUrl, Transform.Lowercase);
    assertThat(Transforms.apply(bot, " HTTPS://T.me/Durov/142/#x")).isEqualTo("t.me/durov/142");
    assertThat(Transforms.apply(bot, "https://t.me/durov/142")).isEqualTo("t.me/durov/142");
    // Order matters: Trim after NormalizeUrl is a no-op on a link, but not on text NormalizeUrl leaves alone.
    assertThat(Transforms.apply(List.of(Transform.NormalizeUrl, Transform.Trim), "  not a link ")).isEqualTo("not a link");
    assertThat(Transforms.apply(List.of(), "Same")).isEqualTo("Same");
    assertThat(Transforms.apply(bot, 42)).as("not a string: copied as it is").isEqualTo(42);
  }

  /**
   * The JavaScript function docs/migrations.md gives applications gives the same result as this
   * class on every row of the table. Skipped when node is not installed.
   */
  @Test
  void theDocumentedJavaScriptFunctionAgreesWithTheJavaDefinition() throws Exception {
    Path node = Path.of("/usr/bin/node");
    Assumptions.assumeTrue(Files.isExecutable(node) || onPath("node"), "node is not installed");
    String doc = Files.readString(Path.of("docs", "migrations.md"));
    int begin = doc.indexOf("<!-- normalize-url.js: begin -->");
    int end = doc.indexOf("<!-- normalize-url.js: end -->");
    assertThat(begin).isPositive();
    String js = doc.substring(doc.indexOf("```js", begin) + 5, doc.lastIndexOf("```", end));
    StringBuilder inputs = new StringBuilder("[");
    for (String[] row : TABLE) inputs.append(jsonString(row[0])).append(',');
    inputs.append(jsonString(" \u00a0t.me/x\u00a0")).append(']');
    String script = js + "\nconst inputs = " + inputs + ";\n"
        + "process.stdout.write(JSON.stringify(inputs.map(normalizeUrl))"
        + ".replace(/[\\u007f-\\uffff]/g, c => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));\n";
    Path file = Files.createTempFile("normalize-url", ".js");
    Files.writeString(file, script);
    Process p = new ProcessBuilder("node", file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    StringBuilder expected = new StringBuilder("[");
    for (String[] row : TABLE) expected.append(jsonString(NormalizeUrl.apply(row[0]))).append(',');
    expected.append(jsonString(NormalizeUrl.apply(" \u00a0t.me/x\u00a0"))).append(']');
    assertThat(out).isEqualTo(expected.toString().replace(",]", "]"));
    Files.delete(file);
  }

  private static boolean onPath(String command) throws IOException, InterruptedException {
    return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
