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

class OperatorCommandTest {
  final Map<String, String> env = new HashMap<>();
  final StringWriter err = new StringWriter();

  OperatorCommand command() {
    OperatorCommand c = new OperatorCommand();
    c.main = new Main(env, new PrintWriter(new StringWriter()), new PrintWriter(err));
    return c;
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
    OperatorCommand c = command();
    c.resync = "90s";
    OperatorSettings s = c.settings();
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
    OperatorCommand c = command();
    env.clear();
    c.reconcileThreads = "0";
    assertThatThrownBy(c::settings).hasMessage("--reconcile-threads: '0' is not a whole number of at least 1.");
  }

  @Test
  void badConfigurationExitsOneBeforeTouchingKubernetes() {
    int code = Main.run(Map.of("MONGOSTEWARD_LEADER_ELECTION", "maybe"), new PrintWriter(new StringWriter()),
        new PrintWriter(err), "operator");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("MONGOSTEWARD_LEADER_ELECTION (or --leader-election): 'maybe' is not true or false.");
  }
}
