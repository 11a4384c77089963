package io.mongosteward.testsupport;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Records the commands a client sends (as the driver's own monitoring sees them), by name and
 * database; or, fed by {@link MongoBackend#serverCommands()}, the commands an in-process server received.
 */
public final class CommandRecorder implements CommandListener {
  public static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify", "createIndexes",
      "dropIndexes", "collMod", "create", "drop", "dropDatabase", "renameCollection");

  /** @param indexes the index names a createIndexes command builds, else empty */
  public record Command(String database, String name, String collection, List<String> indexes) {
    public Command(String database, String name, String collection) {
      this(database, name, collection, List.of());
    }
  }

  private final List<Command> commands = new CopyOnWriteArrayList<>();
  /** Per "database.command": sent and not yet answered, and the most at once. */
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();

  @Override
  public void commandStarted(CommandStartedEvent event) {
    BsonDocument command = event.getCommand();
    BsonValue target = command.get(event.getCommandName());
    String collection = target != null && target.isString() ? target.asString().getValue() : null;
    List<String> indexes = List.of();
    if (event.getCommandName().equals("createIndexes") && command.isArray("indexes")) {
      indexes = command.getArray("indexes").stream().filter(BsonValue::isDocument)
          .map(i -> i.asDocument().getString("name", new org.bson.BsonString("")).getValue()).toList();
    }
    add(new Command(event.getDatabaseName(), event.getCommandName(), collection, indexes));
    for (String key : keys(event.getDatabaseName(), event.getCommandName(), server(event))) {
      int now = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      maxInFlight.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }
  }

  @Override
  public void commandSucceeded(CommandSucceededEvent event) {
    ended(keys(event.getDatabaseName(), event.getCommandName(), server(event)));
  }

  @Override
  public void commandFailed(CommandFailedEvent event) {
    ended(keys(event.getDatabaseName(), event.getCommandName(), server(event)));
  }

  private static String server(com.mongodb.event.CommandEvent event) {
    return event.getConnectionDescription().getServerAddress().toString();
  }

  /** By database, over all, and by server ("host:port"): one deployment's commands, whatever the database. */
  private static List<String> keys(String database, String name, String server) {
    return List.of(database + "." + name, "*." + name, "server:" + server + "." + name);
  }

  private void ended(List<String> keys) {
    for (String key : keys) {
      AtomicInteger n = inFlight.get(key);
      if (n != null) n.decrementAndGet();
    }
  }

  /** The most {@code name} commands sent to one server ("host:port") that were in flight at once. */
  public int maxInFlightOn(String server, String name) {
    AtomicInteger n = maxInFlight.get("server:" + server + "." + name);
    return n == null ? 0 : n.get();
  }

  /** How many {@code name} commands to {@code database} are sent and not yet answered (succeeded or failed). */
  public int inFlight(String database, String name) {
    AtomicInteger n = inFlight.get(database + "." + name);
    return n == null ? 0 : n.get();
  }

  /** The most {@code name} commands to {@code database} ("*" for all) that were in flight at once. */
  public int maxInFlight(String database, String name) {
    AtomicInteger n = maxInFlight.get(database + "." + name);
    return n == null ? 0 : n.get();
  }

  void add(Command command) {
    commands.add(command);
  }

  public List<Command> commands() {
    return List.copyOf(commands);
  }

  public List<Command> named(String name) {
    return commands.stream().filter(c -> c.name().equals(name)).toList();
  }

  public List<Command> writes() {
    return commands.stream().filter(c -> WRITES.contains(c.name())).toList();
  }

  /** The commands sent to one database. */
  public List<Command> in(String database) {
    return commands.stream().filter(c -> database.equals(c.database())).toList();
  }

  public void clear() {
    commands.clear();
  }
}
