package io.mongosteward.testsupport;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM settings the operator ships with: the literal environment variables of the operator
 * container in deploy/05-deployment.yaml (JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX). Tests and benchmarks
 * that run the operator as a process put them in its environment, so that they run it as deployed
 * and a flag that breaks the operator breaks them too.
 */
public final class OperatorJvm {
  public static final Path DEPLOYMENT = Path.of("deploy", "05-deployment.yaml");

  private OperatorJvm() {}

  /** Name to value, for every env entry with a literal value (not the fieldRefs). */
  public static Map<String, String> deployEnv() {
    try (InputStream in = Files.newInputStream(DEPLOYMENT)) {
      Deployment d = Serialization.unmarshal(in, Deployment.class);
      Container operator = d.getSpec().getTemplate().getSpec().getContainers().stream()
          .filter(c -> c.getName().equals("operator")).findFirst()
          .orElseThrow(() -> new IllegalStateException(DEPLOYMENT + " has no container named operator"));
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvVar e : operator.getEnv()) {
        if (e.getValue() != null) {
          env.put(e.getName(), e.getValue());
        }
      }
      if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
        throw new IllegalStateException(DEPLOYMENT + ": the operator container sets no JAVA_TOOL_OPTIONS");
      }
      return env;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
