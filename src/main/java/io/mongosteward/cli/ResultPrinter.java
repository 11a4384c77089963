package io.mongosteward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Plan;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;

/** Text for people, JSON for scripts; the same items either way. */
final class ResultPrinter {
  enum Format { text, json }

  private static final ObjectMapper JSON = SchemaFile.json();
  private final PrintWriter out;
  private final Format format;
  /** Where JSON results go instead of out, to be printed together (several schemas); or null. */
  private final Consumer<ObjectNode> collect;

  ResultPrinter(PrintWriter out, Format format) {
    this(out, format, null);
  }

  ResultPrinter(PrintWriter out, Format format, Consumer<ObjectNode> collect) {
    this.out = out;
    this.format = format;
    this.collect = collect;
  }

  /** {"error": message, "field": path or null, "file": file or null}: what -o json prints for any error. */
  static ObjectNode error(Throwable e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", Main.messageOf(e));
    n.put("field", e instanceof InputException i ? i.field() : null);
    n.put("file", e instanceof InputException i ? i.file() : null);
    return n;
  }

  /** Several schemas' results in one document: {"kind": "List", "items": [...]}, as kubectl prints lists. */
  void list(List<ObjectNode> items) {
    ObjectNode root = JSON.createObjectNode();
    root.put("kind", "List");
    root.putArray("items").addAll(items);
    write(root);
  }

  void plan(String database, Plan plan) {
    plan(database, null, plan);
  }

  /** @param target where the server came from, for the JSON; or null */
  void plan(String database, MongoTarget.Resolved target, Plan plan) {
    if (format == Format.json) {
      ObjectNode root = JSON.createObjectNode();
      ArrayNode actions = root.putArray("actions");
      plan.actions().forEach(a -> actions.add(item(a)));
      putTarget(root, target);
      print(root);
      return;
    }
    if (plan.actions().isEmpty()) {
      out.println("Database " + database + " matches the spec: nothing to do.");
      return;
    }
    out.println("Plan for database " + database + ":");
    for (Action a : plan.actions()) {
      out.printf("  %-20s %-40s %s%n", a.type(), target(a), a.detail());
    }
    long changes = plan.changes().size();
    out.printf("%d change%s, %d to report.%n", changes, changes == 1 ? "" : "s", plan.reports().size());
  }

  void apply(String database, SyncResult result) {
    apply(database, null, result);
  }

  /** @param target where the server came from, for the JSON; or null */
  void apply(String database, MongoTarget.Resolved target, SyncResult result) {
    List<Action> remaining = result.remainingReports();
    if (format == Format.json) {
      ObjectNode root = JSON.createObjectNode();
      ArrayNode actions = root.putArray("actions");
      if (result.dryRun()) {
        // Nothing ran, so there are no outcomes: show the changes that would run, as plan does.
        result.plan().changes().forEach(a -> actions.add(item(a).put("applied", false)));
      }
      for (Outcome o : result.outcomes()) {
        ObjectNode n = item(o.action());
        n.put("result", o.result().name());
        n.put("applied", o.applied());
        n.put("durationMs", o.took().toMillis());
        if (!o.applied()) n.put("detail", o.message());
        actions.add(n);
      }
      ArrayNode reports = root.putArray("reports");
      result.plan().reports().forEach(a -> reports.add(item(a)));
      // Hidden indexes waiting for their drop, and what waits for them: nothing to do yet, but due.
      ArrayNode waiting = root.putArray("waiting");
      result.plan().actions().stream().filter(ResultPrinter::waits).forEach(a -> waiting.add(item(a)));
      root.put("dryRun", result.dryRun());
      root.put("converged", result.converged());
      putTarget(root, target);
      print(root);
      return;
    }
    if (result.dryRun()) {
      out.println("Dry run: nothing was changed.");
      plan(database, result.plan());
      return;
    }
    if (result.outcomes().isEmpty() && remaining.isEmpty() && result.plan().actions().stream().noneMatch(ResultPrinter::waits)) {
      out.println("Database " + database + " matches the spec: nothing to do.");
      return;
    }
    for (Outcome o : result.outcomes()) {
      String what = o.applied() ? o.message() : o.result() + ": " + o.message();
      out.printf("  %-20s %-40s %6d ms  %s%n", o.action().type(), target(o.action()), o.took().toMillis(), what);
    }
    for (Action a : result.plan().actions()) {
      if (!a.type().isChange()) out.printf("  %-20s %-40s %s%n", a.type(), target(a), a.detail());
    }
    long applied = result.outcomes().stream().filter(Outcome::applied).count();
    out.printf("%d applied, %d need attention.%n", applied, remaining.size());
  }

  /** "target": {"source": "--mongo-uri" | "MONGODB_URI" | ... | "embedded", "uri": the URI, secrets masked}. */
  private static void putTarget(ObjectNode root, MongoTarget.Resolved target) {
    if (target != null) {
      ObjectNode t = root.putObject("target");
      t.put("source", target.source());
      t.put("uri", target.uri().redacted());
    }
  }

  private ObjectNode item(Action a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", a.type().name());
    n.put("collection", a.collection());
    if (!a.name().isEmpty()) {
      boolean counter = a.type() == ActionType.SeedCounter || a instanceof Action.Claim || a instanceof Action.Release;
      n.put(counter ? "counter" : "index", a.name());
    }
    n.put("detail", a.detail());
    if (a instanceof Action.DropScheduled d) {
      n.put("hiddenAt", d.hiddenAt().toString());
      n.put("dropAfter", d.dropAfter().toString());
    }
    return n;
  }

  private static boolean waits(Action a) {
    return a.type() == ActionType.DropScheduled || a.type() == ActionType.WaitsForDrop;
  }

  private static String target(Action a) {
    return a.subject();
  }

  private void print(ObjectNode root) {
    if (collect != null) {
      collect.accept(root);
    } else {
      write(root);
    }
  }

  void write(ObjectNode root) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
