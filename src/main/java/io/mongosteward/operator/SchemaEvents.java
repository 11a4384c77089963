package io.mongosteward.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.Redactor;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on a MongoSchema or a MongoMigration, bounded and aggregated.
 *
 * <p>Bounded: a pass records one summary Event per kind of change it applied (not one per index),
 * and the reconciler a Warning when Ready turns False or its reason changes. Aggregated as
 * client-go's event recorder does: an Event that repeats one with the same object, type, reason and
 * message within {@link #WINDOW} raises that one's {@code count} and {@code lastTimestamp} instead
 * of adding another. Each (schema uid, reason) has one Event of a fixed name, so a repeat is an
 * update, also after a restart of the operator, and the Events of a schema never outnumber its
 * reasons; a new message under the same reason replaces the old one and starts its count again.
 *
 * <p>Messages are scrubbed and cut to {@link #MAX_MESSAGE_BYTES}; a failed Event never fails a
 * reconcile, and a 409 on our own write (another replica wrote the same Event) is read again and
 * counted on top.
 */
final class SchemaEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaEvents.class);
  static final String COMPONENT = "mongo-steward";
  /** client-go's EventCorrelator aggregates within 10 minutes (maxIntervalInSeconds 600). */
  static final Duration WINDOW = Duration.ofMinutes(10);
  /** The API server's bound on an Event's note (events.k8s.io/v1), kept for core/v1 too. */
  static final int MAX_MESSAGE_BYTES = 1024;
  private static final int ATTEMPTS = 3;

  private final EventStore store;
  private final Clock clock;

  SchemaEvents(KubernetesClient client, Clock clock) {
    this(EventStore.of(client), clock);
  }

  SchemaEvents(EventStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void normal(HasMetadata schema, String reason, String message) {
    emit(schema, "Normal", reason, message);
  }

  void warning(HasMetadata schema, String reason, String message) {
    emit(schema, "Warning", reason, message);
  }

  /** One Event per kind of change applied in a pass: at most one per change type. */
  void changes(MongoSchema schema, List<Outcome> outcomes) {
    for (Summary s : summaries(outcomes)) {
      emit(schema, s.type(), s.reason(), s.message());
    }
  }

  /**
   * What {@link #changes} records: the applied outcomes, grouped by change type, in the enum's
   * order; each subject once per type, so that the count is the number of distinct indexes.
   */
  record Summary(String type, String reason, String message) {}

  static List<Summary> summaries(List<Outcome> outcomes) {
    Map<ActionType, Map<String, Action>> byType = new EnumMap<>(ActionType.class);
    for (Outcome o : outcomes) {
      if (o.applied()) {
        byType.computeIfAbsent(o.action().type(), t -> new LinkedHashMap<>()).putIfAbsent(o.action().subject(), o.action());
      }
    }
    List<Summary> out = new ArrayList<>();
    byType.forEach((type, bySubject) -> {
      List<Action> actions = List.copyOf(bySubject.values());
      long gaps = actions.stream().filter(a -> a instanceof Action.RecreateIndex r && r.uniquenessGap()).count();
      String head = headline(type, actions) + (gaps == 0 ? "" : "; uniqueness was NOT enforced while "
          + (actions.size() == 1 ? "it" : count(gaps, "of them", "of them")) + " rebuilt");
      List<String> items = actions.stream().map(a -> actions.size() == 1 && showsDetail(type)
          ? a.subject() + " (" + a.detail() + ")" : a.subject()).toList();
      out.add(new Summary(gaps == 0 ? "Normal" : "Warning", type.name(), listed(head, items)));
    });
    return out;
  }

  /** "created 3,600 indexes in 60 collections". */
  private static String headline(ActionType type, List<Action> actions) {
    long collections = actions.stream().map(Action::collection).distinct().count();
    String in = " in " + count(collections, "collection", "collections");
    String indexes = count(actions.size(), "index", "indexes");
    return switch (type) {
      case CreateIndex -> "created " + indexes + in;
      case ModifyIndex -> "changed " + indexes + " in place" + in;
      case DropIndex -> "dropped " + indexes + in;
      case RecreateIndex -> "rebuilt " + indexes + in;
      case HideIndex -> "hid " + indexes + in + " before dropping them (policy.dropStrategy HideFirst)";
      case UnhideIndex -> "unhid " + indexes + in + ": declared again, or no longer to be dropped";
      case ForgetHidden -> "forgot the hidden-at record of " + indexes + in;
      case SeedCounter -> "seeded " + count(actions.size(), "counter", "counters");
      case Claim -> "claimed " + count(actions.size(), "collection or counter", "collections and counters")
          + " for this schema in the mongosteward collection";
      case Release -> "released " + count(actions.size(), "collection or counter", "collections and counters")
          + " this schema no longer declares";
      default -> type.name() + ": " + actions.size();
    };
  }

  private static boolean showsDetail(ActionType type) {
    return type == ActionType.ModifyIndex || type == ActionType.RecreateIndex || type == ActionType.DropIndex
        || type == ActionType.SeedCounter;
  }

  /** The headline and as many items as fit: "...: a, b" or "...; first: a, b, ... (and 3,590 more)". */
  static String listed(String head, List<String> items) {
    String all = head + ": " + String.join(", ", items);
    if (bytes(all) <= MAX_MESSAGE_BYTES) {
      return all;
    }
    StringBuilder sb = new StringBuilder(head).append("; first: ");
    int shown = 0;
    for (String item : items) {
      String tail = ", ... (and " + String.format(Locale.ROOT, "%,d", items.size() - shown - 1) + " more)";
      if (bytes(sb + (shown == 0 ? "" : ", ") + item + tail) > MAX_MESSAGE_BYTES) {
        break;
      }
      sb.append(shown == 0 ? "" : ", ").append(item);
      shown++;
    }
    return sb.append(shown == 0 ? "" : ", ").append("... (and ")
        .append(String.format(Locale.ROOT, "%,d", items.size() - shown)).append(" more)").toString();
  }

  private static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d", n) + " " + (n == 1 ? one : many);
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Cut to {@link #MAX_MESSAGE_BYTES} bytes of UTF-8, never inside a character. */
  static String cut(String text) {
    if (bytes(text) <= MAX_MESSAGE_BYTES) {
      return text;
    }
    int end = text.length();
    while (bytes(text.substring(0, end)) > MAX_MESSAGE_BYTES - 3) {
      end = Character.isLowSurrogate(text.charAt(end - 1)) && end > 1 ? end - 2 : end - 1;
    }
    return text.substring(0, end) + "...";
  }

  /**
   * The one Event name of a (schema, reason): the schema's name, then a hash of its uid and the
   * reason, so a schema recreated under the same name starts afresh. A DNS subdomain, as Event
   * names must be.
   */
  static String eventName(String schemaName, String uid, String reason) {
    String prefix = schemaName.length() > 230 ? schemaName.substring(0, 230) : schemaName;
    prefix = prefix.replaceAll("[.-]+$", "");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((uid + "/" + reason).getBytes(StandardCharsets.UTF_8));
      return prefix + "." + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void emit(HasMetadata schema, String type, String reason, String message) {
    var meta = schema.getMetadata();
    String ns = meta.getNamespace();
    String name = eventName(meta.getName(), meta.getUid(), reason);
    String text = cut(KubeErrors.scrub(Redactor.scrubUris(message)));
    try {
      for (int attempt = 1; ; attempt++) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Event existing = store.get(ns, name);
        try {
          if (existing == null) {
            store.create(new EventBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withInvolvedObject(reference(schema)).withType(type).withReason(reason).withMessage(text)
                .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT).build());
          } else {
            store.update(next(existing, schema, type, text, now));
          }
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != KubeErrors.CONFLICT || attempt >= ATTEMPTS) {
            throw e;
          }
          // Another writer (a second replica) got there first: read it again and count on top.
        }
      }
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: HTTP {}", reason, ns, meta.getName(), e.getCode());
    }
  }

  /** The stored Event once more: a repeat within the window counts, anything else starts it again. */
  private static Event next(Event existing, HasMetadata schema, String type, String text, Instant now) {
    boolean repeat = type.equals(existing.getType()) && text.equals(existing.getMessage())
        && within(existing.getLastTimestamp(), now);
    EventBuilder b = new EventBuilder(existing).withInvolvedObject(reference(schema)).withType(type).withMessage(text)
        .withLastTimestamp(now.toString());
    if (repeat) {
      b.withCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
    } else {
      b.withCount(1).withFirstTimestamp(now.toString());
    }
    return b.build();
  }

  private static boolean within(String last, Instant now) {
    try {
      return last != null && !Instant.parse(last).plus(WINDOW).isBefore(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static ObjectReference reference(HasMetadata schema) {
    var meta = schema.getMetadata();
    return new ObjectReferenceBuilder().withApiVersion(schema.getApiVersion()).withKind(schema.getKind())
        .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion()).build();
  }
}
