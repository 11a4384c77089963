package io.mongosteward.testsupport;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import io.netty.channel.Channel;
import java.util.Iterator;

/**
 * A stand-in for mongod's documented collMod on an index's {@code hidden} option (4.4 and later),
 * which neither mongo-java-server nor FerretDB implements: a second in-process mongo-java-server,
 * apart from {@link MongoBackend#MONGO_JAVA_SERVER} (whose refusal of collMod stays tested), that
 * answers {@code {collMod: <coll>, index: {name, hidden}}} as mongod's reference page documents it
 * ({@code {hidden_old, hidden_new, ok: 1}}; an unknown index is code 27, IndexNotFound) and keeps
 * the flag in the index's listIndexes entry, where mongod lists it. Any other collMod is refused as
 * on the plain stand-in. Not mongod: the planner ignores hidden, which only the planner would honour.
 * https://www.mongodb.com/docs/manual/reference/command/collMod/#hide-an-index-from-the-query-planner
 */
public final class HiddenIndexStandIn {
  private static MongoServer server;

  private HiddenIndexStandIn() {}

  /** The server's connection string, starting it on first use. */
  public static synchronized String uri() {
    if (server == null) {
      server = new MongoServer(new MemoryBackend() {
        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
          if (command.equals("collMod") && query.get("index") instanceof Document index
              && index.get("hidden") instanceof Boolean hidden && index.get("name") instanceof String name) {
            return hide(database, String.valueOf(query.get("collMod")), name, hidden);
          }
          return super.handleCommand(channel, database, command, query);
        }

        private Document hide(String database, String collection, String name, boolean hidden) {
          MongoCollection<?> indexes = resolveDatabase(database).resolveCollection("system.indexes", false);
          Document selector = new Document("ns", database + "." + collection).append("name", name);
          Iterator<Document> found = indexes == null ? null : indexes.handleQuery(selector).iterator();
          if (found == null || !found.hasNext()) {
            return new Document("ok", 0.0).append("errmsg", "cannot find index " + name + " for ns " + database + "."
                + collection).append("code", 27).append("codeName", "IndexNotFound");
          }
          boolean old = Boolean.TRUE.equals(found.next().get("hidden"));
          // mongod leaves hidden out of listIndexes when false, rather than listing hidden: false.
          Document update = hidden ? new Document("$set", new Document("hidden", true))
              : new Document("$unset", new Document("hidden", ""));
          indexes.updateDocuments(selector, update, ArrayFilters.empty(), false, false, NoopOplog.get());
          return new Document("hidden_old", old).append("hidden_new", hidden).append("ok", 1.0);
        }
      });
      server.bind("127.0.0.1", 0);
      Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    }
    return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
  }
}
