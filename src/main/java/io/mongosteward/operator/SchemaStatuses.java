package io.mongosteward.operator;

import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.HiddenIndexStatus;
import io.mongosteward.api.v1alpha1.IndexState;
import io.mongosteward.api.v1alpha1.IndexStatus;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.MongoSchemaStatus;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.api.v1alpha1.ServerStatus;
import io.mongosteward.mongo.ServerInfo;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.Action;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.Quoting;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the next status from the current one and what a reconcile found; pure but for the clock.
 *
 * <p>The status stays small whatever the schema's size (etcd refuses objects over 1.5 MiB, and a
 * schema at the CRD's bounds declares 4,032 indexes): {@code indexes} lists only the declared
 * indexes that are not as declared (or carry a note), at most {@link #MAX_LISTED}, each message cut
 * to {@link #MAX_MESSAGE} characters; {@code unmanagedIndexes} at most as many; {@code
 * indexSummary} and the Ready message count them all. What was created or changed is in the Events.
 */
final class SchemaStatuses {
  /** Entries at most in status.indexes and in status.unmanagedIndexes. */
  static final int MAX_LISTED = 100;
  /** Characters at most of an index's message in status. */
  static final int MAX_MESSAGE = 512;

  private final Clock clock;

  SchemaStatuses(Clock clock) {
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  /** A copy of the current status (or a new one) to edit. */
  MongoSchemaStatus start(MongoSchema schema) {
    MongoSchemaStatus current = schema.getStatus();
    MongoSchemaStatus next = new MongoSchemaStatus();
    if (current != null) {
      next.setConditions(new ArrayList<>(current.getConditions()));
      next.setIndexes(new ArrayList<>(current.getIndexes()));
      next.setUnmanagedIndexes(new ArrayList<>(current.getUnmanagedIndexes()));
      next.setCounters(new ArrayList<>(current.getCounters()));
      next.setHiddenIndexes(new ArrayList<>(current.getHiddenIndexes()));
      next.setUnusedIndexes(new ArrayList<>(current.getUnusedIndexes()));
      next.setUnusedIndexesNote(current.getUnusedIndexesNote());
      next.setIndexSummary(current.getIndexSummary());
      next.setServer(current.getServer());
    }
    next.setObservedGeneration(schema.getMetadata().getGeneration());
    return next;
  }

  /** The outcome of a sync: Ready when MongoDB holds everything declared. */
  MongoSchemaStatus synced(MongoSchema schema, SyncResult result, ServerInfo server, boolean paused) {
    MongoSchemaStatus next = start(schema);
    Long gen = schema.getMetadata().getGeneration();
    List<IndexStatus> states = SyncStatuses.indexStates(result);
    int declared = states.size();
    long present = states.stream().filter(SchemaStatuses::asDeclared).count();
    // Compact at any size: the indexes that need a look, not the thousands that are fine.
    // Not the indexes still building: the Reconciling condition names the first and counts them,
    // and a large schema's first builds would otherwise fill the status with a hundred of them.
    next.setIndexes(states.stream().filter(i -> !asDeclared(i) || i.getMessage() != null)
        .filter(i -> i.getState() != IndexState.Building).limit(MAX_LISTED)
        .map(SchemaStatuses::shortened).toList());
    next.setUnmanagedIndexes(SyncStatuses.unmanagedIndexes(result).stream().limit(MAX_LISTED).toList());
    next.setCounters(SyncStatuses.counterValues(result));
    List<HiddenIndexStatus> hidden = SyncStatuses.hiddenIndexes(result);
    next.setHiddenIndexes(hidden.stream().limit(MAX_LISTED).toList());
    next.setIndexSummary(present + "/" + declared);
    if (server != null) {
      next.setServer(keepPingUnlessVersionChanged(next.getServer(), server));
    }
    var conditions = next.getConditions();
    if (paused) {
      boolean pending = result.plan().hasChanges();
      Conditions.set(conditions, Conditions.READY, !pending && blocking(result).isEmpty(), Reason.Paused.name(),
          pending ? "policy.paused: " + result.plan().changes().size() + " change(s) wait; nothing is written"
              : "policy.paused: nothing is written", gen, clock.instant());
      Conditions.set(conditions, Conditions.RECONCILING, false, Reason.Paused.name(), "", gen, clock.instant());
      Conditions.set(conditions, Conditions.STALLED, false, Reason.Paused.name(), "", gen, clock.instant());
      return next;
    }
    List<Action> building = blocking(result).stream().filter(a -> a.type() == ActionType.Building).toList();
    List<Action> blocking = blocking(result).stream().filter(a -> a.type() != ActionType.Building).toList();
    String buildMessage = building.isEmpty() ? "" : "building " + building.size() + " index(es); first: "
        + building.get(0).subject() + ": " + building.get(0).detail();
    // Declared indexes not there as declared, with nothing refused or building: one waits for a
    // hidden index's drop, or a change is still to come. Never Ready while one is missing.
    List<IndexStatus> missing = states.stream().filter(i -> !asDeclared(i)).toList();
    String waitMessage = "";
    if (blocking.isEmpty() && building.isEmpty() && !missing.isEmpty()) {
      IndexStatus first = missing.get(0);
      waitMessage = present + " of " + declared + " index(es) present; first missing: "
          + Quoting.name(first.getCollection()) + "." + Quoting.name(first.getName())
          + (first.getMessage() == null ? "" : ": " + first.getMessage());
    }
    if (blocking.isEmpty() && building.isEmpty() && missing.isEmpty()) {
      long unmanaged = SyncStatuses.unmanagedIndexes(result).size();
      String message = present + " index(es) present, " + next.getCounters().size() + " counter(s) seeded"
          + (unmanaged == 0 ? "" : "; " + unmanaged + " unmanaged index(es) reported")
          + (hidden.isEmpty() ? "" : "; " + hidden.size() + " index(es) hidden, to be dropped (status.hiddenIndexes)");
      Conditions.set(conditions, Conditions.READY, true, Reason.Synced.name(), message, gen, clock.instant());
      Conditions.set(conditions, Conditions.STALLED, false, Reason.Synced.name(), "", gen, clock.instant());
    } else if (blocking.isEmpty() && building.isEmpty()) {
      String reason = waitReason(result, missing.get(0)).name();
      Conditions.set(conditions, Conditions.READY, false, reason, waitMessage, gen, clock.instant());
      // It goes on by itself: the pass at the hidden index's dropAfter is scheduled.
      Conditions.set(conditions, Conditions.STALLED, false, reason, "", gen, clock.instant());
    } else if (blocking.isEmpty()) {
      // Not done, and not stuck: the build runs apart from the reconcile, which looks again when it ends.
      Conditions.set(conditions, Conditions.READY, false, Reason.IndexBuilding.name(), buildMessage, gen, clock.instant());
      Conditions.set(conditions, Conditions.STALLED, false, Reason.IndexBuilding.name(), "", gen, clock.instant());
    } else {
      Action first = blocking.get(0);
      String reason = reasonOf(first.type()).name();
      // subject(): the collection alone for a collection-wide report, names quoted when odd.
      String message = blocking.size() + " item(s) need attention; first: " + first.subject() + ": " + first.detail();
      Conditions.set(conditions, Conditions.READY, false, reason, message, gen, clock.instant());
      // A conflict or duplicates wait for a person: no amount of retrying helps.
      Conditions.set(conditions, Conditions.STALLED, true, reason, message, gen, clock.instant());
    }
    if (!waitMessage.isEmpty()) {
      Conditions.set(conditions, Conditions.RECONCILING, true, waitReason(result, missing.get(0)).name(), waitMessage,
          gen, clock.instant());
    } else if (building.isEmpty()) {
      Conditions.set(conditions, Conditions.RECONCILING, false, Reason.Synced.name(), "", gen, clock.instant());
    } else {
      Conditions.set(conditions, Conditions.RECONCILING, true, Reason.IndexBuilding.name(), buildMessage, gen,
          clock.instant());
    }
    return next;
  }

  /** WaitsForDrop when the missing index waits for a hidden one's drop, else Reconciling. */
  private static Reason waitReason(SyncResult result, IndexStatus missing) {
    return result.plan().actions().stream().anyMatch(a -> a.type() == ActionType.WaitsForDrop
        && a.collection().equals(missing.getCollection()) && a.name().equals(missing.getName()))
        ? Reason.WaitsForDrop : Reason.Reconciling;
  }

  /** Appends a note (a commitQuorum left out, say) to the Ready message; false when there is no Ready condition. */
  static boolean note(MongoSchemaStatus next, String note) {
    var ready = Conditions.find(next.getConditions(), Conditions.READY);
    if (ready == null || note == null) {
      return false;
    }
    String message = ready.getMessage() == null || ready.getMessage().isEmpty() ? "" : ready.getMessage() + "; ";
    ready.setMessage(message + note);
    return true;
  }

  /** Said on the Ready condition (and in an Event) while spec.connection.tls.insecureSkipVerify is true. */
  static final String INSECURE = "spec.connection.tls.insecureSkipVerify is true: the server's certificate and "
      + "host name are not verified, so the connection is encrypted but anyone on the path could pose as MongoDB";

  /**
   * What turns off the server's verification, said on Ready and in an Event: insecureSkipVerify,
   * or an option of the connection string (named, never quoted with the rest of it); null for none.
   */
  static String insecure(io.mongosteward.api.v1alpha1.TlsSpec tls, io.mongosteward.mongo.MongoUri uri) {
    List<String> said = new ArrayList<>();
    if (tls != null && tls.insecure()) {
      said.add(INSECURE);
    }
    List<String> options = uri.insecureTlsOptions();
    if (!options.isEmpty()) {
      said.add("the connection string sets " + String.join(" and ", options) + ": the server's host name is not "
          + "verified, so any server with a certificate the trusted CAs signed could pose as MongoDB; remove it, "
          + "or give the server a certificate that names the host");
    }
    return said.isEmpty() ? null : String.join("; ", said);
  }

  /** Appends {@code warning} to the Ready message; false when there is no Ready condition. */
  static boolean noteInsecure(MongoSchemaStatus next, String warning) {
    var ready = Conditions.find(next.getConditions(), Conditions.READY);
    if (ready == null) {
      return false;
    }
    String message = ready.getMessage() == null || ready.getMessage().isEmpty() ? "" : ready.getMessage() + "; ";
    ready.setMessage(message + "warning: " + warning);
    return true;
  }

  /** A failure before or during the sync. */
  MongoSchemaStatus failed(MongoSchema schema, Reason why, String failure, boolean stalled) {
    String reason = why.name();
    // Never the API server's URL nor a client exception's wording, whatever the failure carried.
    String message = KubeErrors.scrub(failure);
    MongoSchemaStatus next = start(schema);
    Long gen = schema.getMetadata().getGeneration();
    Conditions.set(next.getConditions(), Conditions.READY, false, reason, message, gen, clock.instant());
    Conditions.set(next.getConditions(), Conditions.RECONCILING, !stalled, stalled ? reason : Reason.Reconciling.name(),
        stalled ? "" : "retrying: " + message, gen, clock.instant());
    Conditions.set(next.getConditions(), Conditions.STALLED, stalled, reason, stalled ? message : "", gen, clock.instant());
    return next;
  }

  /** Present, just created or just changed: the index is there as declared. */
  static boolean asDeclared(IndexStatus i) {
    return i.getState() == IndexState.Present || i.getState() == IndexState.Created || i.getState() == IndexState.Modified;
  }

  private static IndexStatus shortened(IndexStatus i) {
    String m = i.getMessage();
    return m == null || m.length() <= MAX_MESSAGE ? i
        : new IndexStatus(i.getCollection(), i.getName(), i.getState(), m.substring(0, MAX_MESSAGE - 3) + "...");
  }

  /** Reports that keep the schema from Ready. Unmanaged indexes are listed in status, not blocking. */
  private static List<Action> blocking(SyncResult result) {
    return result.remainingReports().stream().filter(a -> a.type() != ActionType.Unmanaged).toList();
  }

  /** The one condition reason of each kind of report. */
  static Reason reasonOf(ActionType type) {
    return switch (type) {
      case Conflict -> Reason.Conflict;
      case BlockedByDuplicates -> Reason.BlockedByDuplicates;
      case Unsupported -> Reason.Unsupported;
      case ManagedElsewhere -> Reason.CollectionManagedElsewhere;
      case NotAuthorized -> Reason.NotAuthorized;
      case Building -> Reason.IndexBuilding;
      default -> Reason.Failed;
    };
  }

  /**
   * A new ping every reconcile would make every status differ and cost a write each resync; the
   * ping is refreshed when something else in the status changes or the version does.
   */
  private static ServerStatus keepPingUnlessVersionChanged(ServerStatus current, ServerInfo seen) {
    if (current != null && Objects.equals(current.getVersion(), seen.version())) {
      return current;
    }
    return new ServerStatus(seen.version(), seen.pingMillis());
  }

  /** Refreshes the ping shown in status; called only when the status is written anyway. */
  static void freshPing(MongoSchemaStatus next, ServerInfo server) {
    if (server != null) {
      next.setServer(new ServerStatus(server.version(), server.pingMillis()));
    }
  }

  /** Whether {@code next} differs from the stored status in anything but the ping. */
  static boolean changed(MongoSchemaStatus stored, MongoSchemaStatus next) {
    return !Objects.equals(stored, next);
  }

}
