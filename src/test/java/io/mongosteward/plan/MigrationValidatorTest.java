package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule of a MongoMigration, refused with its field path; and specs that must pass. */
class MigrationValidatorTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<Violation> validate(String yaml) throws Exception {
    return new MigrationValidator().validate(YAML.readValue(yaml, MongoMigrationSpec.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "both connection and schemaRef | {connection: {secretRef: {name: m}}, schemaRef: {name: s}, database: d, collection: c, deduplicate: {keys: [a]}} | spec.schemaRef | not both",
      "no database without schemaRef | {connection: {secretRef: {name: m}}, collection: c, deduplicate: {keys: [a]}} | spec.database | unless schemaRef",
      "reserved database | {connection: {secretRef: {name: m}}, database: Admin, collection: c, deduplicate: {keys: [a]}} | spec.database | reserved",
      "no collection | {connection: {secretRef: {name: m}}, database: d, deduplicate: {keys: [a]}} | spec.collection | required",
      "$ in the collection | {connection: {secretRef: {name: m}}, database: d, collection: 'a$b', deduplicate: {keys: [a]}} | spec.collection | must not contain $",
      "the metadata collection | {connection: {secretRef: {name: m}}, database: d, collection: mongosteward, deduplicate: {keys: [a]}} | spec.collection | metadata collection",
      "neither kind | {connection: {secretRef: {name: m}}, database: d, collection: c} | spec | exactly one of deduplicate and backfill",
      "both kinds | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, backfill: {source: a, target: b}} | spec | exactly one",
      "no keys | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: []}} | spec.deduplicate.keys | at least one",
      "a key starting with $ | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: ['$where']}} | spec.deduplicate.keys[0] | not a field path",
      "a key listed twice | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a, a]}} | spec.deduplicate.keys[1] | listed twice",
      "an empty part in keepBy | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a], keepBy: 'a..b'}} | spec.deduplicate.keepBy | not a field path",
      "archive into itself | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a], archiveCollection: c}} | spec.deduplicate.archiveCollection | must differ",
      "target equals source | {connection: {secretRef: {name: m}}, database: d, collection: c, backfill: {source: a, target: a}} | spec.backfill.target | must differ",
      "target _id | {connection: {secretRef: {name: m}}, database: d, collection: c, backfill: {source: a, target: _id}} | spec.backfill.target | _id cannot",
      "source with $ | {connection: {secretRef: {name: m}}, database: d, collection: c, backfill: {source: 'a.$b', target: b}} | spec.backfill.source | not a field path",
      "batch too large | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, batchSize: 10001} | spec.batchSize | 1 to 10,000",
      "batch zero | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, batchSize: 0} | spec.batchSize | 1 to 10,000",
      "rate zero | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, maxDocumentsPerSecond: 0} | spec.maxDocumentsPerSecond | from 1 to 1,000,000",
      "rate beyond the throttle | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, maxDocumentsPerSecond: 2147483647} | spec.maxDocumentsPerSecond | from 1 to 1,000,000",
      "empty rerun | {connection: {secretRef: {name: m}}, database: d, collection: c, deduplicate: {keys: [a]}, rerun: ''} | spec.rerun | 1 to 63 characters",
      "client options | {connection: {secretRef: {name: m}, clientOptions: {timeoutMS: 0}}, database: d, collection: c, deduplicate: {keys: [a]}} | spec.connection.clientOptions.timeoutMS | at least 1",
  })
  void refusedNamingTheField(String what, String yaml, String path, String message) throws Exception {
    assertThat(validate(yaml)).as(what).anySatisfy(v -> {
      assertThat(v.path()).isEqualTo(path);
      assertThat(v.message()).contains(message);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{connection: {secretRef: {name: m}}, database: d, collection: posts, deduplicate: {keys: [post_id]}}",
      "{schemaRef: {name: bot-app}, collection: posts, deduplicate: {keys: [channel, post_id], keep: Newest, keepBy: created_at, archiveCollection: posts_dups}}",
      "{connection: {secretRef: {name: m}}, database: d, collection: posts, deduplicate: {keys: [post_id]}, rerun: '2026-11-27'}",
      "{schemaRef: {name: bot-app}, collection: posts, backfill: {source: message_link, target: message_link_norm, transforms: [NormalizeUrl, Lowercase]}, batchSize: 10000, maxDocumentsPerSecond: 1}",
  })
  void validSpecsPass(String yaml) throws Exception {
    assertThat(validate(yaml)).isEmpty();
  }
}
