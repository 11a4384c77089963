package io.mongosteward.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * An in-process MongoDB-wire server (mongo-java-server, memory backend) on a free loopback
 * port: the CLI's default when no URI is given, so a newcomer sees the whole job anywhere.
 * It stores every index option but enforces only unique/sparse, and has no collMod.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private final MongoServer server;
  private final String uri;

  private EmbeddedMongo(MongoServer server, InetSocketAddress address) {
    this.server = server;
    this.uri = "mongodb://" + address.getHostString() + ":" + address.getPort();
  }

  public static EmbeddedMongo start() {
    MongoServer server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    return new EmbeddedMongo(server, server.getLocalAddress());
  }

  public String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
