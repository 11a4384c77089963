package io.mongosteward.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The planner against listIndexes entries as MongoDB 4.4 to 8.0 document and return them
 * (extended JSON as printed by mongosh), including their type variations.
 */
class PlannerTest {
  private final Planner planner = new Planner();

  static ObservedState observed(String collection, String... listIndexesEntries) {
    List<IndexDefinition> defs = Arrays.stream(listIndexesEntries)
        .map(json -> IndexDefinitions.fromListIndexes(Document.parse(json))).toList();
    return new ObservedState(Map.of(collection, defs), Map.of());
  }

  static final String ID = "{v: 2, key: {_id: 1}, name: '_id_'}";

  static List<String> types(Plan plan) {
    return plan.actions().stream().map(a -> a.type() + " " + a.collection() + "." + a.name()).toList();
  }

  @Test
  void emptyDatabaseGetsEveryIndexInSpecOrder() {
    var spec = Specs.spec("""
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: post_id_unique, keys: [{field: post_id}], unique: true}
              - {name: channel_created, keys: [{field: channel}, {field: created_at, order: -1}]}
        """);
    Plan plan = planner.plan(spec, new ObservedState(Map.of(), Map.of()));
    assertThat(types(plan)).containsExactly("CreateIndex posts.post_id_unique", "CreateIndex posts.channel_created");
    var create = (Action.CreateIndex) plan.actions().get(1);
    assertThat(IndexDefinitions.toCreateDocument(create.index()).toJson())
        .isEqualTo("{\"key\": {\"channel\": 1, \"created_at\": -1}, \"name\": \"channel_created\"}");
  }

  @Test
  void createDocumentCarriesEveryOption() {
    var spec = Specs.spec("""
        database: bot
        collections:
          - name: users
            indexes:
              - name: email_active
                keys: [{field: email}]
                unique: true
                partialFilterExpression: {active: {$eq: true}}
                collation: {locale: en, strength: 2}
                hidden: true
              - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 3600, sparse: true}
        """);
    Plan plan = planner.plan(spec, new ObservedState(Map.of(), Map.of()));
    assertThat(plan.actions()).hasSize(2);
    assertThat(IndexDefinitions.toCreateDocument(((Action.CreateIndex) plan.actions().get(0)).index()).toJson())
        .isEqualTo("{\"key\": {\"email\": 1}, \"name\": \"email_active\", \"unique\": true, "
            + "\"partialFilterExpression\": {\"active\": {\"$eq\": true}}, "
            + "\"collation\": {\"locale\": \"en\", \"strength\": 2}, \"hidden\": true}");
    assertThat(IndexDefinitions.toCreateDocument(((Action.CreateIndex) plan.actions().get(1)).index()).toJson())
        .isEqualTo("{\"key\": {\"ts\": 1}, \"name\": \"ts_ttl\", \"sparse\": true, \"expireAfterSeconds\": 3600}");
  }

  @Test
  void specialKeyTypesGoIntoTheKeyDocument() {
    var spec = Specs.spec("""
        database: geo
        collections:
          - name: places
            indexes:
              - {name: loc_2dsphere, keys: [{field: loc, type: 2dsphere}]}
              - {name: uid_hashed, keys: [{field: uid, type: hashed}]}
              - {name: grid, keys: [{field: xy, type: 2d}]}
              - {name: text, keys: [{field: title, type: text}, {field: body, type: text}]}
        """);
    Plan plan = planner.plan(spec, new ObservedState(Map.of(), Map.of()));
    assertThat(plan.actions()).extracting(a -> IndexDefinitions.toCreateDocument(((Action.CreateIndex) a).index())
        .get("key", Document.class).toJson()).containsExactly("{\"loc\": \"2dsphere\"}", "{\"uid\": \"hashed\"}",
        "{\"xy\": \"2d\"}", "{\"title\": \"text\", \"body\": \"text\"}");
  }

