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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the same MongoSchema YAML a user would `kubectl apply`, strictly: an unknown field, a
 * wrong type or a broken rule is an {@link InputException} naming the file, the field path
 * and the problem.
 */
public final class SchemaFile {
  private static final ObjectMapper YAML = strict();

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
      return standard.deserialize(p, ctxt);
    }
  }

  /** A number with a fraction part (or written as one) where a whole number belongs. */
  private static final class FractionException extends InvalidFormatException {
    FractionException(JsonParser p, String text, Class<?> type) {
      super(p, "expected a whole number, not " + text, text, type);
    }
  }

  public static MongoSchema read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  public static MongoSchema parse(String source, String text) {
    MongoSchema schema;
    try {
      JsonNode tree = YAML.readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        throw new InputException(source + ": is empty; expected a MongoSchema");
      }
      checkType(source, tree);
      schema = YAML.readValue(text, MongoSchema.class);
    } catch (JsonMappingException e) {
      throw new InputException(source + lineOf(e) + ": " + pathOf(e) + ": " + problemOf(e));
    } catch (JsonProcessingException e) {
      throw new InputException(source + lineOf(e) + ": not valid YAML: " + e.getOriginalMessage());
    }
    if (schema == null) {
      throw new InputException(source + ": is empty; expected a MongoSchema");
    }
    List<Violation> violations = new SpecValidator().validate(schema.getSpec());
    if (!violations.isEmpty()) {
      throw new InputException(violations.stream().map(v -> source + ": " + v)
          .collect(Collectors.joining(System.lineSeparator())));
    }
    return schema;
  }

  private static void checkType(String source, JsonNode tree) {
    String kind = tree.path("kind").asText(null);
    if (kind != null && !"MongoSchema".equals(kind)) {
      throw new InputException(source + ": kind: expected MongoSchema, not " + kind);
    }
    String expectedApi = MongoSchema.GROUP + "/" + MongoSchema.VERSION;
    String api = tree.path("apiVersion").asText(null);
    if (api != null && !expectedApi.equals(api)) {
      throw new InputException(source + ": apiVersion: expected " + expectedApi + ", not " + api);
    }
  }

  private static String lineOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
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
      return "expected a whole number, not " + f.getValue();
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
