package io.mongosteward.mongo;

import com.mongodb.client.MongoClient;
import org.bson.Document;

/** The server's version and one ping's round trip, for a schema's status. */
public record ServerInfo(String version, double pingMillis) {
  /** The server's version and a ping, or null when either fails: the status keeps what it had. */
  public static ServerInfo tryRead(MongoClient client) {
    try {
      return read(client);
    } catch (RuntimeException e) {
      return null;
    }
  }

  public static ServerInfo read(MongoClient client) {
    var admin = client.getDatabase("admin");
    String version = admin.runCommand(new Document("buildInfo", 1)).getString("version");
    long start = System.nanoTime();
    admin.runCommand(new Document("ping", 1));
    double millis = (System.nanoTime() - start) / 1e6;
    return new ServerInfo(version, Math.round(millis * 100) / 100.0);
  }
}
