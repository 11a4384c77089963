package io.mongosteward.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.connection.ServerDescription;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import java.util.Collections;
import java.util.List;
import java.util.Set;
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
    private record Known(int wireVersion, String version, IndexFidelity fidelity) {}

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
      Known known = known(client);
      ServerDescription server = serverOf(client);
      double millis = server == null ? 0 : server.getRoundTripTimeNanos() / 1e6;
      return new ServerInfo(known.version(), Math.round(millis * 100) / 100.0);
    }

    /**
     * Which createIndexes fields the server is known to keep as given, so that its acknowledgement
     * proves what was built and no listIndexes has to read it back; from the same buildInfo as the
     * version. See {@link IndexFidelity#of}.
     */
    public IndexFidelity indexFidelity(MongoClient client) {
      return known(client).fidelity();
    }

    private Known known(MongoClient client) {
      ServerDescription server = serverOf(client);
      int wire = server == null ? -1 : server.getMaxWireVersion();
      Known known = versions.get(client);
      if (known == null || known.wireVersion() != wire) {
        Document info = client.getDatabase("admin").runCommand(new Document("buildInfo", 1));
        server = serverOf(client); // the command connected a client that had not yet
        known = new Known(server == null ? -1 : server.getMaxWireVersion(), info.getString("version"),
            IndexFidelity.of(info));
        versions.put(client, known);
      }
      return known;
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

  /**
   * The createIndexes fields (key, name, options) a server is known to keep as given: every one
   * ({@code kept} null), or those listed.
   */
  public record IndexFidelity(Set<String> kept) {
    /** Nothing is taken on trust: every creation is read back. */
    public static final IndexFidelity NONE = new IndexFidelity(Set.of());
    static final IndexFidelity EVERY = new IndexFidelity(null);

    /** True when the server keeps everything this index specifies. */
    public boolean keeps(IndexDefinition index) {
      return kept == null || kept.containsAll(IndexDefinitions.toCreateDocument(index).keySet());
    }

    /**
     * mongod validates every field of an index specification and refuses what it does not know
     * (code 197, InvalidIndexSpecificationOption), so what it acknowledges is what listIndexes
     * shows; its buildInfo names a 40-hex git commit and its storage engines. mongo-java-server
     * stores the specification as given; its buildInfo is exactly the four fields checked here.
     * FerretDB (ferretdbVersion) accepts sparse and builds without it, and refuses the options it
     * lacks (238), so only key, name and unique are known kept. Any other server: none.
     * https://www.mongodb.com/docs/manual/reference/command/createIndexes/
     */
    static IndexFidelity of(Document buildInfo) {
      if (buildInfo.containsKey("ferretdbVersion")) {
        return new IndexFidelity(Set.of("key", "name", "unique"));
      }
      boolean mongod = buildInfo.get("gitVersion") instanceof String git && git.matches("[0-9a-f]{40}")
          && buildInfo.get("storageEngines") instanceof List<?>;
      boolean mongoJavaServer = buildInfo.keySet().equals(Set.of("version", "versionArray", "maxBsonObjectSize", "ok"));
      return mongod || mongoJavaServer ? EVERY : NONE;
    }
  }
}
