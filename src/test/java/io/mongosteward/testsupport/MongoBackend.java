package io.mongosteward.testsupport;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real MongoDB-wire servers the ITs run against, each started once per test JVM on a free
 * loopback port. Tests isolate themselves by database name, not by server.
 */
public enum MongoBackend {
  /** In process; lists every index option faithfully, no collMod, no TTL expiry. */
  MONGO_JAVA_SERVER {
    private MongoServer server;

    @Override
    synchronized String startOnce() {
      if (server == null) {
        server = new MongoServer(new MemoryBackend() {
          @Override
          public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String database,
              String command, de.bwaldvogel.mongo.bson.Document query) {
            Object target = query.get(command);
            List<String> indexes = List.of();
            if (command.equals("createIndexes") && query.get("indexes") instanceof List<?> list) {
              indexes = list.stream().filter(i -> i instanceof de.bwaldvogel.mongo.bson.Document)
                  .map(i -> String.valueOf(((de.bwaldvogel.mongo.bson.Document) i).get("name"))).toList();
            }
            SERVER_COMMANDS.add(new CommandRecorder.Command(database, command, target instanceof String s ? s : null,
                indexes));
            return super.handleCommand(channel, database, command, query);
          }
        });
        server.bind("127.0.0.1", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
      }
      return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }
  },
  /** FerretDB v1 on SQLite; rejects TTL, partial, collation, hidden and collMod with code 238. */
  FERRETDB {
    private ExternalProcess process;

    @Override
    synchronized String startOnce() {
      if (process == null) {
        Path binary = TestServers.ferretDb();
        try {
          Path dir = Files.createTempDirectory("ferretdb");
          int port = TestServers.freePort();
          process = ExternalProcess.start("ferretdb", List.of(binary.toString(), "--listen-addr=127.0.0.1:" + port,
              "--sqlite-dir=" + dir.resolve("data")), port, dir.resolve("ferretdb.log"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return "mongodb://127.0.0.1:" + process.port();
    }

    @Override
    public java.util.OptionalLong serverPid() {
      startOnce();
      return java.util.OptionalLong.of(process.pid());
    }
  };

  /** What the in-process server received, from every client: also from those a test cannot reach (the CLI's). */
  private static final CommandRecorder SERVER_COMMANDS = new CommandRecorder();

  abstract String startOnce();

  /** The server's process, when it runs in its own (not in this JVM): what a benchmark reads its CPU time by. */
  public java.util.OptionalLong serverPid() {
    return java.util.OptionalLong.empty();
  }

  /**
   * Every command this server has received, as it received it; only the in-process server can
   * tell. Filter by database: tests share the server.
   */
  public CommandRecorder serverCommands() {
    if (this != MONGO_JAVA_SERVER) {
      throw new UnsupportedOperationException(this + " runs in another process: record on the client instead");
    }
    startOnce();
    return SERVER_COMMANDS;
  }

  /** The server's connection string, starting it on first use. */
  public String uri() {
    return startOnce();
  }

  public boolean supportsCollMod() {
    return false;
  }

  /** Whether TTL, partial, collation and hidden index options are accepted. */
  public boolean acceptsAdvancedIndexOptions() {
    return this == MONGO_JAVA_SERVER;
  }
}
