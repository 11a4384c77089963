package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import io.mongosteward.testsupport.CommandRecorder;
import io.mongosteward.testsupport.MongoBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * status.server costs no command per reconcile: the version is read once per client, and the
 * latency is the driver's own heartbeat round trip.
 */
class ServerInfoIT {
  @Test
  void theVersionIsReadOncePerClientAndTheLatencyComesFromTheHeartbeat() {
    CommandRecorder commands = new CommandRecorder();
    ClientRegistry clients = new ClientRegistry(
        new Retrier(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200), 2.0), Redactor.none()),
        List.of(commands));
    try {
      MongoClient client = clients.connect(MongoUri.parse(MongoBackend.MONGO_JAVA_SERVER.uri()), null);
      ServerInfo.Reader reader = new ServerInfo.Reader();
      int before = commands.commands().size();

      ServerInfo first = reader.read(client);
      ServerInfo second = reader.read(client);
      ServerInfo third = reader.read(client);

      assertThat(first.version()).isNotBlank();
      assertThat(List.of(second.version(), third.version())).containsOnly(first.version());
      assertThat(first.pingMillis()).isGreaterThan(0);
      assertThat(commands.commands().subList(before, commands.commands().size()))
          .extracting(CommandRecorder.Command::name).containsExactly("buildInfo");
    } finally {
      clients.close();
    }
  }
}
