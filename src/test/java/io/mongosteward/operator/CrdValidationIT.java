package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.mongosteward.cli.InputException;
import io.mongosteward.cli.SchemaFile;
import io.mongosteward.testsupport.KubeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The generated CRD on a real kube-apiserver: every invalid spec below is refused with a 422 whose
 * message names the field and the problem, the example is accepted, and the CRD carries its printer
 * columns, short name and a description on every spec property.
 *
 * <p>Each invalid spec is also given to the CLI's reader (SchemaFile, which runs SpecValidator),
 * which must refuse it naming the same field, unless the case says why the CLI does not check it.
 */
class CrdValidationIT {
  private static final String CRD = "mongoschemas.mongosteward.io";
  private static final String API_VERSION = "mongosteward.io/v1alpha1";
  private static final ObjectMapper YAML = new YAMLMapper();

  /** A valid resource that each case breaks in one place. */
  private static final String BASE = """
      apiVersion: mongosteward.io/v1alpha1
      kind: MongoSchema
      metadata: {name: base}
      spec:
        connection:
          secretRef: {name: app-mongo, key: uri}
          clientOptions: {maxPoolSize: 20, minPoolSize: 0}
        database: app
        collections:
          - name: posts
            indexes:
              - name: post_id_unique
                keys: [{field: post_id, order: 1}]
                unique: true
              - name: channel_created
                keys: [{field: channel}, {field: created_at, order: -1}]
              - name: title_en
                keys: [{field: title}]
                collation: {locale: en, strength: 2}
          - name: events
            indexes:
              - name: ts_ttl
                keys: [{field: ts}]
                expireAfterSeconds: 604800
        counters:
          - name: post_id
            seedFrom: {collection: posts, field: post_id}
        policy: {unmanagedIndexes: Report, onConflict: Report}
        deletionPolicy: Retain
      """;

  /** The CLI's own validator does not check this case; the reason is given, and reported. */
  private static String cliSkips(String reason) {
    return reason;
  }

