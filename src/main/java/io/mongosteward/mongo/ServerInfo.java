package io.mongosteward.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.connection.ServerDescription;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.bson.Document;

/** The server's version and its round trip, for a schema's status. */
public record ServerInfo(String version, double pingMillis) {
  /**
   * Reads what status.server shows without a command per reconcile: the version with one
   * {@code buildInfo} per client (again only when the server's wire version changes, as an upgrade
   * does), and the latency from the driver's heartbeat (the server description's round-trip time,
   * a moving average of the monitor's own checks).
   */
  public static final class Reader {
    private record Known(int wireVersion, String version) {}

    /** Weak keys: a client the registry closed and dropped leaves the map with it. */
    private final Map<MongoClient, Known> versions = Collections.synchronizedMap(new WeakHashMap<>());

    /** The version and round trip, or null when they cannot be read: the status keeps what it had. */
    public ServerInfo tryRead(MongoClient client) {
      try {
        return read(client);
      } catch (RuntimeException e) {
        return null;
      }
    }

    public ServerInfo read(MongoClient client) {
      ServerDescription server = serverOf(client);
      int wire = server == null ? -1 : server.getMaxWireVersion();
      Known known = versions.get(client);
      if (known == null || known.wireVersion() != wire) {
        String version = client.getDatabase("admin").runCommand(new Document("buildInfo", 1)).getString("version");
        server = serverOf(client); // the command connected a client that had not yet
        known = new Known(server == null ? -1 : server.getMaxWireVersion(), version);
        versions.put(client, known);
      }
      double millis = server == null ? 0 : server.getRoundTripTimeNanos() / 1e6;
      return new ServerInfo(known.version(), Math.round(millis * 100) / 100.0);
    }

    /** The primary, or on a standalone or a secondary-only view the first server the driver reached. */
    private static ServerDescription serverOf(MongoClient client) {
      ServerDescription first = null;
      for (ServerDescription d : client.getClusterDescription().getServerDescriptions()) {
        if (!d.isOk()) continue;
        if (d.isPrimary()) return d;
        if (first == null) first = d;
      }
      return first;
    }
  }
}
