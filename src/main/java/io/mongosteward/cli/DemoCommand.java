package io.mongosteward.cli;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.mongo.MongoSessions;
import io.mongosteward.mongo.EmbeddedMongo;
import io.mongosteward.mongo.MongoUri;
import io.mongosteward.mongo.RetryPolicy;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.migrate.MigrationRunner;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Shows the whole job on an embedded server, nothing to install: loads data with the example "
        + "bot's problems (duplicate post_id, no message_link_norm, an unmanaged index, events without TTL), then: plan "
        + "(the unique index is blocked by duplicates), a deduplicate dry run, the deduplication, a backfill of "
        + "message_link_norm, apply, and a final plan that finds nothing to do. Exit code 0 when it ends there."})
final class DemoCommand implements Callable<Integer> {
  static final String SCHEMA = "/demo/bot-app.yaml";
  static final String MIGRATIONS = "/demo/migrations.yaml";

  @ParentCommand Main main;

  @Override
  public Integer call() throws IOException {
    SchemaFile.Document schemaDoc = SchemaFile.parseAll("demo:bot-app.yaml", resource(SCHEMA)).get(0);
    MongoSchema schema = schemaDoc.schema();
    List<MigrationFile.Migration> migrations = MigrationFile.parseAll("demo:migrations.yaml", resource(MIGRATIONS))
        .migrations().stream().map(m -> MigrationInput.resolve(m, List.of(schemaDoc))).toList();
    try (EmbeddedMongo server = EmbeddedMongo.start()) {
      MongoUri uri = MongoUri.parse(server.uri());
      try (MongoSessions sessions = MongoSessions.interactive(RetryPolicy.DEFAULT.maxAttempts(), uri.redactor())) {
        MongoDatabase db = sessions.open(uri, null, schema.getSpec().getDatabase());
        int loaded = loadSampleData(db);
        SchemaEngine engine = sessions.engine();
        Owner owner = new Owner(schema.getMetadata().getNamespace(), schema.getMetadata().getName(), null);
        ResultPrinter printer = new ResultPrinter(main.out, ResultPrinter.Format.text);
        String database = schema.getSpec().getDatabase();
        PrintWriter out = main.out;

        out.println("== mongo-steward demo, on an embedded server at " + server.uri());
        out.println("Loaded " + loaded + " documents into " + database + ": posts with a duplicate post_id and no "
            + "message_link_norm, a legacy index, events without a TTL.");
        out.println();
        out.println("The schema:");
        out.println(indent(resource(SCHEMA)));
        out.println("== 1. plan: what apply would change");
        printer.plan(database, engine.plan(db, schema.getSpec(), owner));
        out.println();
        out.println("The unique index cannot build over duplicates. The migrations that clean the data:");
        out.println(indent(resource(MIGRATIONS)));

        MigrationFile.Migration dedupe = migrations.get(0);
        MigrationFile.Migration backfill = migrations.get(1);
        dedupe.migration().getSpec().setDryRun(true);
        out.println("== 2. migrate, as a dry run (spec.dryRun: true): count what would go, change nothing");
        int code = migrate(db, sessions, dedupe);
        dedupe.migration().getSpec().setDryRun(false);
        out.println();
        out.println("== 3. migrate: deduplicate (each removed post is copied to posts_duplicates first)");
        code = Main.worse(code == Main.ATTENTION ? Main.OK : code, migrate(db, sessions, dedupe));
        out.println();
        out.println("== 4. migrate: backfill message_link_norm = Lowercase(NormalizeUrl(message_link))");
        code = Main.worse(code, migrate(db, sessions, backfill));
        for (Document d : db.getCollection("posts").find().projection(new Document("_id", 0).append("post_id", 1)
            .append("message_link", 1).append("message_link_norm", 1)).sort(new Document("post_id", 1))) {
          out.printf("    post_id %s  %-24s -> %s%n", d.get("post_id"), d.get("message_link"), d.get("message_link_norm"));
        }
        out.println();
        out.println("== 5. apply");
        SyncResult applied = engine.sync(db, schema.getSpec(), SchemaEngine.Pass.apply(owner));
        printer.apply(database, applied);
        out.println();
        out.println("== 6. plan again");
        Plan after = engine.plan(db, schema.getSpec(), owner);
        printer.plan(database, after);
        boolean matches = !after.hasChanges() && after.reports().isEmpty();
        out.println();
        out.println("What to do next:");
        out.println("  - on your database: MONGODB_URI=... mongo-steward plan -f examples/bot-app.yaml");
        out.println("  - clean duplicates there: mongo-steward migrate -f examples/dedupe-posts.yaml (a dry run; "
            + "set dryRun: false to run it), then examples/backfill-link-norm.yaml; Ctrl-C stops at a batch, a re-run "
            + "resumes.");
        out.println("  - applications write message_link_norm too: NormalizeUrl.apply(link).toLowerCase(Locale.ROOT) "
            + "(docs/migrations.md has the JavaScript).");
        out.println("  - applications allocate ids with findOneAndUpdate({_id: 'post_id'}, {$inc: {seq: 1}}, "
            + "upsert, returnDocument: AFTER).");
        out.flush();
        return matches ? Main.worse(code, Main.OK) : Main.ATTENTION;
      }
    }
  }

  /** One migration, printed as `migrate` prints it; its exit code. */
  private int migrate(MongoDatabase db, MongoSessions sessions, MigrationFile.Migration m) {
    MigrationOutput.Subject subject = new MigrationOutput.Subject(m.id(), m.database(), m.migration().getSpec());
    MigrateCommand.Ran ran = MigrateCommand.execute(db, sessions.retrier(), MigrationRunner.Settings.defaults(), m,
        subject, ProgressView.NONE, () -> false, main.err);
    MigrationOutput.summary(subject, ran.result(), ran.took()).forEach(main.out::println);
    return MigrationOutput.exitCode(subject, ran.result());
  }

  /** The example bot's starting point, small enough to read. */
  static int loadSampleData(MongoDatabase db) {
    List<Document> posts = new ArrayList<>();
    String[] links = {"https://T.me/Chan/1/", "http://t.me/chan/2", "https://t.me/Chan/3", "https://t.me/chan/3/",
        "t.me/other/4", "https://T.ME/other/5"};
    int[] ids = {1, 2, 3, 3, 4, 5};
    for (int i = 0; i < ids.length; i++) {
      posts.add(new Document("post_id", ids[i]).append("message_link", links[i])
          .append("channel", i < 4 ? "chan" : "other").append("created_at", new Date(1_700_000_000_000L + i * 60_000L)));
    }
    db.getCollection("posts").insertMany(posts);
    db.getCollection("posts").createIndex(Indexes.ascending("legacy_flag"), new IndexOptions().name("legacy_1"));
    List<Document> events = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      events.add(new Document("ts", new Date(1_700_000_000_000L + i * 1000L)).append("kind", "publish"));
    }
    db.getCollection("events").insertMany(events);
    return posts.size() + events.size();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
      if (in == null) throw new IOException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce((a, b) -> a + System.lineSeparator() + b).orElse("");
  }
}
