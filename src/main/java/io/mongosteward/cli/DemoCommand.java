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
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Owner;
import io.mongosteward.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import org.bson.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Shows the whole job on an embedded server, nothing to install: loads data with the review's "
        + "problems (duplicate post_id, no message_link_norm, an unmanaged index, events without TTL), then plans, "
        + "applies and plans again."})
final class DemoCommand implements Callable<Integer> {
  static final String SCHEMA = "/demo/bot-app.yaml";

  @ParentCommand Main main;

  @Override
  public Integer call() throws IOException {
    MongoSchema schema = SchemaFile.parse("demo:bot-app.yaml", resource(SCHEMA));
    try (EmbeddedMongo server = EmbeddedMongo.start()) {
      MongoUri uri = MongoUri.parse(server.uri());
      try (MongoSessions sessions = MongoSessions.interactive(RetryPolicy.DEFAULT.maxAttempts(), uri.redactor())) {
        MongoDatabase db = sessions.open(uri, null, schema.getSpec().getDatabase());
        int loaded = loadSampleData(db);
        SchemaEngine engine = sessions.engine();
        Owner owner = new Owner(schema.getMetadata().getNamespace(), schema.getMetadata().getName(), null);
        ResultPrinter printer = new ResultPrinter(main.out, ResultPrinter.Format.text);
        String database = schema.getSpec().getDatabase();

        main.out.println("== mongo-steward demo, on an embedded server at " + server.uri());
        main.out.println("Loaded " + loaded + " documents into " + database + ": posts with a duplicate post_id and no "
            + "message_link_norm, a legacy index, events without a TTL.");
        main.out.println();
        main.out.println("The schema:");
        main.out.println(indent(resource(SCHEMA)));
        main.out.println("== 1. plan");
        printer.plan(database, engine.plan(db, schema.getSpec(), owner));
        main.out.println();
        main.out.println("== 2. apply");
        SyncResult applied = engine.sync(db, schema.getSpec(), SchemaEngine.Pass.apply(owner));
        printer.apply(database, applied);
        main.out.println();
        main.out.println("== 3. plan again");
        Plan after = engine.plan(db, schema.getSpec(), owner);
        printer.plan(database, after);
        main.out.println();
        main.out.println("What to do next:");
        main.out.println("  - post_id_unique is blocked by duplicates: clean them with a deduplicate migration, then apply.");
        main.out.println("  - legacy_1 is reported, not dropped: declare it, or set policy.unmanagedIndexes: Drop.");
        main.out.println("  - applications allocate ids with findOneAndUpdate({_id: 'post_id'}, {$inc: {seq: 1}}, "
            + "upsert, returnDocument: AFTER).");
        main.out.println("  - run it on your database: MONGODB_URI=... mongo-steward plan -f examples/bot-app.yaml");
        return Main.OK;
      }
    }
  }

  /** The review's starting point, small enough to read. */
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
