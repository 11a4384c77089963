package io.mongosteward.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.connection.ClusterType;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.failure.Failure;
import org.junit.jupiter.api.Test;

/**
 * spec.policy.commitQuorum as mongod documents it for createIndexes
 * (https://www.mongodb.com/docs/manual/reference/command/createIndexes/): a number of data-bearing
 * voting members sent as a number, "votingMembers" or "majority" as strings; on replica sets and
 * through mongos only. A standalone server has no members to wait for.
 */
class CommitQuorumTest {
  @Test
  void sentOnReplicaSetsAndShardedClustersAsTheServerTakesIt() {
    assertThat(CommitQuorum.decide("majority", ClusterType.REPLICA_SET)).isEqualTo(new CommitQuorum.Decision("majority", null));
    assertThat(CommitQuorum.decide("votingMembers", ClusterType.SHARDED).value()).isEqualTo("votingMembers");
    assertThat(CommitQuorum.decide("2", ClusterType.REPLICA_SET).value()).isEqualTo(2);
    assertThat(CommitQuorum.decide("0", ClusterType.REPLICA_SET).value()).isEqualTo(0);
  }

  @Test
  void leftOutWithANoteOnAStandaloneServer() {
    CommitQuorum.Decision d = CommitQuorum.decide("majority", ClusterType.STANDALONE);
    assertThat(d.value()).isNull();
    assertThat(d.note()).isEqualTo("spec.policy.commitQuorum majority is ignored: the server is a standalone server, "
        + "not a replica set, so builds commit on it alone");
  }

  @Test
  void unsetOrNotYetKnownLeavesItToTheServerWithoutANote() {
    assertThat(CommitQuorum.decide(null, ClusterType.REPLICA_SET)).isEqualTo(CommitQuorum.Decision.SERVER_DEFAULT);
    assertThat(CommitQuorum.decide(null, ClusterType.STANDALONE)).isEqualTo(CommitQuorum.Decision.SERVER_DEFAULT);
    assertThat(CommitQuorum.decide("majority", ClusterType.UNKNOWN)).isEqualTo(CommitQuorum.Decision.SERVER_DEFAULT);
  }

  @Test
  void aServerThatDoesNotKnowTheFieldIsRecognisedByItsRefusal() {
    // mongod 4.2 refuses an unknown createIndexes field with code 40415 (Location40415), naming it.
    assertThat(SchemaApplier.refusesCommitQuorum(new Failure.Permanent(Reason.Failed, 40415,
        "BSON field 'createIndexes.commitQuorum' is an unknown field."))).isTrue();
    assertThat(SchemaApplier.refusesCommitQuorum(new Failure.Permanent(Reason.Failed, 40415,
        "BSON field 'createIndexes.foo' is an unknown field."))).isFalse();
    assertThat(SchemaApplier.refusesCommitQuorum(new Failure.Permanent(Reason.Failed, 67,
        "cannot create index: commitQuorum"))).isFalse();
  }
}
