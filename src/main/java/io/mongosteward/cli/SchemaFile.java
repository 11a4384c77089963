package io.mongosteward.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.plan.SpecValidator;
import io.mongosteward.plan.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the same MongoSchema YAML a user would `kubectl apply`, strictly: an unknown field, a
 * wrong type or a broken rule is an {@link InputException} naming the file, the field path
 * and the problem.
 */
public final class SchemaFile {
  static final ObjectMapper YAML = strict();

  private static ObjectMapper strict() {
    ObjectMapper m = YAMLMapper.builder(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .addModule(new SimpleModule("whole-numbers")
            .addDeserializer(Integer.class, new WholeNumber<>(Integer.class, new NumberDeserializers.IntegerDeserializer(Integer.class, null)))
            .addDeserializer(Long.class, new WholeNumber<>(Long.class, new NumberDeserializers.LongDeserializer(Long.class, null))))
        .build();
    // `database: 42` is a mistake, not a string: the API server would reject it too.
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return m;
  }

  private SchemaFile() {}

  /**
   * Integer fields take whole numbers written as such: Jackson would turn `order: 1.7` into 1 and
   * `expireAfterSeconds: 1.5` into 1. `1.0` is refused too, which is simplest and never changes a
   * value silently. The API server is not consistent there (CrdValidationIT pins it): its
   * `type: integer` accepts 60.0 as 60, but a CEL rule that reads the value fails on it, so
   * `order: 1.0` is refused and `expireAfterSeconds: 60.0` accepted.
   */
  private static final class WholeNumber<T extends Number> extends StdScalarDeserializer<T> {
    private final JsonDeserializer<T> standard;

    WholeNumber(Class<T> type, JsonDeserializer<T> standard) {
      super(type);
      this.standard = standard;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
        throw new FractionException(p, p.getText(), handledType());
      }
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        JsonParser.NumberType n = p.getNumberType();
        boolean tooLarge = n == JsonParser.NumberType.BIG_INTEGER
            || handledType() == Integer.class && n == JsonParser.NumberType.LONG;
        if (tooLarge) {
          throw new FractionException(p, p.getText(), handledType(), "expected a whole number from "
              + (handledType() == Integer.class ? Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                  : Long.MIN_VALUE + " to " + Long.MAX_VALUE) + ", not " + p.getText());
        }
      }
      return standard.deserialize(p, ctxt);
    }
  }

  /** A number with a fraction part (or written as one), or too large, where a whole number belongs. */
  private static final class FractionException extends InvalidFormatException {
    FractionException(JsonParser p, String text, Class<?> type) {
      this(p, text, type, "expected a whole number, not " + text);
    }

    FractionException(JsonParser p, String text, Class<?> type, String problem) {
      super(p, problem, text, type);
    }
  }

  /** kubectl's rules for names (DNS subdomain) and namespaces (DNS label). */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * One MongoSchema of a file and where it came from.
   *
   * @param numbered whether messages name the document: the file holds several
   */
  public record Document(String file, int number, boolean numbered, MongoSchema schema, ToIntFunction<String> lines) {
    /** "file", or "file (document N)" in a file of several documents. */
    public String source() {
      return numbered ? file + " (document " + number + ")" : file;
    }

    /** "file:line" of a field path (or its nearest parent written), then the document when the file holds several. */
    public String at(String path) {
      int line = lines.applyAsInt(path);
      return file + (line > 0 ? ":" + line : "") + (numbered ? " (document " + number + ")" : "");
    }

    /** namespace/name, as kubectl and the operator know the schema. */
    public String id() {
      return schema.getMetadata().getNamespace() + "/" + schema.getMetadata().getName();
    }
  }

  /** Where a document is, for messages: "file:line" then the document when the file holds several. */
  record Where(String file, YamlScan.Doc doc, boolean numbered) {
    String at(int line) {
      return file + (line > 0 ? ":" + line : "") + (numbered ? " (document " + doc.number() + ")" : "");
    }

    InputException error(String path, String problem) {
      return new InputException(at(doc.lineOf(path)) + ": " + (path.isEmpty() ? "" : path + ": ") + problem, file,
          path.isEmpty() ? null : path);
    }
  }

  /** A file of exactly one MongoSchema. */
  public static MongoSchema read(Path file) {
    return parse(file.toString(), readText(file));
  }

  static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file", file.toString(), null);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage(), file.toString(), null);
    }
  }

  /** Text of exactly one MongoSchema. */
  public static MongoSchema parse(String source, String text) {
    List<Document> docs = parseAll(source, text);
    if (docs.isEmpty()) {
      throw new InputException(source + ": holds no MongoSchema, only MongoMigration documents: run those with "
          + "mongo-steward migrate -f " + source, source, null);
    }
    if (docs.size() != 1) {
      throw new InputException(source + ": holds " + docs.size() + " MongoSchemas; expected one", source, null);
    }
    return docs.get(0).schema();
  }

  static final String MIGRATION_KIND = "MongoMigration";

  /**
   * Every MongoSchema of a file, as `kubectl apply` would take every document of it; empty
   * documents (such as after a final ---) and MongoMigrations (which `migrate` runs) are skipped,
   * so the list may be empty. Each one is checked in full.
   */
  public static List<Document> parseAll(String file, String text) {
    List<YamlScan.Doc> scanned = YamlScan.scan(YAML, file, text);
    long count = scanned.stream().filter(d -> !d.empty()).count();
    if (count == 0) {
      throw new InputException(file + ": is empty; expected a MongoSchema", file, null);
    }
    List<Document> out = new ArrayList<>();
    // Two parsers in step: one for the tree (kind, apiVersion), one for the typed read, whose
    // errors then carry their line in the whole file.
    try (JsonParser trees = YAML.createParser(text); JsonParser beans = YAML.createParser(text)) {
      for (YamlScan.Doc doc : scanned) {
        trees.nextToken();
        beans.nextToken();
        if (!doc.empty()) {
          Where where = new Where(file, doc, count > 1 || doc.number() > 1);
          JsonNode tree = YAML.readTree(trees);
          if (tree.isObject() && MIGRATION_KIND.equals(tree.path("kind").asText(null))) {
            // `migrate -f` runs these; a directory may hold both kinds, as `kubectl apply -f` takes them.
            beans.skipChildren();
            continue;
          }
          out.add(new Document(file, doc.number(), where.numbered(), map(where, tree, beans), doc::lineOf));
        }
      }
    } catch (IOException e) {
      // The scan has read the same text without error.
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static MongoSchema map(Where where, JsonNode tree, JsonParser beans) throws IOException {
    requireMapping(where, tree, "MongoSchema");
    checkType(where, tree);
    return mapSchema(where, beans);
  }

  /** The document at {@code beans} as a MongoSchema, its kind already checked: types, metadata and rules. */
  static MongoSchema mapSchema(Where where, JsonParser beans) throws IOException {
    MongoSchema schema = readTyped(where, beans, MongoSchema.class);
    checkMetadata(where, schema.getMetadata());
    requireNone(where, new SpecValidator().validate(schema.getSpec()));
    return schema;
  }

  static void requireMapping(Where where, JsonNode tree, String kind) {
    if (!tree.isObject()) {
      throw where.error("", "expected a " + kind + " (a mapping with apiVersion, kind, metadata and spec), not "
          + (tree.isArray() ? "a list" : "a " + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  /** Reads the document at {@code beans} strictly; a mistake names the file:line and the field path. */
  static <T> T readTyped(Where where, JsonParser beans, Class<T> type) throws IOException {
    try {
      return YAML.readValue(beans, type);
    } catch (JsonMappingException e) {
      String path = pathOf(e);
      throw new InputException(where.at(lineOf(e)) + ": " + path + ": " + problemOf(e), where.file(),
          e.getPath().isEmpty() ? null : path);
    }
  }

  /** Every violation on a line of its own, each with the file:line of its field; the first names the field. */
  static void requireNone(Where where, List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new InputException(violations.stream().map(v -> where.at(where.doc().lineOf(v.path())) + ": " + v)
          .collect(Collectors.joining(System.lineSeparator())), where.file(), violations.get(0).path());
    }
  }

  private static void checkType(Where where, JsonNode tree) {
    String expectedApi = MongoSchema.GROUP + "/" + MongoSchema.VERSION;
    String kind = tree.path("kind").asText(null);
    if (kind == null) {
      throw where.error("kind", "is required: write kind: MongoSchema");
    }
    if (!"MongoSchema".equals(kind)) {
      throw where.error("kind", "expected MongoSchema, not " + kind + "; mongo-steward reads MongoSchema documents "
          + "only, so keep other kinds in another file");
    }
    String api = tree.path("apiVersion").asText(null);
    if (api == null) {
      throw where.error("apiVersion", "is required: write apiVersion: " + expectedApi);
    }
    if (!expectedApi.equals(api)) {
      throw where.error("apiVersion", "expected " + expectedApi + ", not " + api);
    }
  }

  /** metadata.name identifies the schema (kubectl and the operator need it); the namespace defaults like kubectl's. */
  static void checkMetadata(Where where, io.fabric8.kubernetes.api.model.ObjectMeta metadata) {
    String name = metadata == null ? null : metadata.getName();
    if (name == null || name.isBlank()) {
      throw where.error("metadata.name", "is required: it names the schema for kubectl and the operator; write "
          + "metadata: {name: my-app}");
    }
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      throw where.error("metadata.name", "'" + name + "' is not a valid name: lowercase letters, digits, '-' and "
          + "'.', starting and ending with a letter or digit, at most 253 characters");
    }
    String namespace = metadata.getNamespace();
    if (namespace == null || namespace.isBlank()) {
      metadata.setNamespace("default");
    } else if (namespace.length() > 63 || !NAMESPACE.matcher(namespace).matches()) {
      throw where.error("metadata.namespace", "'" + namespace + "' is not a valid namespace: lowercase letters, "
          + "digits and '-', starting and ending with a letter or digit, at most 63 characters");
    }
  }

  private static int lineOf(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) sb.append('.');
        sb.append(ref.getFieldName());
      }
    }
    return sb.isEmpty() ? "(document)" : sb.toString();
  }

  private static String problemOf(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
          .sorted().collect(Collectors.joining(", "));
      return "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : "; known fields: " + known);
    }
    String path = pathOf(e);
    if (e instanceof MismatchedInputException m && path.endsWith("keys") && List.class.isAssignableFrom(m.getTargetType())) {
      return "must be a list such as [{field: a, order: 1}, {field: b, order: -1}], not a map: "
          + "a map's key order is not kept, and key order defines a compound index";
    }
    if (e instanceof FractionException f) {
      return f.getOriginalMessage();
    }
    if (e instanceof InvalidFormatException f) {
      return "expected " + typeName(f.getTargetType()) + ", not '" + f.getValue() + "'";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "expected " + typeName(m.getTargetType());
    }
    return e.getOriginalMessage();
  }

  private static String typeName(Class<?> type) {
    if (type == null) return "another type";
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> jsonName(type, (Enum<?>) c))
          .collect(Collectors.joining(", "));
    }
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
    if (type == String.class) return "a string";
    if (List.class.isAssignableFrom(type)) return "a list";
    return "an object (" + type.getSimpleName() + ")";
  }

  private static String jsonName(Class<?> type, Enum<?> constant) {
    try {
      var p = type.getField(constant.name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return p != null ? p.value() : constant.name();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  /** For JSON output of the CLI. */
  public static ObjectMapper json() {
    return JsonMapper.builder().build();
  }
}
