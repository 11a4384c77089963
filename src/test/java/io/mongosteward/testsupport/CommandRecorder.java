package io.mongosteward.testsupport;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the commands a client sends (as the driver's own monitoring sees them), by name and database. */
public final class CommandRecorder implements CommandListener {
  public static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify", "createIndexes",
      "dropIndexes", "collMod", "create", "drop", "dropDatabase", "renameCollection");

  public record Command(String database, String name, String collection) {}

  private final List<Command> commands = new CopyOnWriteArrayList<>();

  @Override
  public void commandStarted(CommandStartedEvent event) {
    org.bson.BsonValue target = event.getCommand().get(event.getCommandName());
    String collection = target != null && target.isString() ? target.asString().getValue() : null;
    commands.add(new Command(event.getDatabaseName(), event.getCommandName(), collection));
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

  public void clear() {
    commands.clear();
  }
}
