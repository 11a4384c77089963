package io.mongosteward.testsupport;

import io.mongosteward.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One CLI command run in this JVM, as a newcomer's machine would: HOME is a fresh directory (no
 * kubeconfig), and the environment holds only what the test gives.
 */
public record CliRun(int code, String out, String err) {
  public String all() {
    return out + err;
  }

  public static CliRun of(Path home, Map<String, String> extraEnv, String... args) {
    return withInput(home, "", extraEnv, args);
  }

  public static CliRun withInput(Path home, String stdin, Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.putAll(extraEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out),
        new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
