package io.mongosteward.operator;

import com.mongodb.client.MongoDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.mongo.Outcome;
import io.mongosteward.mongo.SchemaEngine;
import io.mongosteward.mongo.SyncResult;
import io.mongosteward.plan.ActionType;
import io.mongosteward.plan.ManagedRecord;
import io.mongosteward.plan.Owner;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records held by a MongoSchema that no longer exists. A Retain schema has no finalizer, so one
 * deleted while no operator runs is never seen going: its records (and the indexes it hid on their
 * way to a drop) would stay, and every schema declaring the collection after it would be refused
 * for good, by an owner nobody can delete. When a pass meets such a record, the owner is looked up
 * on the API server; if it is gone, the cleanup of a deletion runs for it (as {@link SchemaDeletion}
 * does when it sees one go) and an Event says so. Only owners in namespaces this operator watches
 * are looked up: elsewhere the conflict stays, and its message says how to release it by hand.
 */
final class StaleOwners {
  private static final Logger LOG = LoggerFactory.getLogger(StaleOwners.class);

  private final Set<String> watched;
  private final SchemaEngine engine;
  private final SchemaEvents events;

  /** @param watched the namespaces the operator watches; empty means all */
  StaleOwners(Set<String> watched, SchemaEngine engine, SchemaEvents events) {
    this.watched = Set.copyOf(watched);
    this.engine = engine;
    this.events = events;
  }

  /**
   * Cleans up after every owner of a record {@code claimant} declares that is gone.
   *
   * @return true when something was released: plan again, so that the claim comes in this pass
   */
  boolean release(MongoSchema claimant, KubernetesClient kube, MongoDatabase db, SyncResult result) {
    Owner me = MongoSchemaReconciler.owner(claimant);
    Set<String> declared = new HashSet<>();
    for (CollectionSpec c : claimant.getSpec().getCollections()) declared.add(ManagedRecord.collectionId(c.getName()));
    for (CounterSpec c : claimant.getSpec().getCounters()) declared.add(ManagedRecord.counterId(c.getCollection(), c.getName()));
    Set<Owner> others = new LinkedHashSet<>();
    result.observed().records().values().stream()
        .filter(r -> declared.contains(r.id()) && !r.owner().sameAs(me)).forEach(r -> others.add(r.owner()));
    boolean released = false;
    for (Owner other : others) {
      // A record the CLI wrote has no uid, and an unwatched namespace is not ours to look in.
      if (other.uid() == null || !(watched.isEmpty() || watched.contains(other.namespace())) || exists(kube, other)) {
        continue;
      }
      List<Outcome> done = engine.releaseGone(db, other);
      long unhid = count(done, ActionType.UnhideIndex, true);
      long releasedRecords = count(done, ActionType.Release, true);
      long refused = done.stream().filter(o -> !o.applied()).count();
      String message = "MongoSchema " + other + ", which held what this schema declares, no longer exists (deleted "
          + "while no operator ran): unhid " + unhid + " index(es) it had hidden for a drop and released its "
          + releasedRecords + " record(s), as its deletion would have" + (refused == 0 ? "" : "; " + refused + " step(s) refused, first: "
          + done.stream().filter(o -> !o.applied()).findFirst().map(o -> o.action().subject() + ": " + o.message())
              .orElse(""));
      LOG.info("{}: {}", me, message);
      if (refused == 0) {
        events.normal(claimant, Reason.OwnerGone.name(), message);
      } else {
        events.warning(claimant, Reason.OwnerGone.name(), message);
      }
      released |= releasedRecords > 0;
    }
    return released;
  }

  /**
   * Whether the owner still exists, asked of the API server rather than the informer's cache: a
   * cache still filling (or another operator's namespace) would take a live schema for gone. A
   * schema of that name with another uid is another object: the owner is gone.
   */
  private static boolean exists(KubernetesClient kube, Owner owner) {
    try {
      MongoSchema live = kube.resources(MongoSchema.class).inNamespace(owner.namespace()).withName(owner.name()).get();
      return live != null && owner.uid().equals(live.getMetadata().getUid());
    } catch (KubernetesClientException e) {
      LOG.warn("cannot tell whether MongoSchema {} still exists, so its records stay: {}", owner,
          KubeErrors.describe(e));
      return true;
    }
  }

  private static long count(List<Outcome> done, ActionType type, boolean applied) {
    return done.stream().filter(o -> o.applied() == applied && o.result() == type).count();
  }
}
