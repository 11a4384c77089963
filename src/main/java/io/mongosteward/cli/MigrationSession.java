package io.mongosteward.cli;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.ConnectionSpec;
import io.mongosteward.failure.Failure;
import io.mongosteward.mongo.MongoSessions;

/** What `migrate` needs for one MongoMigration: the target, one client, the database; closed together. */
final class MigrationSession implements AutoCloseable {
  /** Why migrate refuses to run without a MongoDB, and how to give one. */
  static final String MIGRATE_NEEDS_MONGODB = "migrate needs a MongoDB to change, and none is given: pass "
      + "--mongo-uri-file PATH (or set MONGODB_URI_FILE), set MONGODB_URI, or name a Secret in "
      + "spec.connection.secretRef (or in the MongoSchema spec.schemaRef names) with a kubeconfig at hand. To see the "
      + "whole story on an embedded server, run: mongo-steward demo";

  final MongoTarget.Resolved target;
  final MongoSessions sessions;
  final MongoDatabase database;

  private MigrationSession(MongoTarget.Resolved target, MongoSessions sessions, MongoDatabase database) {
    this.target = target;
    this.sessions = sessions;
    this.database = database;
  }

  static MigrationSession open(Main main, MigrationFile.Migration m, MongoTarget targetOptions, int attempts) {
    ConnectionSpec connection = m.connection();
    MongoTarget.Resolved target = targetOptions.resolve(main.env, SchemaSession.secretOf(main, m.source(), m.file(),
        m.migration().getMetadata().getNamespace(), connection, m.connectionField(), true, MIGRATE_NEEDS_MONGODB),
        main.err, MIGRATE_NEEDS_MONGODB);
    SchemaSession.warnAboutTls(main, connection, target);
    MongoSessions sessions = MongoSessions.interactive(attempts, target.uri().redactor());
    try {
      MongoDatabase db = sessions.open(target.uri(), SchemaSession.interactive(target.uri(),
          connection == null ? null : connection.getClientOptions()), target.tls(), m.database());
      return new MigrationSession(target, sessions, db);
    } catch (Failure e) {
      sessions.close();
      target.close();
      throw new InputException("cannot reach MongoDB at " + target.uri().redacted() + " (" + target.source() + "): "
          + e.getMessage());
    }
  }

  @Override
  public void close() {
    sessions.close();
    target.close();
  }
}