  private static List<Case> invalidSpecs() {
    List<Case> c = new ArrayList<>();
    // --- database and connection
    c.add(new Case("database is missing", s -> s.remove("database"),
        "spec.database", "Required value", null));
    c.add(new Case("database name with a dot", s -> s.put("database", "my.db"),
        "spec.database", "should match", null));
    c.add(new Case("database name longer than 63 characters", s -> s.put("database", "d".repeat(64)),
        "spec.database", "should match", null));
    c.add(new Case("connection is missing", s -> s.remove("connection"),
        "spec", "spec.connection is required", cliSkips("by design: the CLI takes --mongo-uri instead")));
    c.add(new Case("connection without secretRef", s -> map(s, "connection").remove("secretRef"),
        "spec.connection.secretRef", "Required value",
        cliSkips("SpecValidator accepts a connection with clientOptions only")));
    c.add(new Case("tls: insecureSkipVerify with caSecretRef", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("insecureSkipVerify", true, "caSecretRef", Map.of("name", "mongo-ca")))),
        "spec.connection.tls.insecureSkipVerify", "contradict each other",
        cliSkips("the CLI takes TLS from --tls-* flags, not from spec.connection.tls")));
    c.add(new Case("tls: caSecretRef without name", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("caSecretRef", Map.of("key", "ca.crt")))),
        "spec.connection.tls.caSecretRef.name", "Required value",
        cliSkips("the CLI takes TLS from --tls-* flags, not from spec.connection.tls")));
    c.add(new Case("tls: clientCertSecretRef name is not a DNS subdomain", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("clientCertSecretRef", Map.of("name", "Client_Cert")))),
        "spec.connection.tls.clientCertSecretRef.name", "should match",
        cliSkips("the CLI takes TLS from --tls-* flags, not from spec.connection.tls")));
    c.add(new Case("secretRef without name", s -> secretRef(s).remove("name"),
        "spec.connection.secretRef.name", "Required value", null));
    c.add(new Case("secretRef name is not a DNS subdomain", s -> secretRef(s).put("name", "App_Mongo"),
        "spec.connection.secretRef.name", "should match", cliSkips("SpecValidator does not check Secret names")));
    c.add(new Case("secretRef key with a space", s -> secretRef(s).put("key", "mongo uri"),
        "spec.connection.secretRef.key", "should match", cliSkips("SpecValidator does not check Secret keys")));
    c.add(new Case("maxPoolSize 0", s -> clientOptions(s).put("maxPoolSize", 0),
        "spec.connection.clientOptions.maxPoolSize", "greater than or equal to 1", null));
    c.add(new Case("negative connectTimeoutMS", s -> clientOptions(s).put("connectTimeoutMS", -1),
        "spec.connection.clientOptions.connectTimeoutMS", "greater than or equal to 0", null));
    c.add(new Case("timeoutMS -1", s -> clientOptions(s).put("timeoutMS", -1),
        "spec.connection.clientOptions.timeoutMS", "greater than or equal to 1", null));
    c.add(new Case("minPoolSize above maxPoolSize", s -> clientOptions(s).put("minPoolSize", 50),
        "spec.connection.clientOptions.minPoolSize", "minPoolSize must not exceed maxPoolSize", null));
    // --- collections
    c.add(new Case("duplicate collection names", s -> coll(s, 1).put("name", "posts"),
        "spec.collections", "collection names must be unique", null));
    c.add(new Case("collection name starting with $", s -> coll(s, 0).put("name", "$posts"),
        "spec.collections[0].name", "should match", null));
    c.add(new Case("collection name in the system. namespace", s -> coll(s, 0).put("name", "system.users"),
        "spec.collections[0].name", "system.", null));
    c.add(new Case("the metadata collection declared", s -> coll(s, 0).put("name", "mongosteward"),
        "spec.collections[0].name", "mongosteward is mongo-steward's own metadata collection", null));
    c.add(new Case("blank collection name", s -> coll(s, 0).put("name", " "),
        "spec.collections[0].name", "name must not be blank", null));
    c.add(new Case("collection without name", s -> coll(s, 0).remove("name"),
        "spec.collections[0].name", "Required value", null));
    // --- indexes
    c.add(new Case("index without name", s -> index(s, 0, 0).remove("name"),
        "spec.collections[0].indexes[0].name", "Required value", null));
    c.add(new Case("blank index name", s -> index(s, 0, 0).put("name", "  "),
        "spec.collections[0].indexes[0].name", "name must not be blank", null));
    c.add(new Case("index name longer than 64 characters", s -> index(s, 0, 0).put("name", "i".repeat(65)),
        "spec.collections[0].indexes[0].name", "may not be more than 64",
        cliSkips("SpecValidator does not limit index name length")));
    c.add(new Case("_id_ declared", s -> index(s, 0, 0).put("name", "_id_"),
        "spec.collections[0].indexes[0].name", "_id_ is MongoDB's own index", null));
    c.add(new Case("duplicate index names in one collection", s -> index(s, 0, 1).put("name", "post_id_unique"),
        "spec.collections[0].indexes", "index names must be unique within a collection", null));
    c.add(new Case("index without keys", s -> index(s, 0, 0).remove("keys"),
        "spec.collections[0].indexes[0].keys", "Required value", null));
    c.add(new Case("empty keys", s -> index(s, 0, 0).put("keys", List.of()),
        "spec.collections[0].indexes[0].keys", "should have at least 1 items", null));
    c.add(new Case("keys as a map instead of a list",
        s -> index(s, 0, 1).put("keys", new LinkedHashMap<>(Map.of("channel", 1))),
        "spec.collections[0].indexes[1].keys", "must be of type array", null));
    c.add(new Case("key without field", s -> key(s, 0, 0, 0).remove("field"),
        "spec.collections[0].indexes[0].keys[0].field", "Required value", null));
    c.add(new Case("key with an empty field", s -> key(s, 0, 0, 0).put("field", ""),
        "spec.collections[0].indexes[0].keys[0].field", "should be at least 1 chars long", null));
    c.add(new Case("blank key field", s -> key(s, 0, 0, 0).put("field", " "),
        "spec.collections[0].indexes[0].keys[0].field", "should match", null));
    c.add(new Case("key field longer than 1024 characters", s -> key(s, 0, 0, 0).put("field", "f".repeat(1025)),
        "spec.collections[0].indexes[0].keys[0].field", "may not be more than 1024",
        cliSkips("SpecValidator does not limit field length")));
    c.add(new Case("order 2", s -> key(s, 0, 0, 0).put("order", 2),
        "spec.collections[0].indexes[0].keys[0].order", "order must be 1 (ascending) or -1 (descending)", null));
    c.add(new Case("order and type together", s -> key(s, 0, 0, 0).put("type", "hashed"),
        "spec.collections[0].indexes[0].keys[0]", "give either order or type, not both", null));
    c.add(new Case("unknown key type", s -> key(s, 0, 1, 0).put("type", "geo"),
        "spec.collections[0].indexes[1].keys[0].type", "Unsupported value: \"geo\"", null));
    c.add(new Case("TTL on a compound index", s -> index(s, 0, 1).put("expireAfterSeconds", 60),
        "spec.collections[0].indexes[1].expireAfterSeconds", "TTL) needs a single-field index", null));
    c.add(new Case("TTL on a hashed key", s -> key(s, 1, 0, 0).put("type", "hashed"),
        "spec.collections[1].indexes[0].expireAfterSeconds", "not a special type", null));
    c.add(new Case("negative TTL", s -> index(s, 1, 0).put("expireAfterSeconds", -1),
        "spec.collections[1].indexes[0].expireAfterSeconds", "greater than or equal to 0", null));
    c.add(new Case("TTL beyond MongoDB's 32-bit limit", s -> index(s, 1, 0).put("expireAfterSeconds", 2147483648L),
        "spec.collections[1].indexes[0].expireAfterSeconds", "less than or equal to 2147483647", null));
    c.add(new Case("sparse with partialFilterExpression", s -> {
      index(s, 0, 0).put("sparse", true);
      index(s, 0, 0).put("partialFilterExpression", Map.of("post_id", Map.of("$exists", true)));
    }, "spec.collections[0].indexes[0].sparse", "cannot be combined with partialFilterExpression", null));
    c.add(new Case("unique as a string", s -> index(s, 0, 0).put("unique", "yes"),
        "spec.collections[0].indexes[0].unique", "must be of type boolean", null));
    c.add(new Case("collation without locale", s -> map(index(s, 0, 2), "collation").remove("locale"),
        "spec.collections[0].indexes[2].collation.locale", "Required value", null));
    c.add(new Case("blank collation locale", s -> map(index(s, 0, 2), "collation").put("locale", " "),
        "spec.collections[0].indexes[2].collation.locale", "should match", null));
    c.add(new Case("collation strength 6", s -> map(index(s, 0, 2), "collation").put("strength", 6),
        "spec.collections[0].indexes[2].collation.strength", "less than or equal to 5",
        cliSkips("SpecValidator does not check collation strength")));
    c.add(new Case("collation caseFirst not upper, lower or off", s -> map(index(s, 0, 2), "collation").put("caseFirst", "first"),
        "spec.collections[0].indexes[2].collation.caseFirst", "should match",
        cliSkips("SpecValidator does not check collation options")));
    // --- counters
    c.add(new Case("duplicate counter names", s -> counters(s).add(new LinkedHashMap<>(Map.of("name", "post_id"))),
        "spec.counters", "counter names must be unique", null));
    c.add(new Case("same counter name in another counters collection",
        s -> counters(s).add(new LinkedHashMap<>(Map.of("name", "post_id", "collection", "ids"))),
        "spec.counters", "counter names must be unique",
        cliSkips("SpecValidator keys counters by collection and name; status.counters is keyed by name only")));
    c.add(new Case("blank counter name", s -> counter(s, 0).put("name", " "),
        "spec.counters[0].name", "name must not be blank", null));
    c.add(new Case("counter without name", s -> counter(s, 0).remove("name"),
        "spec.counters[0].name", "Required value", null));
    c.add(new Case("counter with an empty collection", s -> counter(s, 0).put("collection", ""),
        "spec.counters[0].collection", "should match", null));
    c.add(new Case("counters in the metadata collection", s -> counter(s, 0).put("collection", "mongosteward"),
        "spec.counters[0].collection", "mongosteward is mongo-steward's own metadata collection", null));
    c.add(new Case("seedFrom without field", s -> map(counter(s, 0), "seedFrom").remove("field"),
        "spec.counters[0].seedFrom.field", "Required value", null));
    c.add(new Case("blank seedFrom field", s -> map(counter(s, 0), "seedFrom").put("field", " "),
        "spec.counters[0].seedFrom.field", "should match", null));
    c.add(new Case("seedFrom collection starting with $", s -> map(counter(s, 0), "seedFrom").put("collection", "$posts"),
        "spec.counters[0].seedFrom.collection", "should match", null));
    c.add(new Case("seedFrom without collection", s -> map(counter(s, 0), "seedFrom").remove("collection"),
        "spec.counters[0].seedFrom.collection", "Required value", null));
    // --- what mongod refuses (SpecValidatorTest has the same rules, and the validator-only ones)
    c.add(new Case("two text indexes in one collection", s -> {
      indexes(s, 0).add(index("t1", key("title", "text")));
      indexes(s, 0).add(index("t2", key("body", "text")));
    }, "spec.collections[0].indexes", "only one text index", null));
    c.add(new Case("unique hashed index", s -> hashed(key(s, 0, 0, 0)),
        "spec.collections[0].indexes[0].unique", "a hashed index cannot be unique", null));
    c.add(new Case("two hashed fields in one index", s -> {
      hashed(key(s, 0, 1, 0));
      hashed(key(s, 0, 1, 1));
    }, "spec.collections[0].indexes[1].keys", "only one hashed field", null));
    c.add(new Case("TTL on _id", s -> key(s, 1, 0, 0).put("field", "_id"),
        "spec.collections[1].indexes[0].expireAfterSeconds", "_id does not support a TTL", null));
    c.add(new Case("text index with a collation", s -> key(s, 0, 2, 0).put("type", "text"),
        "spec.collections[0].indexes[2].collation", "only simple binary comparison", null));
    c.add(new Case("2d index with a collation", s -> key(s, 0, 2, 0).put("type", "2d"),
        "spec.collections[0].indexes[2].collation", "only simple binary comparison", null));
    c.add(new Case("64 indexes in one collection", s -> {
      for (int i = indexes(s, 0).size(); i < 64; i++) {
        indexes(s, 0).add(index("i" + i, key("f" + i, null)));
      }
    }, "spec.collections[0].indexes", "must have at most 63 items", null));
    c.add(new Case("collection name with $ inside", s -> coll(s, 0).put("name", "posts$v2"),
        "spec.collections[0].name", "should match", null));
    c.add(new Case("counters collection with $ inside", s -> counter(s, 0).put("collection", "ids$"),
        "spec.counters[0].collection", "should match", null));
    c.add(new Case("seedFrom collection with $ inside", s -> map(counter(s, 0), "seedFrom").put("collection", "po$ts"),
        "spec.counters[0].seedFrom.collection", "should match", null));
    for (String db : List.of("admin", "Admin", "config", "LOCAL")) {
      c.add(new Case("database " + db, s -> s.put("database", db), "spec.database", "reserved", null));
    }
    c.add(new Case("tab in an index name", s -> index(s, 0, 0).put("name", "by\tid"),
        "spec.collections[0].indexes[0].name", "should match", null));
    c.add(new Case("newline in a collection name", s -> coll(s, 0).put("name", "posts\n"),
        "spec.collections[0].name", "should match", null));
    c.add(new Case("DEL in a counter name", s -> counter(s, 0).put("name", "post\u007fid"),
        "spec.counters[0].name", "should match", null));
    c.add(new Case("order 1.7", s -> key(s, 0, 0, 0).put("order", 1.7),
        "spec.collections[0].indexes[0].keys[0].order", "must be of type integer", null));
    c.add(new Case("expireAfterSeconds 1.5", s -> index(s, 1, 0).put("expireAfterSeconds", 1.5),
        "spec.collections[1].indexes[0].expireAfterSeconds", "must be of type integer", null));
    c.add(new Case("seedFrom.field $where", s -> map(counter(s, 0), "seedFrom").put("field", "$where"),
        "spec.counters[0].seedFrom.field", "should match", null));
    for (String field : List.of("$a", "a.$b", "a..b", ".a", "a.")) {
      c.add(new Case("key field " + field, s -> key(s, 0, 1, 0).put("field", field),
          "spec.collections[0].indexes[1].keys[0].field", "should match", null));
    }
    // --- policies
    c.add(new Case("unknown policy.unmanagedIndexes", s -> map(s, "policy").put("unmanagedIndexes", "Delete"),
        "spec.policy.unmanagedIndexes", "Unsupported value: \"Delete\"", null));
    c.add(new Case("unknown policy.onConflict", s -> map(s, "policy").put("onConflict", "Replace"),
        "spec.policy.onConflict", "Unsupported value: \"Replace\"", null));
    c.add(new Case("paused as a string", s -> map(s, "policy").put("paused", "no"),
        "spec.policy.paused", "must be of type boolean", null));
    c.add(new Case("unknown policy.dropStrategy", s -> map(s, "policy").put("dropStrategy", "Later"),
        "spec.policy.dropStrategy", "Unsupported value: \"Later\"", null));
    c.add(new Case("hiddenFor without a unit", s -> map(s, "policy").put("hiddenFor", "24"),
        "spec.policy.hiddenFor", "hiddenFor must be a duration such as 30m, 24h or 7d", null));
    c.add(new Case("hiddenFor in Go's compound form", s -> map(s, "policy").put("hiddenFor", "1h30m"),
        "spec.policy.hiddenFor", "hiddenFor must be a duration such as 30m, 24h or 7d", null));
    c.add(new Case("hiddenFor zero", s -> map(s, "policy").put("hiddenFor", "0h"),
        "spec.policy.hiddenFor", "hiddenFor must be a duration such as 30m, 24h or 7d", null));
    c.add(new Case("commitQuorum misspelt", s -> map(s, "policy").put("commitQuorum", "Majority"),
        "spec.policy.commitQuorum", "commitQuorum must be votingMembers, majority, or a number of members", null));
    c.add(new Case("commitQuorum above 50 members", s -> map(s, "policy").put("commitQuorum", "51"),
        "spec.policy.commitQuorum", "commitQuorum must be votingMembers, majority, or a number of members", null));
    c.add(new Case("commitQuorum negative", s -> map(s, "policy").put("commitQuorum", "-1"),
        "spec.policy.commitQuorum", "commitQuorum must be votingMembers, majority, or a number of members", null));
    c.add(new Case("reportUnusedAfter in weeks", s -> map(s, "policy").put("reportUnusedAfter", "2w"),
        "spec.policy.reportUnusedAfter", "reportUnusedAfter must be a duration such as 30m, 24h or 7d", null));
    c.add(new Case("unknown deletionPolicy", s -> s.put("deletionPolicy", "Drop"),
        "spec.deletionPolicy", "Unsupported value: \"Drop\"", null));
    return c;
  }

  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void start() {
    client = KubeApi.client();
    namespace = KubeApi.newNamespace(client, "crd-validation");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void theBaseSpecThatTheCasesBreakIsValid() throws Exception {
    Map<String, Object> doc = base("base-valid");
    GenericKubernetesResource created = resources().resource(toResource(doc)).create();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    SchemaFile.parse("base", YAML.writeValueAsString(doc));
  }

  /** Specs next to the refused ones: the API server and the CLI both accept them. */
  private static List<Case> validNeighbours() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("same keys under another collation", s -> {
      indexes(s, 0).add(index("title_fr", key("title", null)));
      index(s, 0, 3).put("collation", new LinkedHashMap<>(Map.of("locale", "fr")));
    }, null, null, null));
    c.add(new Case("one text and one hashed index", s -> {
      indexes(s, 0).add(index("t", key("title", "text")));
      indexes(s, 0).add(index("h", key("author", "hashed")));
    }, null, null, null));
    c.add(new Case("text index with the simple collation", s -> {
      key(s, 0, 2, 0).put("type", "text");
      index(s, 0, 2).put("collation", new LinkedHashMap<>(Map.of("locale", "simple")));
    }, null, null, null));
    c.add(new Case("2dsphere index with a collation", s -> key(s, 0, 2, 0).put("type", "2dsphere"), null, null, null));
    c.add(new Case("63 indexes in one collection", s -> {
      for (int i = indexes(s, 0).size(); i < 63; i++) {
        indexes(s, 0).add(index("i" + i, key("f" + i, null)));
      }
    }, null, null, null));
    // TLS: a client certificate without a CA trusts the JVM's CAs (a public CA); insecureSkipVerify alone.
    c.add(new Case("tls: clientCertSecretRef without caSecretRef", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("clientCertSecretRef", Map.of("name", "mongo-client")))), null, null, null));
    c.add(new Case("tls: insecureSkipVerify alone", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("insecureSkipVerify", true))), null, null, null));
    c.add(new Case("tls: CA, client certificate and insecureSkipVerify false", s -> map(s, "connection").put("tls",
        new LinkedHashMap<>(Map.of("caSecretRef", Map.of("name", "mongo-ca", "key", "ca.pem"),
            "clientCertSecretRef", Map.of("name", "mongo-client"), "insecureSkipVerify", false))), null, null, null));
    c.add(new Case("expireAfterSeconds 0", s -> index(s, 1, 0).put("expireAfterSeconds", 0), null, null, null));
    c.add(new Case("database administration", s -> s.put("database", "administration"), null, null, null));
    c.add(new Case("hide first for 30 minutes, report unused after 7 days", s -> {
      map(s, "policy").put("dropStrategy", "HideFirst");
      map(s, "policy").put("hiddenFor", "30m");
      map(s, "policy").put("reportUnusedAfter", "7d");
    }, null, null, null));
    c.add(new Case("drop immediately", s -> map(s, "policy").put("dropStrategy", "Immediate"), null, null, null));
    c.add(new Case("commitQuorum majority", s -> map(s, "policy").put("commitQuorum", "majority"), null, null, null));
    c.add(new Case("commitQuorum votingMembers", s -> map(s, "policy").put("commitQuorum", "votingMembers"), null, null,
        null));
    c.add(new Case("commitQuorum 0 (no quorum) and 50", s -> map(s, "policy").put("commitQuorum", "0"), null, null,
        null));
    c.add(new Case("commitQuorum 2 members", s -> map(s, "policy").put("commitQuorum", "2"), null, null, null));
    c.add(new Case("dots and $ after the start of a part", s -> {
      coll(s, 0).put("name", "posts.v2");
      key(s, 0, 1, 0).put("field", "meta.a$b");
      map(counter(s, 0), "seedFrom").put("field", "ids.post_id");
    }, null, null, null));
    c.add(new Case("non-ASCII names", s -> {
      index(s, 0, 0).put("name", "clé_é");
      counter(s, 0).put("name", "compteur-é");
    }, null, null, null));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> validNeighboursAreAccepted() {
    List<Case> cases = validNeighbours();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case k = cases.get(i);
      String name = "valid-" + i;
      tests.add(DynamicTest.dynamicTest(k.name(), () -> {
        Map<String, Object> doc = base(name);
        k.mutate().accept(map(doc, "spec"));
        GenericKubernetesResource created = resources().resource(toResource(doc)).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        SchemaFile.parse(name, YAML.writeValueAsString(doc));
      }));
    }
    return tests.stream();
  }

  /**
   * Rules only SpecValidator checks: as CEL they exceed the API server's cost budget (see
   * SpecValidator). The API server accepts these; the CLI and the operator refuse them.
   */
  @Test
  void validatorOnlyRulesPassTheApiServerButNotTheCli() throws Exception {
    Map<String, Object> doc = base("validator-only");
    indexes(map(doc, "spec"), 0).add(index("post_id_again", key("post_id", null)));
    index(map(doc, "spec"), 0, 3).put("unique", true);
    assertThat(resources().resource(toResource(doc)).create().getMetadata().getUid()).isNotBlank();
    assertThatThrownBy(() -> SchemaFile.parse("validator-only", YAML.writeValueAsString(doc)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("spec.collections[0].indexes[3]: has the same keys and options as 'post_id_unique'");
  }

  /**
   * A fraction is refused by both (rows "order 1.7", "expireAfterSeconds 1.5"). A whole number
   * written with a fraction part is where they differ, and this pins the difference down: the
   * API server's `type: integer` takes 60.0 (and stores 60), but a CEL rule that reads the value
   * fails on a double, so `order: 1.0` is refused. The CLI refuses 1.0 everywhere ("expected a
   * whole number, not 1.0"): one rule, and no value is ever changed silently.
   */
  @Test
  void wholeNumbersWrittenWithAFractionPart() throws Exception {
    Map<String, Object> ttl = base("whole-ttl");
    index(map(ttl, "spec"), 1, 0).put("expireAfterSeconds", 60.0);
    GenericKubernetesResource created = resources().resource(toResource(ttl)).create();
    Map<String, Object> stored = map(readYaml(YAML.writeValueAsString(created.getAdditionalProperties())), "spec");
    assertThat(index(stored, 1, 0).get("expireAfterSeconds")).isEqualTo(60);
    assertThatThrownBy(() -> SchemaFile.parse("whole-ttl", YAML.writeValueAsString(ttl)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("spec.collections[1].indexes[0].expireAfterSeconds: expected a whole number, not 60.0");

    Map<String, Object> order = base("whole-order");
    key(map(order, "spec"), 0, 0, 0).put("order", 1.0);
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> resources().resource(toResource(order)).create());
    assertThat(e).as("the API server accepted order: 1.0").isNotNull();
    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getMessage()).contains("spec.collections[0].indexes[0].keys[0]", "expected int, got float64");
    assertThatThrownBy(() -> SchemaFile.parse("whole-order", YAML.writeValueAsString(order)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("spec.collections[0].indexes[0].keys[0].order: expected a whole number, not 1.0");
  }

  @TestFactory
  Stream<DynamicTest> eachInvalidSpecIsRejectedNamingTheField() {
    List<Case> cases = invalidSpecs();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
    assertThat(cases.stream().map(Case::name).distinct().count()).isEqualTo(cases.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case k = cases.get(i);
      String name = "invalid-" + i;
      tests.add(DynamicTest.dynamicTest(k.name(), () -> {
        Map<String, Object> doc = base(name);
        k.mutate().accept(map(doc, "spec"));
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
            () -> resources().resource(toResource(doc)).create());
        assertThat(e).as("%s: the API server accepted it", k.name()).isNotNull();
        assertThat(e.getCode()).as("%s: %s", k.name(), e.getMessage()).isEqualTo(422);
        List<StatusCause> causes = e.getStatus().getDetails().getCauses();
        String all = causes.stream().map(x -> x.getField() + ": " + x.getMessage()).collect(Collectors.joining("\n"));
        assertThat(causes).as("%s: the causes were%n%s", k.name(), all)
            .anySatisfy(cause -> {
              assertThat(cause.getField()).isEqualTo(k.field());
              assertThat(cause.getMessage()).contains(k.problem());
            });
        System.out.println(k.name() + " -> " + e.getStatus().getMessage());
        // What kubectl prints: the field path and the problem in one message.
        assertThat(e.getStatus().getMessage()).contains(k.field() + ": ").contains(k.problem());
        if (k.cliSkipReason() == null) {
          String yaml = YAML.writeValueAsString(doc);
          assertThatThrownBy(() -> SchemaFile.parse(name, yaml))
              .as("%s: the CLI's reader accepted it", k.name())
              .isInstanceOf(InputException.class)
              .hasMessageContaining(k.field());
        }
      }));
    }
    return tests.stream();
  }

  /** kubectl apply validates fields strictly by default: a misspelled field is refused, not dropped. */
  @Test
  void aMisspelledFieldIsRejectedUnderStrictFieldValidation() throws Exception {
    Map<String, Object> doc = base("misspelled");
    index(map(doc, "spec"), 0, 0).put("uniqe", true);
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
        () -> resources().resource(toResource(doc)).fieldValidation(FieldValidateable.Validation.STRICT).create());
    assertThat(e).as("the API server accepted an unknown field").isNotNull();
    assertThat(e.getMessage()).contains("unknown field \"spec.collections[0].indexes[0].uniqe\"");
  }

  @Test
  void theExampleIsAccepted() throws Exception {
    Map<String, Object> doc = readYaml(Files.readString(Path.of("examples", "bot-app.yaml")));
    map(doc, "metadata").remove("namespace");
    GenericKubernetesResource created = resources().resource(toResource(doc)).create();
    assertThat(created.getMetadata().getName()).isEqualTo("bot-app");
    Map<String, Object> spec = map(readYaml(YAML.writeValueAsString(created.getAdditionalProperties())), "spec");
    assertThat(spec.get("database")).isEqualTo("bot");
    assertThat(list(spec, "collections")).hasSize(3);
  }

  @Test
  void crdHasTheShortNameAndPrinterColumns() {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("msch");
    assertThat(client.getApiResources(API_VERSION).getResources())
        .anySatisfy(r -> {
          assertThat(r.getName()).isEqualTo("mongoschemas");
          assertThat(r.getShortNames()).contains("msch");
        });
    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    Map<String, CustomResourceColumnDefinition> byName = columns.stream()
        .collect(Collectors.toMap(CustomResourceColumnDefinition::getName, col -> col));
    assertThat(byName).containsKeys("Ready", "Indexes", "Age");
    assertThat(byName.get("Ready").getJsonPath()).isEqualTo(".status.conditions[?(@.type==\"Ready\")].status");
    assertThat(byName.get("Indexes").getJsonPath()).isEqualTo(".status.indexSummary");
    assertThat(byName.get("Age").getJsonPath()).isEqualTo(".metadata.creationTimestamp");
    assertThat(byName.get("Age").getType()).isEqualTo("date");
    assertThat(columns).filteredOn(col -> col.getPriority() == null || col.getPriority() == 0)
        .extracting(CustomResourceColumnDefinition::getName).containsExactlyInAnyOrder("Ready", "Indexes", "Age");
    // In this order (fabric8's generator alone would sort them by jsonPath: Age, Reason, Ready, Indexes).
    assertThat(columns).extracting(CustomResourceColumnDefinition::getName).containsExactly("Ready", "Indexes", "Reason", "Age");
  }

  @Test
  void printerColumnsShowReadyIndexesReasonAndAgeInThisOrder() throws Exception {
    GenericKubernetesResource created = resources().resource(toResource(base("columns"))).create();
    resources().withName("columns").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), """
        {"status": {"indexSummary": "3/4", "conditions": [{"type": "Ready", "status": "False", "reason": "Reconciling",
          "message": "creating title_en", "lastTransitionTime": "2025-01-01T00:00:00Z", "observedGeneration": 1}]}}""");
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/apis/" + API_VERSION + "/namespaces/"
        + namespace + "/mongoschemas/" + created.getMetadata().getName();
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").build();
    HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    assertThat(response.code()).as(response.body()).isEqualTo(200);
    JsonNode table = new ObjectMapper().readTree(response.body());
    List<String> names = new ArrayList<>();
    table.get("columnDefinitions").forEach(col -> names.add(col.get("name").asText()));
    // kubectl get shows the columns in this order, REASON only with -o wide (priority 1).
    assertThat(names).containsExactly("Name", "Ready", "Indexes", "Reason", "Age");
    List<Integer> priorities = new ArrayList<>();
    table.get("columnDefinitions").forEach(col -> priorities.add(col.path("priority").asInt(0)));
    assertThat(priorities).containsExactly(0, 0, 0, 1, 0);
    JsonNode cells = table.get("rows").get(0).get("cells");
    assertThat(cells.get(names.indexOf("Name")).asText()).isEqualTo("columns");
    assertThat(cells.get(names.indexOf("Ready")).asText()).isEqualTo("False");
    assertThat(cells.get(names.indexOf("Indexes")).asText()).isEqualTo("3/4");
    assertThat(cells.get(names.indexOf("Reason")).asText()).isEqualTo("Reconciling");
    assertThat(cells.get(names.indexOf("Age")).asText()).isNotBlank();
  }

  @Test
  void everySpecPropertyHasADescription() {
    JSONSchemaProps root = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get()
        .getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps spec = root.getProperties().get("spec");
    List<String> seen = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>();
    walk("spec", spec, seen, missing);
    assertThat(seen).as("the walk reached the nested properties").contains(
        "spec.collections[].indexes[].keys[].field", "spec.collections[].indexes[].collation.strength",
        "spec.connection.clientOptions.maxPoolSize", "spec.counters[].seedFrom.field", "spec.policy.onConflict");
    assertThat(missing).as("properties without a description").isEmpty();
  }

  /**
   * Properties outside spec without a description: only the fields of fabric8's standard Condition
   * type, whose meaning is Kubernetes' own. Any other undescribed property fails the test.
   */
  private static final List<String> KNOWN_GAPS_OUTSIDE_SPEC = List.of(
      "status.conditions[].lastTransitionTime", "status.conditions[].message", "status.conditions[].observedGeneration",
      "status.conditions[].reason", "status.conditions[].status", "status.conditions[].type");

  @Test
  void noOtherPropertyLacksADescription() {
    JSONSchemaProps root = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get()
        .getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    TreeSet<String> missing = new TreeSet<>();
    walk("", root, new ArrayList<>(), missing);
    List<String> unexpected = missing.stream().map(p -> p.substring(1))
        .filter(p -> !KNOWN_GAPS_OUTSIDE_SPEC.contains(p)).toList();
    assertThat(unexpected).as("properties without a description").isEmpty();
  }

  /** Every property below {@code path} must have a description; the root itself is not a property. */
  static void walk(String path, JSONSchemaProps schema, List<String> seen, TreeSet<String> missing) {
    if (schema.getProperties() != null) {
      for (var e : schema.getProperties().entrySet()) {
        String p = path + "." + e.getKey();
        seen.add(p);
        if (e.getValue().getDescription() == null || e.getValue().getDescription().isBlank()) {
          missing.add(p);
        }
        walk(p, e.getValue(), seen, missing);
      }
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      walk(path + "[]", schema.getItems().getSchema(), seen, missing);
    }
  }

  // ---------------------------------------------------------------- helpers

  record Case(String name, Consumer<Map<String, Object>> mutate, String field, String problem, String cliSkipReason) {}

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources() {
    return client.genericKubernetesResources(API_VERSION, "MongoSchema").inNamespace(namespace);
  }

  private static Map<String, Object> base(String name) throws Exception {
    Map<String, Object> doc = readYaml(BASE);
    map(doc, "metadata").put("name", name);
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(String yaml) throws Exception {
    return YAML.readValue(yaml, LinkedHashMap.class);
  }

  private static GenericKubernetesResource toResource(Map<String, Object> doc) {
    return new ObjectMapper().convertValue(doc, GenericKubernetesResource.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> m, String key) {
    return (List<Object>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(List<Object> l, int i) {
    return (Map<String, Object>) l.get(i);
  }

  static Map<String, Object> secretRef(Map<String, Object> spec) {
    return map(map(spec, "connection"), "secretRef");
  }

  static Map<String, Object> clientOptions(Map<String, Object> spec) {
    return map(map(spec, "connection"), "clientOptions");
  }

  static Map<String, Object> coll(Map<String, Object> spec, int c) {
    return at(list(spec, "collections"), c);
  }

  static Map<String, Object> index(Map<String, Object> spec, int c, int i) {
    return at(list(coll(spec, c), "indexes"), i);
  }

  static Map<String, Object> key(Map<String, Object> spec, int c, int i, int k) {
    return at(list(index(spec, c, i), "keys"), k);
  }

  static List<Object> indexes(Map<String, Object> spec, int c) {
    return list(coll(spec, c), "indexes");
  }

  /** A new index with these keys. */
  @SafeVarargs
  static Map<String, Object> index(String name, Map<String, Object>... keys) {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("name", name);
    index.put("keys", new ArrayList<>(List.of(keys)));
    return index;
  }

  /** A new key: ascending when type is null. */
  static Map<String, Object> key(String field, String type) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("field", field);
    if (type != null) {
      key.put("type", type);
    }
    return key;
  }

  static void hashed(Map<String, Object> key) {
    key.remove("order");
    key.put("type", "hashed");
  }

  static List<Object> counters(Map<String, Object> spec) {
    return list(spec, "counters");
  }

  static Map<String, Object> counter(Map<String, Object> spec, int i) {
    return at(counters(spec), i);
  }
}
