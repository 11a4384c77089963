package io.mongosteward.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * The index builds a server is running, from {@code $currentOp}: the one way to find a build
 * started by an operator that was restarted or lost its primary, so that it is not started twice,
 * and where a build shows its progress. mongod lists a build as an operation whose {@code command}
 * is the createIndexes, with {@code progress: {done, total}} while it scans the collection
 * (https://www.mongodb.com/docs/manual/reference/operator/aggregation/currentOp/). A server without
 * the stage (mongo-java-server, FerretDB) or a user without the inprog privilege gives no answer:
 * then createIndexes' own code 276 (IndexBuildAlreadyInProgress) is what says so.
 */
public final class IndexBuildsInProgress {
  private IndexBuildsInProgress() {}

  /** One running build of a named index. */
  public record Running(String collection, List<String> indexes, Long done, Long total) {
    /** "done/total (p%)", or null when the server reports no progress. */
    public String progress() {
      if (done == null || total == null || total <= 0) {
        return null;
      }
      return done + "/" + total + " (" + (done * 100 / total) + "%)";
    }
  }

  /**
   * The running createIndexes of {@code collection} in {@code db} that build any of {@code names};
   * empty when there is none or the server cannot tell.
   *
   * @param admin the admin database of {@code db}'s client
   */
  public static Optional<Running> find(MongoDatabase admin, MongoDatabase db, String collection, List<String> names) {
    List<Document> ops;
    try {
      ops = admin.aggregate(List.of(
          new Document("$currentOp", new Document("allUsers", true).append("idleConnections", false)),
          new Document("$match", new Document("command.createIndexes", collection)))).into(new ArrayList<>());
    } catch (MongoException | IllegalStateException e) {
      return Optional.empty(); // not supported, or not allowed: createIndexes' own answer is the fallback
    }
    for (Document op : ops) {
      Document command = op.get("command", Document.class);
      if (command == null || !collection.equals(command.get("createIndexes"))) {
        continue;
      }
      // The same collection name in another database is another collection.
      String ns = op.getString("ns");
      if (ns != null && !ns.startsWith(db.getName() + ".")) {
        continue;
      }
      List<String> building = new ArrayList<>();
      Object indexes = command.get("indexes");
      if (indexes instanceof List<?> list) {
        for (Object i : list) {
          if (i instanceof Document d && d.get("name") instanceof String name) {
            building.add(name);
          }
        }
      }
      if (building.stream().noneMatch(names::contains)) {
        continue;
      }
      Document progress = op.get("progress", Document.class);
      return Optional.of(new Running(collection, building, progress == null ? null : number(progress.get("done")),
          progress == null ? null : number(progress.get("total"))));
    }
    return Optional.empty();
  }

  private static Long number(Object o) {
    return o instanceof Number n ? n.longValue() : null;
  }

  /** Whether {@code failure} is the server saying the build is already running (code 276). */
  public static boolean alreadyInProgress(RuntimeException failure) {
    String m = String.valueOf(failure.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("already in progress") || m.contains("indexbuildalreadyinprogress");
  }
}
