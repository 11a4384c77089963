package io.mongosteward.mongo;

import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ServerDescription;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which MongoDB deployment a client talks to, whoever it logs in as: the key of the per-deployment
 * index build limit. Two connection strings that differ only in user, password, appName or other
 * options reach the same servers, so they must share the limit; the key is made of server names
 * only, never of credentials or options, and may be logged.
 *
 * <ul>
 *   <li>a replica set, by its name: from the connection string's {@code replicaSet}, else as the
 *       driver found it (a seed list without the option, once a member answered);
 *   <li>a {@code mongodb+srv} name, by the SRV host;
 *   <li>otherwise, by the seed list: lower-cased {@code host:port} (27017 when the string names no
 *       port), sorted, so that the same hosts in another order are the same deployment.
 * </ul>
 *
 * <p>Names are compared, not resolved: {@code localhost} and {@code 127.0.0.1} are two deployments
 * to this key, and two different replica sets with the same name share one limit (the safe side:
 * fewer builds at once, never more).
 */
public final class Deployment {
  private Deployment() {}

  /** The deployment of a client, from its settings and, for a replica set name, what it has seen. */
  public static String of(MongoClient client) {
    ClusterDescription cluster = client.getClusterDescription();
    var settings = cluster.getClusterSettings();
    String discovered = cluster.getServerDescriptions().stream().map(ServerDescription::getSetName)
        .filter(Objects::nonNull).findFirst().orElse(null);
    return of(settings.getRequiredReplicaSetName(), discovered, settings.getSrvHost(),
        settings.getHosts());
  }

  /**
   * @param replicaSet the connection string's replicaSet, or null
   * @param discoveredSet the set name a member reported, or null
   * @param srvHost the mongodb+srv host, or null
   * @param hosts the seed list, as the driver parsed it (the default port added)
   */
  static String of(String replicaSet, String discoveredSet, String srvHost, List<ServerAddress> hosts) {
    String set = replicaSet != null ? replicaSet : discoveredSet;
    if (set != null && !set.isEmpty()) {
      return "replicaSet=" + set;
    }
    if (srvHost != null && !srvHost.isEmpty()) {
      return "srv=" + srvHost.toLowerCase(Locale.ROOT);
    }
    return "hosts=" + String.join(",", hosts.stream().map(Deployment::hostPort).sorted().distinct().toList());
  }

  /**
   * The servers a client was given, as its connection string names them: the {@code mongodb+srv}
   * host, or the seed list (as {@link #of}), with the {@code replicaSet} option when there is one.
   * Unlike {@link #of} it never changes as the driver discovers the set, and two clusters that share
   * a replica set name (rs0) are two places to it; a rotated password or other options leave it as
   * it is. No credentials; may be logged.
   */
  public static String servers(MongoClient client) {
    var settings = client.getClusterDescription().getClusterSettings();
    return servers(settings.getRequiredReplicaSetName(), settings.getSrvHost(), settings.getHosts());
  }

  static String servers(String replicaSet, String srvHost, List<ServerAddress> hosts) {
    String seeds = srvHost != null && !srvHost.isEmpty() ? "srv=" + srvHost.toLowerCase(Locale.ROOT)
        : of(null, null, null, hosts);
    return replicaSet == null || replicaSet.isEmpty() ? seeds : seeds + ";replicaSet=" + replicaSet;
  }

  private static String hostPort(ServerAddress address) {
    return address.getHost().toLowerCase(Locale.ROOT) + ":" + address.getPort();
  }
}
