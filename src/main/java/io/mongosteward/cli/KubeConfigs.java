package io.mongosteward.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whether a Kubernetes configuration exists at all, so the CLI can fall back instead of failing. */
final class KubeConfigs {
  private KubeConfigs() {}

  static boolean available(Map<String, String> env) {
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return true;
    }
    if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return true;
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return home != null && Files.isRegularFile(Path.of(home, ".kube", "config"));
  }
}
