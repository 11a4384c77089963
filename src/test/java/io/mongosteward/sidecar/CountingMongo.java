package io.mongosteward.sidecar;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mongo-java-server of a test's own, on a free loopback port, that counts the pings it receives
 * and remembers every client connection, so that a test can see where pings go and which clients
 * are still connected.
 */
final class CountingMongo implements AutoCloseable {
  private final AtomicInteger pings = new AtomicInteger();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private final MongoServer server = new MongoServer(new MemoryBackend() {
    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      connections.add(channel);
      if (command.equalsIgnoreCase("ping")) {
        pings.incrementAndGet();
      }
      return super.handleCommand(channel, database, command, query);
    }
  });

  CountingMongo() {
    server.bind("127.0.0.1", 0);
  }

  String uri() {
    return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/app";
  }

  int pings() {
    return pings.get();
  }

  /** Client connections still open, monitoring ones included. */
  long openConnections() {
    return connections.stream().filter(Channel::isActive).count();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
