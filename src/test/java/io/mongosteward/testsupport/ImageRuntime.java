package io.mongosteward.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;

/**
 * The image's Java runtime, built on this machine the way the Dockerfile builds it: jlink with the
 * modules of scripts/image/jdk-modules.txt (scripts/image/jre.sh), the sidecar's AppCDS archive from
 * a training run and the operator's from scripts/image/operator.classlist (both by
 * scripts/image/CdsTraining.java), and the java line of scripts/image/entrypoint.sh with these paths
 * in place of the image's. JlinkRuntimeIT proves it; OperatorMemoryBench measures the operator on it.
 */
public final class ImageRuntime {
  public static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
  public static final Path ENTRYPOINT = Path.of("scripts", "image", "entrypoint.sh");
  /** The classes a real operator run loaded (-XX:DumpLoadedClassList): what its archive holds. */
  public static final Path OPERATOR_CLASSES = Path.of("scripts", "image", "operator.classlist");

  private final Path java;
  private final Path training;

  private ImageRuntime(Path java, Path training) {
    this.java = java;
    this.training = training;
  }

  /** Whether this JDK can jlink (it has jlink and its jmods). */
  public static boolean available() {
    return Files.isExecutable(JAVA_HOME.resolve("bin/jlink")) && Files.isDirectory(JAVA_HOME.resolve("jmods"));
  }

  /** Builds the runtime into DIR/jre and compiles the training program into DIR/training. */
  public static ImageRuntime build(Path dir) throws IOException, InterruptedException {
    Path jre = dir.resolve("jre");
    run(dir, "jlink", List.of("bash", "scripts/image/jre.sh", jre.toString()), 300);
    Path training = dir.resolve("training");
    int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", training.toString(), "-cp",
        SidecarJvm.jar().toString(), "scripts/image/CdsTraining.java");
    if (javac != 0) {
      throw new IllegalStateException("javac scripts/image/CdsTraining.java failed");
    }
    return new ImageRuntime(jre.resolve("bin/java"), training);
  }

  public Path java() {
    return java;
  }

  /** The sidecar's archive for JAR: a training run of the sidecar, then its classes dumped. */
  public Path sidecarArchive(Path jar, Path archive) throws IOException, InterruptedException {
    run(archive.getParent(), "sidecar-archive", List.of(java.toString(), "-cp", training + ":" + jar, "CdsTraining",
        java.toString(), jar.toString(), archive.toString()), 180);
    return archive;
  }

  /**
   * The operator's archive for JAR: the classes of scripts/image/operator.classlist, dumped; or of
   * JAR.classlist beside it, the list of another build (a benchmark's "before" jar, whose lambdas are
   * named as in its own list).
   */
  public Path operatorArchive(Path jar, Path archive) throws IOException, InterruptedException {
    Path own = Path.of(jar + ".classlist");
    Path classes = Files.exists(own) ? own : OPERATOR_CLASSES;
    run(archive.getParent(), "operator-archive", List.of(java.toString(), "-cp", training + ":" + jar, "CdsTraining",
        java.toString(), jar.toString(), archive.toString(), classes.toAbsolutePath().toString()), 300);
    return archive;
  }

  /**
   * The entrypoint's java line for a command, with this runtime, ARCHIVE and JAR in place of the
   * image's paths, and -Xshare:on so that an archive the runtime cannot map fails instead of being
   * skipped; the command's own arguments go after it.
   */
  public List<String> command(Path archive, Path jar) throws IOException {
    String line = Files.readAllLines(ENTRYPOINT).stream().map(String::strip).filter(l -> l.startsWith("exec java "))
        .findFirst().orElseThrow(() -> new IllegalStateException("no `exec java ...` line in " + ENTRYPOINT));
    List<String> command = new ArrayList<>();
    for (String word : line.split("\\s+")) {
      if (word.equals("exec") || word.equals("\"$@\"")) continue;
      command.add(word.equals("java") ? java.toString()
          : word.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + archive
          : word.equals("/opt/mongo-steward/mongo-steward.jar") ? jar.toString() : word);
    }
    if (!command.contains("-XX:SharedArchiveFile=" + archive) || !command.contains(jar.toString())) {
      throw new IllegalStateException(ENTRYPOINT + " no longer names the archive and the jar as expected: " + line);
    }
    command.add(1, "-Xshare:on");
    return command;
  }

  private static void run(Path dir, String name, List<String> command, int seconds)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", JAVA_HOME.toString());
    pb.environment().keySet().removeIf(k -> k.equals("JAVA_TOOL_OPTIONS") || k.startsWith("MONGODB_"));
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " took more than " + seconds + " s; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed: " + Files.readString(log));
    }
  }
}
