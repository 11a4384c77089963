package io.mongosteward.testsupport;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the tests start a sidecar JVM: with the JVM flags and environment of the sidecar container in
 * deploy/examples/sidecar-deployment.yaml (JAVA_TOOL_OPTIONS, MALLOC_ARENA_MAX), the ones
 * docs/sidecar.md recommends, so that the tests run what users run.
 */
public final class SidecarJvm {
  public static final Path EXAMPLE = Path.of("deploy", "examples", "sidecar-deployment.yaml");
  /** The shaded jar, as `mvn package` builds it before the ITs run. */
  public static final Path JAR = Path.of("target", "mongo-steward.jar");

  private SidecarJvm() {}

  /** The example's sidecar container. */
  public static Container exampleContainer() {
    try {
      Deployment d = Serialization.unmarshal(Files.readString(EXAMPLE), Deployment.class);
      return d.getSpec().getTemplate().getSpec().getContainers().stream()
          .filter(c -> c.getArgs() != null && c.getArgs().contains("sidecar")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The environment variables the example gives the sidecar a literal value (not the Secret's). */
  public static Map<String, String> exampleEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : exampleContainer().getEnv()) {
      if (e.getValue() != null) env.put(e.getName(), e.getValue());
    }
    if (!env.containsKey("JAVA_TOOL_OPTIONS")) {
      throw new IllegalStateException(EXAMPLE + " gives the sidecar no JAVA_TOOL_OPTIONS");
    }
    return env;
  }

  /** The example's JAVA_TOOL_OPTIONS as JVM arguments (so that the JVM prints no "Picked up" line). */
  public static List<String> jvmFlags() {
    return List.of(exampleEnv().get("JAVA_TOOL_OPTIONS").strip().split("\\s+"));
  }

  /** The example's other variables, such as MALLOC_ARENA_MAX: to go with {@link #jvmFlags()}. */
  public static Map<String, String> otherEnv() {
    Map<String, String> env = exampleEnv();
    env.remove("JAVA_TOOL_OPTIONS");
    return env;
  }

  /** The jar, or a failure that says how to build it. */
  public static Path jar() {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: run `mvn -B -o package -DskipTests` (or `mvn verify`)");
    }
    return JAR.toAbsolutePath();
  }
}
