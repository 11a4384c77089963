package io.mongosteward.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs plan or apply for each MongoSchema given, each with its own connection, and prints the
 * results. One schema prints as it always has. Several: text under a header per schema; JSON as
 * {"kind": "List", "items": [...]}, each item naming its "schema". A schema that fails does not
 * stop the others; the exit code is the worst of them.
 */
final class EachSchema {
  /** Plans or applies one schema, printing through the printer; returns its exit code. */
  interface Job {
    int run(SchemaFile.Document document, ResultPrinter printer);
  }

  private EachSchema() {}

  static int run(Main main, List<SchemaFile.Document> docs, ResultPrinter.Format format, Job job) {
    if (docs.size() == 1) {
      return job.run(docs.get(0), new ResultPrinter(main.out, format));
    }
    boolean json = format == ResultPrinter.Format.json;
    List<ObjectNode> items = new ArrayList<>();
    int worst = Main.OK;
    for (SchemaFile.Document doc : docs) {
      if (!json) {
        main.out.println("== " + doc.id() + ": database " + doc.schema().getSpec().getDatabase() + ", from "
            + doc.source());
        main.out.flush();
      }
      ResultPrinter printer = new ResultPrinter(main.out, format, node -> items.add(item(doc, node)));
      int code;
      try {
        code = job.run(doc, printer);
      } catch (RuntimeException e) {
        code = Main.ERROR;
        if (json) {
          items.add(item(doc, ResultPrinter.error(e)));
        } else {
          main.err.println("error: " + Main.messageOf(e));
          main.err.flush();
        }
      }
      worst = Main.worse(worst, code);
      if (!json) {
        main.out.println();
      }
    }
    if (json) {
      new ResultPrinter(main.out, format).list(items);
    }
    return worst;
  }

  private static ObjectNode item(SchemaFile.Document doc, ObjectNode result) {
    ObjectNode item = result.objectNode();
    item.put("schema", doc.id());
    item.setAll(result);
    return item;
  }
}
