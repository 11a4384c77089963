package io.mongosteward.cli;

import io.mongosteward.plan.Plan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Shows what apply would change to bring a database to a MongoSchema, changing nothing. Reads the "
        + "same YAML you would kubectl apply. Without a URI, runs against an embedded server.", ""},
    footer = {"", "Examples:", "  mongo-steward plan -f examples/bot-app.yaml",
        "  MONGODB_URI=mongodb://localhost:27017 mongo-steward plan -f examples/bot-app.yaml --output json",
        "  mongo-steward plan -f schemas/            (every *.yaml and *.yml in it)",
        "  cat app.yaml jobs.yaml | mongo-steward plan -f -",
        "", "Exit codes: 0 the database matches the spec (notes such as NameMismatch aside); 2 changes pending or "
        + "items to report (a conflict, duplicates, an unsupported option, an unmanaged index, an index waiting for a "
        + "hidden one's drop); 1 error. With "
        + "several schemas, the worst of them."})
final class PlanCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Mixin MongoTarget target;

  @Mixin SchemaInput input;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
      description = "text (default) or json: {\"actions\":[{\"type\",\"collection\",\"index\",\"detail\"}], "
          + "\"target\":{\"source\",\"uri\"}}; "
          + "several schemas: {\"kind\":\"List\",\"items\":[...]}; an error: {\"error\",\"field\",\"file\"}.")
  ResultPrinter.Format output;

  @Mixin Attempts attempts;

  @Override
  public Integer call() {
    int tries = attempts.checked();
    return EachSchema.run(main, input.load(main.in), output, (document, printer) -> {
      try (SchemaSession session = SchemaSession.open(main, document, target, tries, false)) {
        Plan plan = session.engine.plan(session.database, session.schema.getSpec(), session.owner);
        printer.plan(session.schema.getSpec().getDatabase(), session.target, plan);
        // Reports count: a conflict or an unmanaged index means the database does not match the
        // spec, and a CI gate built on plan must not pass then. Notes (NameMismatch) do not, but
        // for WaitsForDrop, whose declared index is not there yet.
        return plan.hasChanges() || !plan.reports().isEmpty() || plan.waitsForDrop() ? Main.ATTENTION : Main.OK;
      }
    });
  }
}
