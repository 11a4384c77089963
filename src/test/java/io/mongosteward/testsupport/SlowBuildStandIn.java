package io.mongosteward.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An index build that takes as long as a test says, on a server that behaves as mongod documents
 * for builds in progress: an in-process mongo-java-server whose createIndexes waits at a gate the
 * test opens, and meanwhile
 * <ul>
 *   <li>lists the build in {@code $currentOp} as mongod does: {@code {type: "op", op: "command",
 *       ns, command: {createIndexes, indexes}, progress: {done, total}}}
 *       (https://www.mongodb.com/docs/manual/reference/operator/aggregation/currentOp/);
 *   <li>answers a second createIndexes of an index being built with code 276,
 *       IndexBuildAlreadyInProgress (https://www.mongodb.com/docs/manual/reference/error-codes/);
 *   <li>goes on with the build when the client that asked for it disconnects, as mongod (4.4 and
 *       later) does.
 * </ul>
 * Each connection gets an event-loop thread of its own, so that a waiting build holds no other
 * connection (mongo-java-server answers on the event loop). Not mongod: the gate stands in for a
 * long collection scan; everything else is mongo-java-server's.
 */
public final class SlowBuildStandIn implements AutoCloseable {
  private final MongoServer server;
  private final Map<String, List<String>> building = new ConcurrentHashMap<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private volatile boolean open;
  private volatile boolean currentOp = true;

  public SlowBuildStandIn() {
    server = new MongoServer(new MemoryBackend() {
      @Override
      public Document handleCommand(Channel channel, String database, String command, Document query) {
        if (command.equals("aggregate") && database.equals("admin") && query.get("pipeline") instanceof List<?> p
            && !p.isEmpty() && p.get(0) instanceof Document first && first.containsKey("$currentOp")) {
          if (!currentOp) {
            return new Document("ok", 0.0).append("code", 40324).append("codeName", "Location40324")
                .append("errmsg", "Unrecognized pipeline stage name: '$currentOp'");
          }
          return currentOp(p);
        }
        if (command.equals("createIndexes")) {
          return build(channel, database, query);
        }
        return super.handleCommand(channel, database, command, query);
      }

      private Document build(Channel channel, String database, Document query) {
        String ns = database + "." + query.get("createIndexes");
        List<String> names = new ArrayList<>();
        if (query.get("indexes") instanceof List<?> list) {
          list.forEach(i -> names.add(String.valueOf(((Document) i).get("name"))));
        }
        String key;
        if (names.stream().allMatch(n -> exists(database, String.valueOf(query.get("createIndexes")), n))) {
          return super.handleCommand(channel, database, "createIndexes", query); // nothing to build: mongod's no-op
        }
        synchronized (building) {
          boolean clash = building.entrySet().stream().anyMatch(e -> e.getKey().startsWith(ns + "#")
              && e.getValue().stream().anyMatch(names::contains));
          if (clash) {
            return new Document("ok", 0.0).append("code", 276).append("codeName", "IndexBuildAlreadyInProgress")
                .append("errmsg", "Index build already in progress: " + names);
          }
          key = ns + "#" + started.incrementAndGet();
          building.put(key, names);
        }
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          while (!open) {
            synchronized (SlowBuildStandIn.this) {
              SlowBuildStandIn.this.wait(100); // woken by open(); the timeout only guards a missed notify
            }
          }
          return super.handleCommand(channel, database, "createIndexes", query);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Document("ok", 0.0).append("code", 11600).append("errmsg", "interrupted at shutdown");
        } finally {
          running.decrementAndGet();
          building.remove(key);
        }
      }

      private boolean exists(String database, String collection, String name) {
        var indexes = resolveDatabase(database).resolveCollection("system.indexes", false);
        return indexes != null && indexes.handleQuery(new Document("ns", database + "." + collection).append("name", name))
            .iterator().hasNext();
      }

      private Document currentOp(List<?> pipeline) {
        Object match = pipeline.size() > 1 && pipeline.get(1) instanceof Document m ? m.get("$match") : null;
        Object wanted = match instanceof Document m ? m.get("command.createIndexes") : null;
        List<Document> ops = new ArrayList<>();
        building.forEach((key, names) -> {
          String ns = key.substring(0, key.indexOf('#'));
          String collection = ns.substring(ns.indexOf('.') + 1);
          if (wanted != null && !wanted.equals(collection)) return;
          List<Document> indexes = names.stream().map(n -> new Document("name", n)).toList();
          ops.add(new Document("type", "op").append("op", "command").append("ns", ns)
              .append("command", new Document("createIndexes", collection).append("indexes", indexes))
              .append("msg", "Index Build: scanning collection Index Build: scanning collection: 1/4 25%")
              .append("progress", new Document("done", 1L).append("total", 4L)));
        });
        return new Document("cursor", new Document("firstBatch", ops).append("id", 0L)
            .append("ns", "admin.$cmd.aggregate")).append("ok", 1.0);
      }
    });
    // One worker thread per connection, up to 64: a build waiting at the gate holds only its own.
    server.bind(new InetSocketAddress("127.0.0.1", 0), 1, 64);
  }

  public String uri() {
    return "mongodb://" + address();
  }

  /** "127.0.0.1:port", as the driver names the server. */
  public String address() {
    return "127.0.0.1:" + server.getLocalAddress().getPort();
  }

  /** Lets every waiting and later build finish. */
  public void open() {
    open = true;
    synchronized (this) {
      notifyAll();
    }
  }

  /** Whether $currentOp is answered; off, it is refused as by a server without the stage. */
  public void currentOp(boolean answered) {
    currentOp = answered;
  }

  /** createIndexes commands that started a build (not those refused with 276, nor those of indexes that exist). */
  public int buildsStarted() {
    return started.get();
  }

  public int buildsRunning() {
    return running.get();
  }

  /** The most builds that ran at once. */
  public int maxRunning() {
    return maxRunning.get();
  }

  @Override
  public void close() {
    open();
    server.shutdownNow();
  }
}
