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
          policy: {onConflict: Recreate, dropStrategy: Immediate}
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
          policy: {onConflict: Recreate, dropStrategy: Immediate}
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
            policy: {onConflict: %s, dropStrategy: Immediate}
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
          policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
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
      Plan drop = planner.plan(Specs.spec(body + "policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}\n"), seen);
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
          policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
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
      // the two side by side (85), so the old one must go first. (Hidden alone differing would make
      // it the declared index's twin, unhidden or hidden in place: HideFirstPlannerTest.)
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_unique, keys: [{field: email}], unique: true, expireAfterSeconds: 3600}
          policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
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
          policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
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
          policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
          """);
      ObservedState seen = new ObservedState(Map.of("other", List.of(IndexDefinitions.fromListIndexes(
          Document.parse("{v: 2, key: {x: 1}, name: 'x_1'}")))), Map.of());
      assertThat(planner.plan(spec, seen).actions()).isEmpty();
    }
  }

  /**
   * Collations and type options as real mongod stores them (5.0 to 8.0), where the stand-ins differ.
   * Sources: https://www.mongodb.com/docs/manual/reference/collation/#collation-and-index-use and
   * the server's index_key_validate.cpp (a simple collation is stored as none; an index declared
   * without one inherits the collection's default, every field filled in).
   */
  @Nested
  class MongodRules {
    /** listIndexes of a collection created with {locale: "fr_CA"}: the _id index carries the default. */
    static final String FR_CA = "{locale: 'fr_CA', caseLevel: false, caseFirst: 'off', strength: 3, "
        + "numericOrdering: false, alternate: 'non-ignorable', maxVariable: 'punct', normalization: false, "
        + "backwards: true, version: '57.1'}";
    static final String ID_FR_CA = "{v: 2, key: {_id: 1}, name: '_id_', collation: " + FR_CA + "}";

    /** What CatalogReader builds: indexes, and the default collation read off the _id index. */
    ObservedState withDefault(String collection, String... entries) {
      List<IndexDefinition> defs = Arrays.stream(entries).map(j -> IndexDefinitions.fromListIndexes(Document.parse(j)))
          .toList();
      Map<String, Object> collation = DefaultCollation.fromIdIndex(Document.parse(entries[0]));
      return new ObservedState(Map.of(collection, defs), collation == null ? Map.of() : Map.of(collection, collation),
          Map.of(), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Report", "Recreate"})
    void simpleCollationIsStoredAsNoneAndMatches(String policy) {
      // Before: {locale: simple} never matched what mongod lists, so Recreate rebuilt it every pass.
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_unique, keys: [{field: email}], unique: true, collation: {locale: simple}}
          policy: {onConflict: %s, dropStrategy: Immediate}
          """.formatted(policy));
      assertThat(planner.plan(spec, observed("users", ID, "{v: 2, key: {email: 1}, name: 'email_unique', unique: true}"))
          .actions()).isEmpty();
      // On a collection with a default collation too: simple is still stored as none.
      assertThat(planner.plan(spec, withDefault("users", ID_FR_CA,
          "{v: 2, key: {email: 1}, name: 'email_unique', unique: true}")).actions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Report", "Recreate"})
    void anIndexWithoutCollationOnACollectionWithADefaultInheritsItAndMatches(String policy) {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_unique, keys: [{field: email}], unique: true}
          policy: {onConflict: %s, dropStrategy: Immediate}
          """.formatted(policy));
      String inherited = "{v: 2, key: {email: 1}, name: 'email_unique', unique: true, collation: " + FR_CA + "}";
      assertThat(planner.plan(spec, withDefault("users", ID_FR_CA, inherited)).actions()).isEmpty();
      // The same index on a collection without a default is another index: it compares strings differently.
      assertThat(types(planner.plan(spec, observed("users", ID, inherited))))
          .containsExactly(policy.equals("Report") ? "Conflict users.email_unique" : "RecreateIndex users.email_unique");
    }

    @Test
    void anIndexCreatedSimpleOnACollectionWithADefaultDoesNotMatchAnUnsetCollation() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: email_unique, keys: [{field: email}], unique: true}
          """);
      Plan plan = planner.plan(spec, withDefault("users", ID_FR_CA,
          "{v: 2, key: {email: 1}, name: 'email_unique', unique: true}"));
      assertThat(types(plan)).containsExactly("Conflict users.email_unique");
      assertThat(plan.actions().get(0).detail()).contains("collation");
    }

    @Test
    void aPartlyDeclaredCollationMatchesTheLocaleDefaultsTheServerFillsIn() {
      var spec = Specs.spec("""
          database: bot
          collections:
            - name: users
              indexes:
                - {name: name_fr, keys: [{field: name}], collation: {locale: fr_CA}}
          """);
      assertThat(planner.plan(spec, observed("users", ID, "{v: 2, key: {name: 1}, name: 'name_fr', collation: "
          + FR_CA + "}")).actions()).isEmpty();
      assertThat(types(planner.plan(spec, observed("users", ID, "{v: 2, key: {name: 1}, name: 'name_fr'}"))))
          .containsExactly("Conflict users.name_fr");
    }

    @Test
    void theDefaultCollationComesFromTheIdIndexOrListCollections() {
      assertThat(DefaultCollation.fromIdIndex(Document.parse(ID))).isNull();
      assertThat(DefaultCollation.fromIdIndex(Document.parse(ID_FR_CA))).containsEntry("locale", "fr_CA")
          .containsEntry("strength", new java.math.BigDecimal("3"));
      // listCollections: options.collation, and nothing for a simple collection.
      assertThat(DefaultCollation.fromListCollections(Document.parse("{name: 'users', type: 'collection', options: "
          + "{collation: " + FR_CA + "}, info: {readOnly: false}}"))).containsEntry("locale", "fr_CA");
      assertThat(DefaultCollation.fromListCollections(Document.parse("{name: 'users', type: 'collection', options: {}}")))
          .isNull();
      assertThat(DefaultCollation.fromListCollections(null)).isNull();
    }

    @Test
    void aTextIndexOnACollectionWithADefaultIsCreatedWithTheSimpleCollation() {
      // mongod refuses a text index that would inherit a non-simple default (code 67).
      var spec = Specs.spec("""
          database: blog
          collections:
            - name: articles
              indexes:
                - {name: search, keys: [{field: title, type: text}]}
          """);
      Plan plan = planner.plan(spec, withDefault("articles", ID_FR_CA));
      assertThat(IndexDefinitions.toCreateDocument(((Action.CreateIndex) plan.actions().get(0)).index()).toJson())
          .contains("\"collation\": {\"locale\": \"simple\"}");
      // And matches the index so built, which lists no collation.
      String built = "{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'search', weights: {title: 1}, "
          + "default_language: 'english', language_override: 'language', textIndexVersion: 3}";
      assertThat(planner.plan(spec, withDefault("articles", ID_FR_CA, built)).actions()).isEmpty();
      assertThat(planner.plan(spec, observed("articles", ID, built)).actions()).isEmpty();
    }

    @Test
    void textIndexWeightsAndLanguagesAreCompared() {
      var spec = Specs.spec("""
          database: blog
          collections:
            - name: articles
              indexes:
                - {name: search, keys: [{field: title, type: text}, {field: body, type: text}]}
          """);
      String entry = "{v: 2, key: {_fts: 'text', _ftsx: 1}, name: 'search', weights: {body: 1, title: 1}, "
          + "default_language: 'english', language_override: 'language', textIndexVersion: 3}";
      // textIndexVersion 2 or 3 is bookkeeping.
      assertThat(planner.plan(spec, observed("articles", ID, entry.replace("textIndexVersion: 3", "textIndexVersion: 2")))
          .actions()).isEmpty();
      assertThat(planner.plan(spec, observed("articles", ID, entry.replace("title: 1", "title: 10"))).actions())
          .extracting(Action::detail).singleElement().asString().contains("weights");
      assertThat(planner.plan(spec, observed("articles", ID, entry.replace("'english'", "'spanish'"))).actions())
          .extracting(Action::detail).singleElement().asString().contains("default_language");
      assertThat(planner.plan(spec, observed("articles", ID, entry.replace("'language'", "'lang'"))).actions())
          .extracting(Action::detail).singleElement().asString().contains("language_override");
    }

    @Test
    void sparseMeansNothingOnTextAnd2dsphereIndexes() {
      // They are always sparse; mongod lists no sparse field for them.
      var spec = Specs.spec("""
          database: geo
          collections:
            - name: places
              indexes:
                - {name: loc, keys: [{field: loc, type: 2dsphere}], sparse: true}
          """);
      assertThat(planner.plan(spec, observed("places", ID, "{v: 2, key: {loc: '2dsphere'}, name: 'loc', "
          + "'2dsphereIndexVersion': 3}")).actions()).isEmpty();
    }

    @Test
    void a2dIndexWithOtherBoundsIsAnotherIndex() {
      var spec = Specs.spec("""
          database: geo
          collections:
            - name: grid
              indexes:
                - {name: xy, keys: [{field: xy, type: 2d}]}
          """);
      assertThat(planner.plan(spec, observed("grid", ID, "{v: 2, key: {xy: '2d'}, name: 'xy'}")).actions()).isEmpty();
      assertThat(planner.plan(spec, observed("grid", ID, "{v: 2, key: {xy: '2d'}, name: 'xy', bits: 26, min: -180.0, "
          + "max: 180.0}")).actions()).isEmpty();
      assertThat(types(planner.plan(spec, observed("grid", ID, "{v: 2, key: {xy: '2d'}, name: 'xy', min: 0, max: 1000}"))))
          .containsExactly("Conflict grid.xy");
    }
  }

  /** Which schema manages what, from the records of the metadata collection. */
  @Nested
  class Ownership {
    final Owner me = new Owner("bots", "bot-app", "uid-1");
    final String body = """
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: a_1, keys: [{field: a}]}
        counters:
          - {name: post_id}
        policy: {unmanagedIndexes: Drop, dropStrategy: Immediate}
        """;

    ObservedState state(ManagedRecord... records) {
      Map<String, ManagedRecord> byId = new java.util.HashMap<>();
      for (ManagedRecord r : records) byId.put(r.id(), r);
      return new ObservedState(Map.of("posts", List.of(IndexDefinitions.fromListIndexes(Document.parse(ID)),
          IndexDefinitions.fromListIndexes(Document.parse("{v: 2, key: {legacy: 1}, name: 'legacy_1'}")))), Map.of(),
          Map.of("post_id", new CounterObservation("counters", "post_id", 5L, null, null)), byId);
    }

    @Test
    void unclaimedCollectionsAndCountersAreClaimedFirst() {
      Plan plan = planner.plan(Specs.spec(body), state(), me);
      assertThat(types(plan)).containsExactly("Claim posts.", "CreateIndex posts.a_1", "DropIndex posts.legacy_1",
          "Claim counters.post_id");
      assertThat(((Action.Claim) plan.actions().get(0)).recordId()).isEqualTo("collection:posts");
      assertThat(((Action.Claim) plan.actions().get(3)).recordId()).isEqualTo("counter:counters$post_id");
    }

    @Test
    void aCollectionAnotherSchemaManagesIsReportedAndLeftAlone() {
      Owner other = new Owner("shop", "orders", "uid-9");
      Plan plan = planner.plan(Specs.spec(body), state(new ManagedRecord("collection:posts", other, List.of()),
          new ManagedRecord("counter:counters$post_id", other, List.of())), me);
      assertThat(types(plan)).containsExactly("ManagedElsewhere posts.", "ManagedElsewhere counters.post_id");
      assertThat(plan.actions().get(0).detail()).contains("shop/orders");
      assertThat(plan.hasChanges()).isFalse();
    }

    @Test
    void theSameNameWithAnotherUidIsAnotherObject() {
      Plan plan = planner.plan(Specs.spec(body), state(new ManagedRecord("collection:posts",
          new Owner("bots", "bot-app", "uid-old"), List.of())), me);
      assertThat(types(plan)).startsWith("ManagedElsewhere posts.");
    }

    @Test
    void aRecordTheCliWroteIsStampedWithTheUidAndTheCliActsAsItsSchema() {
      Owner cli = new Owner("bots", "bot-app", null);
      ObservedState byCli = state(new ManagedRecord("collection:posts", cli, List.of()),
          new ManagedRecord("counter:counters$post_id", cli, List.of()));
      assertThat(types(planner.plan(Specs.spec(body), byCli, me))).contains("Claim posts.", "Claim counters.post_id");
      ObservedState byOperator = state(new ManagedRecord("collection:posts", me, List.of()),
          new ManagedRecord("counter:counters$post_id", me, List.of()));
      assertThat(types(planner.plan(Specs.spec(body), byOperator, cli))).doesNotContain("Claim posts.")
          .contains("CreateIndex posts.a_1");
    }

    @Test
    void whatTheSchemaNoLongerDeclaresIsReleased() {
      Plan plan = planner.plan(Specs.spec(body), state(new ManagedRecord("collection:posts", me, List.of()),
          new ManagedRecord("counter:counters$post_id", me, List.of()), new ManagedRecord("collection:old", me, List.of()),
          new ManagedRecord("counter:ids$gone", me, List.of())), me);
      assertThat(types(plan)).contains("Release old.", "Release ids.gone").doesNotContain("Claim posts.");
    }

    @Test
    void deletionDropsDeclaredIndexesOnlyWhereItIsTheOwnerAndReleasesItsRecords() {
      var spec = Specs.spec(body.replace("- {name: a_1, keys: [{field: a}]}", "- {name: legacy_1, keys: [{field: legacy}]}"));
      Plan mine = planner.planDeletion(spec, state(new ManagedRecord("collection:posts", me, List.of())), me, true);
      assertThat(types(mine)).containsExactly("DropIndex posts.legacy_1", "Release posts.");
      Plan retain = planner.planDeletion(spec, state(new ManagedRecord("collection:posts", me, List.of())), me, false);
      assertThat(types(retain)).containsExactly("Release posts.");
      Plan theirs = planner.planDeletion(spec, state(new ManagedRecord("collection:posts",
          new Owner("shop", "orders", null), List.of())), me, true);
      assertThat(theirs.actions()).isEmpty();
    }

    @Test
    void anOptionTheServerDidNotKeepIsReportedNotRebuiltWhileTheDeclarationIsTheSame() {
      String sparse = """
          database: bot
          collections:
            - name: users
              indexes:
                - {name: nick, keys: [{field: nick}], sparse: true}
          policy: {onConflict: Recreate, dropStrategy: Immediate}
          """;
      IndexDefinition declared = IndexDefinitions.fromSpec(Specs.spec(sparse).getCollections().get(0).getIndexes().get(0));
      ManagedRecord record = new ManagedRecord("collection:users", me, List.of(
          new ManagedRecord.Unkept("nick", IndexDefinitions.fingerprint(declared), List.of("sparse"))));
      ObservedState seen = new ObservedState(Map.of("users", List.of(IndexDefinitions.fromListIndexes(Document.parse(ID)),
          IndexDefinitions.fromListIndexes(Document.parse("{v: 2, key: {nick: 1}, name: 'nick'}")))), Map.of(), Map.of(),
          Map.of(record.id(), record));
      Plan plan = planner.plan(Specs.spec(sparse), seen, me);
      assertThat(types(plan)).containsExactly("Unsupported users.nick");
      assertThat(plan.actions().get(0).detail()).contains("does not keep sparse");
      // Another declaration is planned afresh.
      Plan changed = planner.plan(Specs.spec(sparse.replace("sparse: true", "sparse: true, hidden: true")), seen, me);
      assertThat(types(changed)).containsExactly("RecreateIndex users.nick");
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

    @Test
    void valuesThatAreNotNumbersAreReportedBesideTheSeed() {
      Plan p = planner.plan(Specs.spec(SPEC), new ObservedState(Map.of(), Map.of("post_id", new CounterObservation(
          "counters", "post_id", null, 900L, "posts.post_id", List.of("objectid", "string"), null))));
      assertThat(types(p)).containsExactly("SeedCounter counters.post_id", "Unsupported counters.post_id");
      assertThat(((Action.SeedCounter) p.actions().get(0)).target()).isEqualTo(900L);
      assertThat(p.actions().get(1).detail()).contains("objectid, string");
    }

    @Test
    void anUnknownMaxIsNeverSeeded() {
      Plan p = planner.plan(Specs.spec(SPEC), new ObservedState(Map.of(), Map.of("post_id", new CounterObservation(
          "counters", "post_id", null, 12L, "posts.post_id", List.of(), "too many arrays"))));
      assertThat(types(p)).containsExactly("Unsupported counters.post_id");
      assertThat(p.actions().get(0).detail()).contains("too many arrays").contains("not seeded");
    }
  }
}