  @Nested
  class TypeVariationsCompareEqual {
    // 5.0+: no ns. 4.4: ns. Shell-created: 1 (Int32). Some drivers: 1.0 (Double) or NumberLong.
    @ParameterizedTest
    @ValueSource(strings = {
        "{v: 2, key: {post_id: 1}, name: 'post_id_unique', unique: true}",
        "{v: 2, key: {post_id: 1.0}, name: 'post_id_unique', unique: true, ns: 'bot.posts'}",
        "{v: 2, key: {post_id: {$numberLong: '1'}}, name: 'post_id_unique', unique: true}",
        "{v: 1, key: {post_id: {$numberDouble: '1'}}, name: 'post_id_unique', unique: true, sparse: false}",
        "{v: 2, key: {post_id: {$numberDecimal: '1'}}, name: 'post_id_unique', unique: true, hidden: false}",
    })
    void ascendingKeyAndFalseOptions(String entry) {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: post_id_unique, keys: [{field: post_id, order: 1}], unique: true}
          """);
      assertThat(planner.plan(spec, observed("posts", ID, entry)).actions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{v: 2, key: {ts: 1}, name: 'ts_ttl', expireAfterSeconds: 604800}",
        "{v: 2, key: {ts: 1}, name: 'ts_ttl', expireAfterSeconds: {$numberLong: '604800'}}",
        "{v: 2, key: {ts: 1}, name: 'ts_ttl', expireAfterSeconds: 604800.0}",
    })
    void ttlAsInt32Int64OrDouble(String entry) {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: events
              indexes:
                - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 604800}
          """);
      assertThat(planner.plan(spec, observed("events", ID, entry)).actions()).isEmpty();
    }

    @Test
    void descendingCompoundKeysInOrder() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: cc, keys: [{field: channel}, {field: created_at, order: -1}]}
          """);
      assertThat(planner.plan(spec, observed("posts", ID,
          "{v: 2, key: {channel: 1, created_at: {$numberLong: '-1'}}, name: 'cc'}")).actions()).isEmpty();
    }

    @Test
    void serverFilledCollationMatchesTheFieldsTheSpecSets() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: name_ci, keys: [{field: name}], collation: {locale: en, strength: 2}}
          """);
      String full = "{v: 2, key: {name: 1}, name: 'name_ci', collation: {locale: 'en', caseLevel: false, "
          + "caseFirst: 'off', strength: 2, numericOrdering: false, alternate: 'non-ignorable', maxVariable: 'punct', "
          + "normalization: false, backwards: false, version: '57.1'}}";
      assertThat(planner.plan(spec, observed("users", ID, full)).actions()).isEmpty();
      String otherStrength = full.replace("strength: 2", "strength: 3");
      assertThat(types(planner.plan(spec, observed("users", ID, otherStrength)))).containsExactly("Conflict users.name_ci");
    }

    @Test
    void partialFilterComparesByValueNotTypeOrKeyOrder() {
      var spec = Specs.spec("""
          database: shop
          collections:
            - name: orders
              indexes:
                - name: open_big
                  keys: [{field: customer}]
                  partialFilterExpression: {status: open, qty: {$gt: 5}}
          """);
      String observed = "{v: 2, key: {customer: 1}, name: 'open_big', "
          + "partialFilterExpression: {qty: {$gt: {$numberLong: '5'}}, status: 'open'}}";
      assertThat(planner.plan(spec, observed("orders", ID, observed)).actions()).isEmpty();
    }

    @Test
    void textIndexIsReadBackFromItsWeights() {
      var spec = Specs.spec("""
          database: blog
          collections:
            - name: articles
              indexes:
                - {name: search, keys: [{field: title, type: text}, {field: body, type: text}]}
          """);
      String entry = "{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'search', weights: {body: 1, title: 1}, "
          + "default_language: 'english', language_override: 'language', textIndexVersion: 3}";
      assertThat(planner.plan(spec, observed("articles", ID, entry)).actions()).isEmpty();
    }

    @Test
    void geoAndHashedWithServerVersionFields() {
      var spec = Specs.spec("""
          database: geo
          collections:
            - name: places
              indexes:
                - {name: loc_2dsphere, keys: [{field: loc, type: 2dsphere}]}
                - {name: uid_hashed, keys: [{field: uid, type: hashed}]}
          """);
      assertThat(planner.plan(spec, observed("places", ID,
          "{v: 2, key: {loc: '2dsphere'}, name: 'loc_2dsphere', '2dsphereIndexVersion': 3}",
          "{v: 2, key: {uid: 'hashed'}, name: 'uid_hashed'}")).actions()).isEmpty();
    }
  }

  @Nested
  class Changes {
    static final String SPEC_TTL = """
        database: bot
        collections:
          - name: events
            indexes:
              - {name: ts_ttl, keys: [{field: ts}], expireAfterSeconds: 3600}
        """;

    @Test
    void changedTtlIsACollModNeverARebuild() {
      Plan plan = new Planner().plan(Specs.spec(SPEC_TTL),
          observed("events", ID, "{v: 2, key: {ts: 1}, name: 'ts_ttl', expireAfterSeconds: 604800}"));
      assertThat(types(plan)).containsExactly("ModifyIndex events.ts_ttl");
      var modify = (Action.ModifyIndex) plan.actions().get(0);
      assertThat(modify.changes()).extracting(IndexDefinition.Difference::property).containsExactly("expireAfterSeconds");
      assertThat(modify.detail()).contains("604800 -> 3600");
    }

    @Test
    void ttlAddedToAPlainSingleFieldIndexIsACollMod() {
      Plan plan = new Planner().plan(Specs.spec(SPEC_TTL), observed("events", ID, "{v: 2, key: {ts: 1}, name: 'ts_ttl'}"));
      assertThat(types(plan)).containsExactly("ModifyIndex events.ts_ttl");
    }

    @Test
    void ttlRemovedCannotBeDoneInPlace() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: events
              indexes:
                - {name: ts_ttl, keys: [{field: ts}]}
          """);
      Plan plan = planner.plan(spec, observed("events", ID, "{v: 2, key: {ts: 1}, name: 'ts_ttl', expireAfterSeconds: 60}"));
      assertThat(types(plan)).containsExactly("Conflict events.ts_ttl");
    }

    @Test
    void hiddenFlagIsACollMod() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: a_1, keys: [{field: a}], hidden: true}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {a: 1}, name: 'a_1'}"));
      assertThat(types(plan)).containsExactly("ModifyIndex posts.a_1");
      Plan unhide = planner.plan(Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: a_1, keys: [{field: a}]}
          """), observed("posts", ID, "{v: 2, key: {a: 1}, name: 'a_1', hidden: true}"));
      assertThat(types(unhide)).containsExactly("ModifyIndex posts.a_1");
    }

    @Test
    void sameNameOtherKeysIsAConflictUnderReport() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: cc, keys: [{field: created_at, order: -1}, {field: channel}]}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {channel: 1, created_at: -1}, name: 'cc'}"));
      assertThat(types(plan)).containsExactly("Conflict posts.cc");
      assertThat(plan.hasChanges()).isFalse();
      assertThat(plan.actions().get(0).detail()).contains("keys").contains("onConflict: Recreate");
    }

    @Test
    void sameNameOtherOptionsIsARebuildUnderRecreateThatSaysUniquenessIsNotEnforcedMeanwhile() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: post_id_1, keys: [{field: post_id}], unique: true, sparse: true}
          policy: {onConflict: Recreate}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {post_id: 1}, name: 'post_id_1', unique: true}"));
      assertThat(types(plan)).containsExactly("RecreateIndex posts.post_id_1");
      assertThat(plan.actions().get(0).detail()).contains("sparse").contains("uniqueness is NOT enforced while it rebuilds");
    }

    @Test
    void aRebuildOfANonUniqueIndexSaysNothingAboutUniqueness() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: a_1, keys: [{field: a}], sparse: true}
          policy: {onConflict: Recreate}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {a: 1}, name: 'a_1'}"));
      assertThat(plan.actions().get(0).detail()).doesNotContain("uniqueness");
    }

    @Test
    void makingAnIndexUniqueIsInPlaceUnderEitherPolicy() {
      // collMod prepareUnique, then unique (MongoDB 6.0+): no rebuild, no window without the constraint.
      for (String policy : List.of("Report", "Recreate")) {
        var spec = Specs.spec("""
            database: bot
            collections:
              - name: posts
                indexes:
                  - {name: post_id_1, keys: [{field: post_id}], unique: true}
            policy: {onConflict: %s}
            """.formatted(policy));
        Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {post_id: 1}, name: 'post_id_1'}"));
        assertThat(types(plan)).as(policy).containsExactly("ModifyIndex posts.post_id_1");
        assertThat(((Action.ModifyIndex) plan.actions().get(0)).changes()).extracting(IndexDefinition.Difference::property)
            .containsExactly("unique");
      }
    }

    @Test
    void makingAUniqueIndexNonUniqueIsNotInPlace() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: post_id_1, keys: [{field: post_id}]}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {post_id: 1}, name: 'post_id_1', unique: true}"));
      assertThat(types(plan)).containsExactly("Conflict posts.post_id_1");
    }

    @Test
    void sameKeysAndOptionsUnderAnotherNameIsPresentAndReported() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: post_id_unique, keys: [{field: post_id}], unique: true}
          policy: {unmanagedIndexes: Drop}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {post_id: 1}, name: 'post_id_1', unique: true}"));
      assertThat(types(plan)).containsExactly("NameMismatch posts.post_id_unique");
      assertThat(plan.hasChanges()).isFalse();
      assertThat(plan.actions().get(0).detail()).contains("post_id_1");
    }

    @Test
    void undeclaredIndexesAreReportedOrDroppedButNeverId() {
      String body = """
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: a_1, keys: [{field: a}]}
          """;
      ObservedState seen = observed("posts", ID, "{v: 2, key: {a: 1}, name: 'a_1'}", "{v: 2, key: {legacy: 1}, name: 'legacy_1'}");
      assertThat(types(planner.plan(Specs.spec(body), seen))).containsExactly("Unmanaged posts.legacy_1");
      Plan drop = planner.plan(Specs.spec(body + "policy: {unmanagedIndexes: Drop}\n"), seen);
      assertThat(types(drop)).containsExactly("DropIndex posts.legacy_1");
    }

    @Test
    void aReplacedIndexIsDroppedOnlyAfterItsReplacementIsBuilt() {
      // Renamed with another collation: the new unique index can stand beside the old one, so it
      // is built first, and the old one goes after: uniqueness holds throughout.
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_ci_unique, keys: [{field: email}], unique: true, collation: {locale: en, strength: 2}}
          policy: {unmanagedIndexes: Drop}
          """);
      Plan plan = planner.plan(spec, observed("users", ID, "{v: 2, key: {email: 1}, name: 'email_1', unique: true}"));
      assertThat(types(plan)).containsExactly("CreateIndex users.email_ci_unique", "DropIndex users.email_1");
      Action.DropIndex drop = (Action.DropIndex) plan.actions().get(1);
      assertThat(drop.afterCreates()).isTrue();
      assertThat(drop.detail()).contains("after the new indexes exist");
    }

    @Test
    void anIndexWhoseKeyPatternTheNewOneNeedsIsDroppedFirstAndTheDetailSaysUniquenessLapses() {
      // Same keys, collation, partial filter, unique and sparse under another name: mongod refuses
      // the two side by side (85), so the old one must go first.
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_unique, keys: [{field: email}], unique: true, hidden: true}
          policy: {unmanagedIndexes: Drop}
          """);
      Plan plan = planner.plan(spec, observed("users", ID, "{v: 2, key: {email: 1}, name: 'email_1', unique: true}"));
      assertThat(types(plan)).containsExactly("DropIndex users.email_1", "CreateIndex users.email_unique");
      Action.DropIndex drop = (Action.DropIndex) plan.actions().get(0);
      assertThat(drop.afterCreates()).isFalse();
      assertThat(drop.detail()).contains("before email_unique can be built").contains("uniqueness is NOT enforced");
    }

    @Test
    void aSecondTextIndexReplacesTheFirstAfterItIsDropped() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes:
                - {name: body_text, keys: [{field: body, type: text}]}
          policy: {unmanagedIndexes: Drop}
          """);
      Plan plan = planner.plan(spec, observed("posts", ID, "{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'title_text', "
          + "weights: {title: 1}, default_language: 'english', language_override: 'language', textIndexVersion: 3}"));
      assertThat(types(plan)).containsExactly("DropIndex posts.title_text", "CreateIndex posts.body_text");
    }

    @Test
    void collectionsNotInTheSpecAreNeverTouched() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: posts
              indexes: []
          policy: {unmanagedIndexes: Drop}
          """);
      ObservedState seen = new ObservedState(Map.of("other", List.of(IndexDefinitions.fromListIndexes(
          Document.parse("{v: 2, key: {x: 1}, name: 'x_1'}")))), Map.of());
      assertThat(planner.plan(spec, seen).actions()).isEmpty();
    }
  }

  @Nested
  class Counters {
    static final String SPEC = """
        database: bot
        counters:
          - name: post_id
            seedFrom: {collection: posts, field: post_id}
        """;

    private Plan plan(Long seq, Long max) {
      return planner.plan(Specs.spec(SPEC), new ObservedState(Map.of(),
          Map.of("post_id", new CounterObservation("counters", "post_id", seq, max, "posts.post_id"))));
    }

    @Test
    void missingCounterIsSeededFromTheMax() {
      Plan p = plan(null, 18231L);
      assertThat(types(p)).containsExactly("SeedCounter counters.post_id");
      assertThat(((Action.SeedCounter) p.actions().get(0)).target()).isEqualTo(18231L);
    }

    @Test
    void missingCounterOnEmptyCollectionStartsAtZero() {
      assertThat(((Action.SeedCounter) plan(null, null).actions().get(0)).target()).isZero();
    }

    @Test
    void counterBelowTheMaxIsRaised() {
      assertThat(((Action.SeedCounter) plan(100L, 18231L).actions().get(0)).current()).isEqualTo(100L);
    }

    @Test
    void counterAtOrAboveTheMaxIsLeftAlone() {
      assertThat(plan(18231L, 18231L).actions()).isEmpty();
      assertThat(plan(20000L, 18231L).actions()).isEmpty();
    }
  }
}
