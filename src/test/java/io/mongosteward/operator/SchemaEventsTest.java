package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.Specs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Summaries per kind of change, and aggregation of repeats into one Event's count. */
class SchemaEventsTest {
  final BlockedBuildsTest.MutableClock clock = new BlockedBuildsTest.MutableClock();
  final InMemoryEventStore store = new InMemoryEventStore();
  final SchemaEvents events = new SchemaEvents(store, clock);

  static MongoSchema schema() {
    MongoSchema s = new MongoSchema();
    s.setMetadata(new ObjectMetaBuilder().withName("bot").withNamespace("ns").withUid("7f3a-uid").withGeneration(1L).build());
    s.setSpec(Specs.spec(SchemaStatusesTest.SPEC));
    return s;
  }

  static IndexDefinition index(String name) {
    return IndexDefinitions.fromSpec(Specs.spec("""
        database: bot
        collections:
          - name: posts
            indexes:
              - {name: %s, keys: [{field: a}]}
        """.formatted(name)).getCollections().get(0).getIndexes().get(0));
  }

  @Test
  void thousandsOfChangesMakeOneShortEventPerKind() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int c = 0; c < 60; c++) {
      outcomes.add(Outcome.applied(new Action.Claim("coll_" + c, "", "collection:coll_" + c, null), "claimed", Duration.ZERO));
      for (int i = 0; i < 60; i++) {
        outcomes.add(Outcome.applied(new Action.CreateIndex("coll_" + c, index("field_" + i + "_1")), "created",
            Duration.ofMillis(7)));
      }
    }
    events.changes(schema(), outcomes);

    assertThat(store.all()).hasSize(2).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getCount()).isEqualTo(1);
      assertThat(e.getMessage().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    });
    Event created = store.all().stream().filter(e -> e.getReason().equals("CreateIndex")).findFirst().orElseThrow();
    assertThat(created.getMessage()).startsWith("created 3,600 indexes in 60 collections; first: coll_0.field_0_1, "
        + "coll_0.field_1_1, ").matches(".*, \\.\\.\\. \\(and 3,[0-9]{3} more\\)");
    assertThat(store.all()).filteredOn(e -> e.getReason().equals("Claim")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).startsWith("claimed 60 collections and counters"));
  }

  @Test
  void aFewChangesAreListedWhole() {
    events.changes(schema(), List.of(
        Outcome.applied(new Action.CreateIndex("posts", index("a_1")), "created", Duration.ofMillis(3)),
        Outcome.applied(new Action.CreateIndex("users", index("b_1")), "created", Duration.ofMillis(3)),
        Outcome.applied(new Action.SeedCounter("counters", "post_id", null, 42, "posts.post_id"), "seq >= 42", Duration.ZERO)));
    assertThat(store.all()).extracting(Event::getReason, Event::getMessage).containsExactly(
        org.assertj.core.groups.Tuple.tuple("CreateIndex", "created 2 indexes in 2 collections: posts.a_1, users.b_1"),
        org.assertj.core.groups.Tuple.tuple("SeedCounter", "seeded 1 counter: counters.post_id (seq missing -> 42 (max of posts.post_id))"));
  }

  @Test
  void anIndexAppliedTwiceIsCountedAndListedOnce() {
    events.changes(schema(), List.of(
        Outcome.applied(new Action.CreateIndex("c", index("f_1")), "created", Duration.ZERO),
        Outcome.applied(new Action.CreateIndex("c", index("f_1")), "created", Duration.ZERO),
        Outcome.applied(new Action.CreateIndex("c", index("h_1")), "created", Duration.ZERO),
        Outcome.applied(new Action.CreateIndex("c", index("h_1")), "created", Duration.ZERO)));
    assertThat(store.all()).extracting(Event::getMessage)
        .containsExactly("created 2 indexes in 1 collection: c.f_1, c.h_1");
  }

  @Test
  void aRepeatWithinTheWindowRaisesTheCountAndAnythingElseStartsItAgain() {
    MongoSchema s = schema();
    events.warning(s, "SecretNotFound", "Secret ns/mongo not found");
    clock.advance(Duration.ofMinutes(3));
    events.warning(s, "SecretNotFound", "Secret ns/mongo not found");
    assertThat(store.all()).singleElement().satisfies(e -> {
      assertThat(e.getCount()).isEqualTo(2);
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-27T10:00:00Z");
      assertThat(e.getLastTimestamp()).isEqualTo("2026-11-27T10:03:00Z");
    });

    // Another reason is another Event; the first keeps its count.
    events.warning(s, "InvalidConnectionString", "Secret ns/mongo key 'uri' is not a MongoDB connection string");
    events.warning(s, "SecretNotFound", "Secret ns/mongo not found");
    assertThat(store.all()).hasSize(2).extracting(Event::getReason, Event::getCount).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("SecretNotFound", 3), org.assertj.core.groups.Tuple.tuple("InvalidConnectionString", 1));

    // Past the window, or with another message, the same Event starts a new count.
    clock.advance(SchemaEvents.WINDOW.plusSeconds(1));
    events.warning(s, "SecretNotFound", "Secret ns/mongo not found");
    Event again = store.get("ns", SchemaEvents.eventName("bot", "7f3a-uid", "SecretNotFound"));
    assertThat(again.getCount()).isEqualTo(1);
    assertThat(again.getFirstTimestamp()).isEqualTo("2026-11-27T10:13:01Z");
    events.warning(s, "SecretNotFound", "Secret ns/other not found");
    again = store.get("ns", SchemaEvents.eventName("bot", "7f3a-uid", "SecretNotFound"));
    assertThat(again.getCount()).isEqualTo(1);
    assertThat(again.getMessage()).isEqualTo("Secret ns/other not found");
    assertThat(store.creates).isEqualTo(2);
  }

  @Test
  void aConflictOnOurOwnWriteIsReadAgainAndCountedOnTop() {
    MongoSchema s = schema();
    events.warning(s, "Conflict", "posts.a_1 exists with another definition");
    // A second replica records the same Event between our read and our write, once.
    EventStore racing = new EventStore() {
      boolean raced;

      @Override public Event get(String namespace, String name) { return store.get(namespace, name); }
      @Override public void create(Event event) { store.create(event); }
      @Override public void update(Event event) {
        if (!raced) {
          raced = true;
          Event theirs = store.get(event.getMetadata().getNamespace(), event.getMetadata().getName());
          theirs.setCount(theirs.getCount() + 1);
          store.update(theirs);
        }
        store.update(event);
      }
    };
    new SchemaEvents(racing, clock).warning(s, "Conflict", "posts.a_1 exists with another definition");
    assertThat(store.all()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(3));
  }

  @Test
  void namesAreDnsSubdomainsAndMessagesAreCut() {
    String longName = "a".repeat(240) + ".b-c";
    String name = SchemaEvents.eventName(longName, "uid", "CreateIndex");
    assertThat(name).hasSizeLessThanOrEqualTo(253).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    assertThat(SchemaEvents.eventName("bot", "uid-1", "Failed")).isNotEqualTo(SchemaEvents.eventName("bot", "uid-2", "Failed"));
    String cut = SchemaEvents.cut("é".repeat(2000));
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    assertThat(cut).endsWith("...");
  }
}
