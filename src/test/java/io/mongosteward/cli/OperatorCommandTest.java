package io.mongosteward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongosteward.operator.OperatorSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OperatorCommandTest {
  final Map<String, String> env = new HashMap<>();
  final StringWriter err = new StringWriter();

  /** The operator command as picocli builds it from these arguments, with every declared setting. */
  OperatorCommand command(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "operator";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine cli = Main.commandLine(new Main(env, new PrintWriter(new StringWriter()), new PrintWriter(err)), all);
    var parsed = cli.parseArgs(all);
    return (OperatorCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsWithoutFlagsOrEnvironment() {
    OperatorSettings s = command().settings();
    assertThat(s.namespaces()).isEmpty();
    assertThat(s.resyncInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.secretPollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.deleteAttempts()).isEqualTo(5);
    assertThat(s.reconcileThreads()).isEqualTo(10);
    assertThat(s.leaderElection()).isTrue();
    assertThat(s.leaseNamespace()).isNull();
  }

  @Test
  void environmentSetsAndFlagsWin() {
    env.put("MONGOSTEWARD_NAMESPACES", "bots, shop");
    env.put("MONGOSTEWARD_RESYNC", "5m");
    env.put("MONGOSTEWARD_LEADER_ELECTION", "false");
    env.put("POD_NAMESPACE", "mongo-steward");
    OperatorSettings s = command("--resync", "90s").settings();
    assertThat(s.namespaces()).containsExactlyInAnyOrder("bots", "shop");
    assertThat(s.resyncInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.leaderElection()).isFalse();
    assertThat(s.leaseNamespace()).isEqualTo("mongo-steward");
  }

  @Test
  void aBadValueNamesWhereItCameFrom() {
    env.put("MONGOSTEWARD_SECRET_POLL", "soon");
    assertThatThrownBy(() -> command().settings()).isInstanceOf(InputException.class)
        .hasMessage("MONGOSTEWARD_SECRET_POLL (or --secret-poll): 'soon' is not a duration: write e.g. 500ms, 5s or 1m.");
    env.clear();
    assertThatThrownBy(() -> command("--reconcile-threads", "0").settings())
        .hasMessage("--reconcile-threads: '0' is not a whole number of at least 1.");
  }

  @Test
  void anEmptyValueIsAnErrorNotTheDefault() {
    assertThatThrownBy(() -> command("--resync=").settings()).isInstanceOf(InputException.class)
        .hasMessage("--resync: is empty: give a value, e.g. 10m, or leave the flag out for the default.");
    env.put("MONGOSTEWARD_RESYNC", " ");
    assertThatThrownBy(() -> command().settings()).isInstanceOf(InputException.class)
        .hasMessage("MONGOSTEWARD_RESYNC (or --resync): is empty: give a value, e.g. 10m, or unset it for the default.");
    env.clear();
    assertThatThrownBy(() -> command("--lease-namespace=").settings())
        .hasMessageStartingWith("--lease-namespace: is empty");
    assertThatThrownBy(() -> command("--leader-election=").settings())
        .hasMessageStartingWith("--leader-election: is empty");
    // An empty list keeps its documented meaning: every namespace.
    env.put("MONGOSTEWARD_NAMESPACES", "");
    assertThat(command().settings().namespaces()).isEmpty();
  }

  @Test
  void aNamespaceThatKubernetesCouldNotHaveIsRefused() {
    assertThatThrownBy(() -> command("--namespaces", "bots,BAD_NS").settings()).isInstanceOf(InputException.class)
        .hasMessage("--namespaces: 'BAD_NS' is not a namespace name: lowercase letters, digits and '-', starting "
            + "and ending with a letter or digit, at most 63 characters.");
    env.put("POD_NAMESPACE", "Mongo Steward");
    assertThatThrownBy(() -> command().settings())
        .hasMessageStartingWith("POD_NAMESPACE (or --lease-namespace): 'Mongo Steward' is not a namespace name");
    env.clear();
    assertThatThrownBy(() -> command("--namespaces", "a".repeat(64)).settings())
        .hasMessageContaining("is not a namespace name");
    assertThat(command("--namespaces", "bots,shop-2").settings().namespaces()).containsExactlyInAnyOrder("bots",
        "shop-2");
  }

  @Test
  void leaderElectionWithoutAnyNamespaceForItsLeaseSaysWhichFlagToSet() {
    OperatorSettings none = command().settings();
    assertThatThrownBy(() -> OperatorCommand.withLeaseNamespace(none, null)).isInstanceOf(InputException.class)
        .hasMessageContaining("set --lease-namespace").hasMessageContaining("--leader-election=false");
    assertThat(OperatorCommand.withLeaseNamespace(none, "ops").leaseNamespace()).isEqualTo("ops");
    assertThat(OperatorCommand.withLeaseNamespace(command("--lease-namespace", "steward").settings(), "ops")
        .leaseNamespace()).isEqualTo("steward");
    OperatorSettings single = command("--leader-election", "false").settings();
    assertThat(OperatorCommand.withLeaseNamespace(single, null)).isSameAs(single);
  }

  @Test
  void everySettingIsAFlagWithItsVariableAndDefaultInTheHelp() {
    StringWriter out = new StringWriter();
    assertThat(Main.run(Map.of(), new PrintWriter(out), new PrintWriter(err), "operator", "--help")).isZero();
    String help = out.toString().replaceAll("\\s+", " ");
    for (Setting<OperatorSettings.Builder> s : OperatorCommand.SETTINGS) {
      assertThat(help).contains(s.flag()).contains("env " + s.env());
    }
    assertThat(help).contains("MONGOSTEWARD_RESYNC; default 10m").contains("MONGOSTEWARD_STUCK_RECONCILE; default 90m");
    OperatorSettings s = command("--stuck-reconcile", "2h", "--permanent-recheck", "1m", "--mongo-attempts", "4")
        .settings();
    assertThat(s.stuckReconcile()).isEqualTo(Duration.ofHours(2));
    assertThat(s.permanentErrorRecheck()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.mongoAttempts()).isEqualTo(4);
  }

  @Test
  void badConfigurationExitsOneBeforeTouchingKubernetes() {
    int code = Main.run(Map.of("MONGOSTEWARD_LEADER_ELECTION", "maybe"), new PrintWriter(new StringWriter()),
        new PrintWriter(err), "operator");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("MONGOSTEWARD_LEADER_ELECTION (or --leader-election): 'maybe' is not true or false.");
  }
}
