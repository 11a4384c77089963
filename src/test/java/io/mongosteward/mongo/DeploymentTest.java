package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deployment key of the per-deployment build limit: connection strings that differ only in
 * credentials or options name one deployment, and the key holds no credential. Clients connect
 * lazily: nothing here reaches a server.
 */
class DeploymentTest {
  static String of(String uri) {
    try (MongoClient client = MongoClients.create(uri)) {
      return Deployment.of(client);
    }
  }

  @Test
  void credentialsAndOptionsDoNotMakeAnotherDeployment() {
    String plain = of("mongodb://db1.example.com,db2.example.com:27018");
    assertThat(plain).isEqualTo("hosts=db1.example.com:27017,db2.example.com:27018");
    assertThat(of("mongodb://team-a:s3cret@DB2.example.com:27018,db1.example.com/app?appName=a&maxPoolSize=5"))
        .as("another user, order, case, options").isEqualTo(plain);
    assertThat(of("mongodb://team-b:other@db1.example.com:27017,db2.example.com:27018/?authSource=admin&tls=false"))
        .isEqualTo(plain).doesNotContain("team-b").doesNotContain("other");
  }

  @Test
  void aReplicaSetIsNamedByItsNameWhateverTheSeedList() {
    assertThat(of("mongodb://u:p@a.example.com/?replicaSet=rs0"))
        .isEqualTo(of("mongodb://b.example.com,c.example.com:27019/?replicaSet=rs0&appName=x"))
        .isEqualTo("replicaSet=rs0");
    assertThat(Deployment.of(null, "rs1", null, List.of(new com.mongodb.ServerAddress("a.example.com"))))
        .as("a set name the driver discovered").isEqualTo("replicaSet=rs1");
  }

  @Test
  void otherServersAreOtherDeployments() {
    assertThat(of("mongodb://127.0.0.1:1")).isNotEqualTo(of("mongodb://127.0.0.1:2"));
    assertThat(of("mongodb://db1.example.com")).isNotEqualTo(of("mongodb://db1.example.com,db2.example.com"));
  }

  static String servers(String uri) {
    try (MongoClient client = MongoClients.create(uri)) {
      return Deployment.servers(client);
    }
  }

  /**
   * Where an index is built: two clusters that share a replica set name share the build limit but
   * are two places; a rotated password, other options or the seeds in another order are the same.
   */
  @Test
  void serversNameThePlaceWhateverTheCredentialsAndApartFromTheSetName() {
    assertThat(of("mongodb://a.example.com/?replicaSet=rs0")).isEqualTo(of("mongodb://b.example.com/?replicaSet=rs0"));
    assertThat(servers("mongodb://a.example.com/?replicaSet=rs0"))
        .isNotEqualTo(servers("mongodb://b.example.com/?replicaSet=rs0"))
        .isEqualTo("hosts=a.example.com:27017;replicaSet=rs0");
    assertThat(servers("mongodb://u:secret@b.example.com:27018,a.example.com/?replicaSet=rs0"))
        .isEqualTo(servers("mongodb://v:other@a.example.com,b.example.com:27018/?replicaSet=rs0&appName=x"))
        .doesNotContain("secret");
    assertThat(servers("mongodb://a.example.com")).isEqualTo("hosts=a.example.com:27017");
  }
}
