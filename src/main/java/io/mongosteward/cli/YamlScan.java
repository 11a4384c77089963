package io.mongosteward.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A first pass over YAML text, token by token, before anything is mapped: it finds where each
 * document starts and the line of each field path (for messages), and refuses what a mapping
 * would hide. A repeated key would silently keep one value (which one depends on the parser), and
 * Jackson reads an alias as the anchor's name, a string; aliases also let a small file expand into
 * a huge one.
 */
final class YamlScan {
  /** One document: its number in the file (from 1), its first line, and the line of each path in it. */
  record Doc(int number, int line, boolean empty, Map<String, Integer> lines) {
    /** The line of the path, else of its nearest parent written in the file, else of the document. */
    int lineOf(String path) {
      for (String p = path; !p.isEmpty(); p = p.substring(0, Math.max(0, Math.max(p.lastIndexOf('.'), p.lastIndexOf('['))))) {
        Integer found = lines.get(p);
        if (found != null) return found;
      }
      return line;
    }
  }

  /** Where a mapping or a list is open: its path, and for a mapping the line of each key seen. */
  private static final class Frame {
    final String path;
    final Map<String, Integer> keys;
    String key;
    int index;

    Frame(String path, boolean mapping) {
      this.path = path;
      this.keys = mapping ? new HashMap<>() : null;
    }

    String child() {
      String name = keys != null ? key : "[" + index++ + "]";
      return path.isEmpty() || keys == null ? path + name : path + "." + name;
    }
  }

  private final String file;
  private final List<Doc> docs = new ArrayList<>();
  private final Deque<Frame> open = new ArrayDeque<>();
  private Map<String, Integer> lines;

  private YamlScan(String file) {
    this.file = file;
  }

  static List<Doc> scan(ObjectMapper yaml, String file, String text) {
    YamlScan scan = new YamlScan(file);
    try (JsonParser p = yaml.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        scan.token(p, t);
      }
    } catch (JsonProcessingException e) {
      // SnakeYAML's message goes on to quote the line with a caret; the line and column say as much.
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      String column = e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr();
      String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
      throw new InputException(scan.where(line) + ": not valid YAML" + column + ": " + why, file, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(scan.docs);
  }

  private void token(JsonParser p, JsonToken t) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    if (open.isEmpty() && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
      lines = new HashMap<>();
      docs.add(new Doc(docs.size() + 1, line, t == JsonToken.VALUE_NULL, lines));
    }
    if (t == JsonToken.FIELD_NAME) {
      Frame f = open.peek();
      f.key = p.currentName();
      Integer first = f.keys.putIfAbsent(f.key, line);
      if (first != null) {
        throw new InputException(where(line) + ": " + f.child() + ": duplicate key '" + f.key + "' (first at line "
            + first + "): keep one, since a mapping holds a key once", file, f.child());
      }
      lines.putIfAbsent(f.child(), line);
      return;
    }
    if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
      open.pop();
      return;
    }
    String path = open.isEmpty() ? "" : open.peek().child();
    lines.putIfAbsent(path, line);
    if (((YAMLParser) p).isCurrentAlias()) {
      throw refused(line, path, "alias (*" + p.getText() + ")");
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      checkNumber(p, line, path);
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      // Jackson reports anchors on mappings and lists only; one on a scalar is harmless without an alias.
      if (p.getObjectId() != null) {
        throw refused(line, path, "anchor (&" + p.getObjectId() + ")");
      }
      open.push(new Frame(path, t == JsonToken.START_OBJECT));
    }
  }

  /**
   * YAML's .inf, -.inf and .nan are floats to the YAML parser, but Jackson cannot read them (it
   * throws on the value, with no field): refused here, naming the field. Every number a
   * MongoSchema types is a whole number; a partialFilterExpression, a MongoDB filter, takes any.
   */
  private void checkNumber(JsonParser p, int line, String path) throws IOException {
    try {
      p.getNumberValue();
    } catch (JsonProcessingException e) {
      String expected = path.contains("partialFilterExpression") || !path.startsWith("spec.") ? "a number"
          : "a whole number";
      throw new InputException(where(line) + ": " + path + ": expected " + expected + ", not " + p.getText()
          + (expected.equals("a number") ? " (YAML's infinities and .nan are not supported; write a finite number)" : ""),
          file, path);
    }
  }

  private InputException refused(int line, String path, String what) {
    return new InputException(where(line) + ": " + (path.isEmpty() ? "" : path + ": ") + "a YAML " + what
        + " is not supported: write each value out in full (anchors and aliases let a small file expand into a "
        + "huge one)", file, path.isEmpty() ? null : path);
  }

  /** "file:line", with the document when it is not the first. */
  private String where(int line) {
    int doc = docs.size();
    return file + (line > 0 ? ":" + line : "") + (doc > 1 ? " (document " + doc + ")" : "");
  }
}
