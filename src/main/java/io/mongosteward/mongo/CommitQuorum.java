package io.mongosteward.mongo;

import com.mongodb.connection.ClusterType;

/**
 * spec.policy.commitQuorum, as createIndexes takes it: how many data-bearing voting members must be
 * ready before the primary commits a build. It means something only where there are members: a
 * replica set, or a sharded cluster's shards through mongos; a standalone server has none, so it is
 * left out there, with a note. https://www.mongodb.com/docs/manual/reference/command/createIndexes/
 */
public final class CommitQuorum {

  /**
   * @param value what to send (an Integer or a String), or null to leave it to the server
   * @param note why a declared quorum is not sent, or null
   */
  public record Decision(Object value, String note) {
    public static final Decision SERVER_DEFAULT = new Decision(null, null);
  }

  private CommitQuorum() {}

  /** As {@link #decide(String, ClusterType)}, for the deployment the client has found. */
  public static Decision decide(String declared, com.mongodb.client.MongoClient client) {
    return decide(declared, client.getClusterDescription().getType());
  }

  /** @param type the deployment the client found; UNKNOWN before its first contact */
  public static Decision decide(String declared, ClusterType type) {
    if (declared == null || declared.isBlank()) {
      return Decision.SERVER_DEFAULT;
    }
    return switch (type) {
      case REPLICA_SET, SHARDED -> new Decision(valueOf(declared), null);
      case STANDALONE, LOAD_BALANCED -> new Decision(null, "spec.policy.commitQuorum " + declared + " is ignored: the "
          + "server is " + (type == ClusterType.STANDALONE ? "a standalone server" : "behind a load balancer")
          + ", not a replica set, so builds commit on it alone");
      default -> Decision.SERVER_DEFAULT; // not known yet: the next pass decides
    };
  }

  /** A member count is sent as a number, as the server requires; the named quorums as strings. */
  static Object valueOf(String declared) {
    return declared.chars().allMatch(Character::isDigit) ? (Object) Integer.valueOf(declared) : declared;
  }
}
