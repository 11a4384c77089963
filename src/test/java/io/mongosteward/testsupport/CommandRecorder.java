package io.mongosteward.testsupport;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
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
