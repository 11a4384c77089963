package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mongosteward.api.v1alpha1.Conditions;
import io.mongosteward.api.v1alpha1.MigrationPhase;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoSchema;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.health.Readiness;
import io.mongosteward.testsupport.KubeApi;
import io.mongosteward.testsupport.MongoBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/'s RBAC is least privilege, proven on the real API server: the ServiceAccount, ClusterRole,
 * bindings and leader-election Role are read from deploy/ and applied (in a namespace of their own,
 * the cluster-scoped names suffixed so that DeployManifestsIT's copy stays apart), and the operator
 * runs with a client that impersonates that ServiceAccount, with leader election on as deployed.
 * With every grant the whole scenario works; then each rule is removed in turn, and each verb of a
 * rule of several, and a fresh operator on fresh resources shows what breaks without it (case
 * "resource rule" for a whole rule of several verbs, "resource verb" otherwise; a rule of one verb
 * is removed whole in its verb's case). A verb nothing needs would have no failure to show, and is
 * not shipped.
 */
class RbacLeastPrivilegeIT {
  static final Path DEPLOY = Path.of("deploy");
  /**
   * How long a "never happens" waits: with every grant, the operator leads, reconciles the schema
   * to Ready and writes its status in about a second of starting (the full scenario's first step),
   * so 5 s without it is well past when it would have happened.
   */
  static final Duration NEVER = Duration.ofSeconds(5);

  /** One verb on one resource, as a rule of deploy/ grants it; or, with verb null, the whole rule. */
  record Grant(String role, int rule, String resource, String verb) {
    String key() {
      return resource + " " + (verb == null ? "rule" : verb);
    }

    @Override
    public String toString() {
      return key();
    }
  }

  static KubernetesClient admin;
  static MongoClient mongo;
  /** The ServiceAccount's namespace: mongo-steward in deploy/. */
  static String saNamespace;
  static String user;
  static String serviceAccountNamespaceGroup;
  static ClusterRole clusterRole;
  static Role leaseRole;

  @BeforeAll
  static void install() throws IOException {
    admin = KubeApi.client();
    mongo = MongoClients.create(MongoBackend.MONGO_JAVA_SERVER.uri());
    saNamespace = KubeApi.newNamespace(admin, "rbac-sa");
    String suffix = "-" + saNamespace;
    for (HasMetadata item : shipped()) {
      if (item instanceof ServiceAccount sa) {
        sa.getMetadata().setNamespace(saNamespace);
        user = "system:serviceaccount:" + saNamespace + ":" + sa.getMetadata().getName();
      } else if (item instanceof ClusterRole cr) {
        cr.getMetadata().setName(cr.getMetadata().getName() + suffix);
        clusterRole = cr;
      } else if (item instanceof ClusterRoleBinding crb) {
        crb.getMetadata().setName(crb.getMetadata().getName() + suffix);
        crb.getRoleRef().setName(crb.getRoleRef().getName() + suffix);
        crb.getSubjects().forEach(s -> s.setNamespace(saNamespace));
      } else if (item instanceof Role r) {
        r.getMetadata().setNamespace(saNamespace);
        leaseRole = r;
      } else if (item instanceof RoleBinding rb) {
        rb.getMetadata().setNamespace(saNamespace);
        rb.getSubjects().forEach(s -> s.setNamespace(saNamespace));
      }
      admin.resource(item).create();
    }
    assertThat(user).as("deploy/ ships a ServiceAccount").isNotNull();
    assertThat(clusterRole).as("deploy/ ships a ClusterRole").isNotNull();
    assertThat(leaseRole).as("deploy/ ships the leader-election Role").isNotNull();
    serviceAccountNamespaceGroup = "system:serviceaccounts:" + saNamespace;
  }

  @AfterAll
  static void uninstall() {
    if (mongo != null) mongo.close();
    if (admin != null) admin.close();
  }

  /** deploy/'s ServiceAccount, ClusterRole, its binding, the leader-election Role and RoleBinding, as shipped. */
  static List<HasMetadata> shipped() throws IOException {
    List<HasMetadata> items = new ArrayList<>();
    for (String file : List.of("01-serviceaccount.yaml", "02-clusterrole.yaml", "03-clusterrolebinding.yaml",
        "04-leader-election-role.yaml")) {
      for (String doc : Files.readString(DEPLOY.resolve(file)).split("(?m)^---\\s*$")) {
        if (!doc.isBlank()) {
          items.add((HasMetadata) Serialization.unmarshal(doc));
        }
      }
    }
    return items;
  }

  /** Every verb of every rule deploy/ grants: the cases. */
  static Stream<Grant> grants() throws IOException {
    List<Grant> grants = new ArrayList<>();
    for (HasMetadata item : shipped()) {
      List<PolicyRule> rules = item instanceof ClusterRole cr ? cr.getRules() : item instanceof Role r ? r.getRules() : null;
      if (rules == null) continue;
      for (int i = 0; i < rules.size(); i++) {
        PolicyRule rule = rules.get(i);
        // One resource per rule and no resourceNames: so that taking a verb away is one edit.
        assertThat(rule.getResources()).as(item.getKind() + " rule " + i).hasSize(1);
        assertThat(rule.getResourceNames()).as(item.getKind() + " rule " + i).isNullOrEmpty();
        if (rule.getVerbs().size() > 1) {
          grants.add(new Grant(item.getKind(), i, rule.getResources().get(0), null));
        }
        for (String verb : rule.getVerbs()) {
          grants.add(new Grant(item.getKind(), i, rule.getResources().get(0), verb));
        }
      }
    }
    return grants.stream();
  }

  @Test
  void everyShippedGrantHasACaseAndEveryCaseAShippedGrant() throws IOException {
    assertThat(grants().map(Grant::key).collect(Collectors.toSet())).isEqualTo(WITHOUT.keySet());
  }

  @Test
  void withEveryShippedGrantTheOperatorLeadsReconcilesMigratesRecordsEventsAndReleasesItsFinalizer() {
    try (Run run = new Run()) {
      run.scenario();
      run.awaitReadyTrue();
      assertThat(run.indexes()).contains("post_id_unique");
      assertThat(run.schema().getMetadata().getFinalizers()).containsExactly(MongoSchemaReconciler.FINALIZER);
      run.awaitEvent("MongoSchema", "CreateIndex", "post_id_unique");
      assertThat(run.holder()).isEqualTo(run.identity);
      eventually().until(() -> run.readiness().ready());

      run.awaitMigrationPhase(MigrationPhase.Succeeded);
      assertThat(mongo.getDatabase(run.db).getCollection("posts").countDocuments(Filters.eq("link_lower", "https://a.example/x")))
          .isEqualTo(Run.POSTS);
      run.awaitEvent("MongoMigration", Reason.Completed.name(), "");

      // A second CreateIndex: the same Event (one per schema and reason), patched with the new message.
      run.addIndex();
      run.awaitReadyForGeneration(2);
      run.awaitEvent("MongoSchema", "CreateIndex", "link_lower_1");
      assertThat(run.events("MongoSchema")).filteredOn(e -> "CreateIndex".equals(e.getReason())).hasSize(1);

      admin.resource(run.schema()).delete();
      eventually().alias("schema deleted, finalizer released").until(() -> run.schema() == null);
      assertThat(run.indexes()).containsExactly("_id_");
      // The leader renews its Lease (a merge patch).
      var renewed = run.lease().getSpec().getRenewTime();
      eventually().until(() -> !renewed.equals(run.lease().getSpec().getRenewTime()));
    }
  }

  @ParameterizedTest(name = "without {0}")
  @MethodSource("grants")
  void withoutThisGrantTheOperatorFailsVisibly(Grant grant) {
    Consumer<Run> expected = WITHOUT.get(grant.key());
    assertThat(expected).as("what fails without " + grant + ": add a case, or drop the verb from deploy/").isNotNull();
    try {
      revoke(grant);
      long timersBefore = timerThreads();
      try (Run run = new Run()) {
        expected.accept(run);
      }
      // A start the API server refused is still under way when the run closes: the Secret polling's
      // timer ends with it, instead of polling with a closed client for the rest of the process.
      await().alias("the run's polling timer ends with it").atMost(Duration.ofSeconds(10))
          .until(() -> timerThreads() <= timersBefore);
    } finally {
      restore();
    }
  }

  /**
   * Live non-daemon threads of java.util.Timer (named Timer-N): JOSDK's polling event sources, the
   * Secret polling's among them, each run on one (its reschedule timer is a daemon Timer, idle when
   * nothing was reconciled, which JOSDK 5.2 leaves when its start did not complete).
   */
  static long timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().matches("Timer-\\d+")).count();
  }

  /** What fails without each grant: the scenario runs as far as it can, and the failure is named. */
  static final Map<String, Consumer<Run>> WITHOUT = new LinkedHashMap<>();

  static {
    // The MongoSchema informer cannot load: nothing is reconciled, and /readyz says why.
    Consumer<Run> noSchemaInformer = run -> {
      run.scenario();
      never(run, "schema status or finalizer", () -> run.schema().getStatus() != null
          || !run.schema().getMetadata().getFinalizers().isEmpty() || run.indexes().contains("post_id_unique"));
      assertThat(run.readiness().ready()).isFalse();
      assertThat(run.readiness().reason()).contains("mongoschemas");
    };
    WITHOUT.put("mongoschemas rule", noSchemaInformer);
    WITHOUT.put("mongoschemas list", noSchemaInformer);
    WITHOUT.put("mongoschemas watch", noSchemaInformer);
    WITHOUT.put("mongoschemas get", run -> {
      // The migration cannot read its schemaRef: Pending, and the status names the refused verb.
      run.scenario();
      run.awaitReadyTrue();
      eventually().until(() -> run.migration().getStatus() != null
          && run.migration().getStatus().getPhase() == MigrationPhase.Pending
          && Reason.Failed.name().equals(run.migration().getStatus().getReason()));
      assertThat(run.migration().getStatus().getMessage()).contains("HTTP 403")
          .contains("cannot get resource \"mongoschemas\"");
    });
    WITHOUT.put("mongoschemas patch", run -> {
      // The finalizer cannot be added: no index is built, Ready=False names the refused patch.
      run.scenario();
      run.awaitReady("False");
      assertThat(run.ready().getReason()).isEqualTo(Reason.Failed.name());
      assertThat(run.ready().getMessage()).contains("HTTP 403").contains("cannot patch resource \"mongoschemas\"");
      assertThat(run.schema().getMetadata().getFinalizers()).isEmpty();
      assertThat(run.indexes()).doesNotContain("post_id_unique");
    });
    WITHOUT.put("mongoschemas/status patch", run -> {
      // The index is built and its Event recorded, then the status write is refused: a Warning
      // Event says so, and the status stays empty.
      run.scenario();
      run.awaitEvent("MongoSchema", "CreateIndex", "post_id_unique");
      assertThat(run.indexes()).contains("post_id_unique");
      run.awaitEvent("MongoSchema", Reason.Failed.name(), "cannot patch resource \"mongoschemas/status\"");
      assertThat(run.schema().getStatus()).isNull();
    });
    // The MongoMigration informer cannot load: schemas are reconciled, migrations are not, and
    // /readyz says why.
    Consumer<Run> noMigrationInformer = run -> {
      run.scenario();
      run.awaitReadyTrue();
      never(run, "migration status or Event", () -> run.migration().getStatus() != null
          || !run.events("MongoMigration").isEmpty());
      assertThat(mongo.getDatabase(run.db).getCollection("posts").countDocuments(Filters.exists("link_lower"))).isZero();
      assertThat(run.readiness().ready()).isFalse();
      assertThat(run.readiness().reason()).contains("mongomigrations");
    };
    WITHOUT.put("mongomigrations rule", noMigrationInformer);
    WITHOUT.put("mongomigrations list", noMigrationInformer);
    WITHOUT.put("mongomigrations watch", noMigrationInformer);
    WITHOUT.put("mongomigrations/status patch", run -> {
      // The migration runs to completion (its Completed Event comes from a reconcile after the
      // Running status write was refused), and its status is never written.
      run.scenario();
      run.awaitEvent("MongoMigration", Reason.Completed.name(), "");
      assertThat(mongo.getDatabase(run.db).getCollection("posts").countDocuments(Filters.exists("link_lower")))
          .isEqualTo(Run.POSTS);
      assertThat(run.migration().getStatus()).isNull();
    });
    WITHOUT.put("secrets get", run -> {
      // No connection string: Ready=False says which Secret and which grant.
      run.scenario();
      run.awaitReady("False");
      assertThat(run.ready().getMessage()).contains("cannot read Secret " + run.ns + "/mongo").contains("HTTP 403")
          .contains("grant get on secrets");
      assertThat(run.indexes()).doesNotContain("post_id_unique");
    });
    // The Event is read first by name, then created: without either, the schema reaches Ready and
    // no Event is recorded (Events are written before the status in the same pass).
    Consumer<Run> noEvents = run -> {
      run.scenario();
      run.awaitReadyTrue();
      assertThat(run.indexes()).contains("post_id_unique");
      assertThat(run.events("MongoSchema")).isEmpty();
    };
    WITHOUT.put("events rule", noEvents);
    WITHOUT.put("events get", noEvents);
    WITHOUT.put("events create", noEvents);
    WITHOUT.put("events patch", run -> {
      // The first CreateIndex Event is created; the second, the same Event patched, is refused.
      run.scenario();
      run.awaitReadyTrue();
      run.awaitEvent("MongoSchema", "CreateIndex", "post_id_unique");
      run.addIndex();
      run.awaitReadyForGeneration(2);
      Event createIndex = run.events("MongoSchema").stream().filter(e -> "CreateIndex".equals(e.getReason()))
          .findFirst().orElseThrow();
      assertThat(createIndex.getMessage()).contains("post_id_unique").doesNotContain("link_lower_1");
    });
    // Never leads: no Lease, /readyz says electing, nothing reconciled.
    Consumer<Run> neverLeads = run -> {
      run.scenario();
      never(run, "a Lease, a leader or a status", () -> run.lease() != null || !"electing".equals(run.readiness().status())
          || run.schema().getStatus() != null);
      assertThat(run.readiness().ready()).isFalse();
    };
    WITHOUT.put("leases rule", neverLeads);
    WITHOUT.put("leases get", neverLeads);
    WITHOUT.put("leases create", neverLeads);
    WITHOUT.put("leases patch", run -> {
      // Leads (the Lease is created) and reconciles, but cannot renew: once the 10 s renew
      // deadline passes it stops reconciling, as a replica that lost its Lease must (in a pod it
      // exits), and a later edit is never applied.
      run.scenario();
      eventually().until(() -> run.identity.equals(run.holder()));
      run.awaitReadyTrue();
      eventually().until(() -> run.readiness().ready());
      await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
          .until(() -> !run.readiness().ready());
      assertThat(run.lease().getSpec().getRenewTime()).as("never renewed").isEqualTo(run.lease().getSpec().getAcquireTime());
      run.addIndex();
      never(run, "the edit applied", () -> run.indexes().contains("link_lower_1")
          || Long.valueOf(2).equals(run.schema().getStatus().getObservedGeneration()));
    });
  }

  /**
   * Awaitility would fail a wait on any thread's uncaught exception: a stopped operator's timer
   * may still fire a rescheduled reconcile into its terminated executor (JOSDK's teardown, not the
   * behaviour under test), so only the condition decides.
   */
  static ConditionFactory await() {
    return org.awaitility.Awaitility.await().dontCatchUncaughtExceptions();
  }

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200));
  }

  /** {@code happened} stays false for {@link #NEVER}. */
  static void never(Run run, String what, Callable<Boolean> happened) {
    await().alias("no " + what + " for " + NEVER.toSeconds() + " s").during(NEVER).atMost(NEVER.plusSeconds(5))
        .pollInterval(Duration.ofMillis(250)).until(() -> !happened.call());
  }

  /** Takes the verb away (the whole rule when it is the rule's only verb), and waits until the API server denies it. */
  static void revoke(Grant grant) {
    List<PolicyRule> rules = new ArrayList<>();
    List<PolicyRule> shipped = "Role".equals(grant.role()) ? leaseRole.getRules() : clusterRole.getRules();
    for (int i = 0; i < shipped.size(); i++) {
      PolicyRule rule = shipped.get(i);
      if (i != grant.rule()) {
        rules.add(rule);
      } else if (grant.verb() != null && rule.getVerbs().size() > 1) {
        rules.add(new PolicyRuleBuilder(rule).withVerbs(rule.getVerbs().stream().filter(v -> !v.equals(grant.verb())).toList())
            .build());
      }
    }
    setRules(grant.role(), rules);
    String ns = "Role".equals(grant.role()) ? saNamespace : "default";
    List<String> verbs = grant.verb() != null ? List.of(grant.verb()) : shipped.get(grant.rule()).getVerbs();
    eventually().alias(grant + " denied").until(() -> verbs.stream()
        .noneMatch(v -> allowed(new Grant(grant.role(), grant.rule(), grant.resource(), v), ns)));
  }

  static void restore() {
    setRules("Role", leaseRole.getRules());
    setRules("ClusterRole", clusterRole.getRules());
    eventually().alias("every grant allowed again").until(() -> grants().filter(g -> g.verb() != null).allMatch(g ->
        allowed(g, "Role".equals(g.role()) ? saNamespace : "default")));
  }

  static void setRules(String role, List<PolicyRule> rules) {
    if ("Role".equals(role)) {
      admin.rbac().roles().inNamespace(saNamespace).withName(leaseRole.getMetadata().getName()).edit(r -> {
        r.setRules(rules);
        return r;
      });
    } else {
      admin.rbac().clusterRoles().withName(clusterRole.getMetadata().getName()).edit(r -> {
        r.setRules(rules);
        return r;
      });
    }
  }

  static boolean allowed(Grant grant, String namespace) {
    String[] resource = grant.resource().split("/", 2);
    String group = "Role".equals(grant.role()) ? leaseRole.getRules().get(grant.rule()).getApiGroups().get(0)
        : clusterRole.getRules().get(grant.rule()).getApiGroups().get(0);
    return admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(user).withGroups("system:serviceaccounts", serviceAccountNamespaceGroup, "system:authenticated")
        .withNewResourceAttributes().withNamespace(namespace).withGroup(group).withResource(resource[0])
        .withSubresource(resource.length > 1 ? resource[1] : null).withVerb(grant.verb()).endResourceAttributes()
        .endSpec().build()).getStatus().getAllowed();
  }

  /** A fresh namespace, database and Lease, and an operator acting as the ServiceAccount. */
  static final class Run implements AutoCloseable {
    static final int POSTS = 3;
    final String ns;
    final String db;
    final String leaseName;
    final String identity;
    final KubernetesClient asOperator;
    final OperatorApp app;

    Run() {
      ns = KubeApi.newNamespace(admin, "rbac");
      db = "rbac_" + ns.replace('-', '_');
      leaseName = "mongo-steward-" + ns;
      identity = "replica-" + ns;
      Config impersonating = new ConfigBuilder(Config.fromKubeconfig(KubeApi.kubeConfigYaml()))
          .withImpersonateUsername(user)
          .withImpersonateGroups("system:serviceaccounts", serviceAccountNamespaceGroup, "system:authenticated")
          .build();
      asOperator = new KubernetesClientBuilder().withConfig(impersonating).build();
      app = new OperatorApp(asOperator, OperatorSettings.defaults().with(b -> {
        b.namespaces = Set.of(ns);
        b.leaseNamespace = saNamespace;
        b.leaseName = leaseName;
        b.identity = identity;
        b.resyncInterval = Duration.ofSeconds(2);
        b.secretPollInterval = Duration.ofSeconds(1);
        b.unreachableRecheck = Duration.ofSeconds(2);
        b.permanentErrorRecheck = Duration.ofSeconds(5);
        b.deleteAttempts = 2;
        b.deleteRetryDelay = Duration.ofMillis(200);
      }), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
      app.start();
    }

    /** Posts with a link to lowercase, the Secret, a schema (deletionPolicy Delete) and a backfill that uses it. */
    void scenario() {
      List<Document> posts = new ArrayList<>();
      for (int i = 0; i < POSTS; i++) {
        posts.add(new Document("post_id", i).append("link", "HTTPS://A.example/X"));
      }
      mongo.getDatabase(db).getCollection("posts").insertMany(posts);
      OperatorHarness.secretIn(admin, ns, "mongo", MongoBackend.MONGO_JAVA_SERVER.uri());
      OperatorHarness.applyIn(admin, ns, "app", schemaSpec(""));
      String yaml = """
          apiVersion: mongosteward.io/v1alpha1
          kind: MongoMigration
          metadata: {name: lower, namespace: %s}
          spec:
            schemaRef: {name: app}
            collection: posts
            backfill: {source: link, target: link_lower, transforms: [Lowercase]}
            batchSize: 100
            maxDocumentsPerSecond: 100000
          """.formatted(ns);
      admin.resource(admin.resources(MongoMigration.class).load(new ByteArrayInputStream(yaml.getBytes())).item())
          .serverSideApply();
    }

    String schemaSpec(String moreIndexes) {
      return """
          connection:
            secretRef: {name: mongo, key: uri}
          database: %s
          deletionPolicy: Delete
          collections:
            - name: posts
              indexes:
                - {name: post_id_unique, keys: [{field: post_id}], unique: true}
          %s""".formatted(db, moreIndexes);
    }

    void addIndex() {
      OperatorHarness.applyIn(admin, ns, "app", schemaSpec("      - {name: link_lower_1, keys: [{field: link_lower}]}\n"));
    }

    MongoSchema schema() {
      return admin.resources(MongoSchema.class).inNamespace(ns).withName("app").get();
    }

    MongoMigration migration() {
      return admin.resources(MongoMigration.class).inNamespace(ns).withName("lower").get();
    }

    Condition ready() {
      MongoSchema s = schema();
      return s == null || s.getStatus() == null ? null : Conditions.find(s.getStatus().getConditions(), Conditions.READY);
    }

    void awaitReady(String status) {
      eventually().alias("Ready=" + status).until(() -> ready() != null && status.equals(ready().getStatus()));
    }

    void awaitReadyTrue() {
      awaitReady("True");
    }

    /** Ready=True for the schema's current generation: its latest spec is applied. */
    void awaitReadyForGeneration(long generation) {
      eventually().alias("Ready=True for generation " + generation).until(() -> {
        MongoSchema s = schema();
        return s.getMetadata().getGeneration() == generation && s.getStatus() != null
            && Long.valueOf(generation).equals(s.getStatus().getObservedGeneration()) && "True".equals(ready().getStatus());
      });
    }

    void awaitMigrationPhase(MigrationPhase phase) {
      eventually().alias("migration " + phase).until(() -> migration().getStatus() != null
          && migration().getStatus().getPhase() == phase);
    }

    List<Event> events(String kind) {
      return admin.v1().events().inNamespace(ns).list().getItems().stream()
          .filter(e -> kind.equals(e.getInvolvedObject().getKind())).toList();
    }

    void awaitEvent(String kind, String reason, String messagePart) {
      eventually().alias(kind + " Event " + reason + " with '" + messagePart + "'").until(() -> events(kind).stream()
          .anyMatch(e -> reason.equals(e.getReason()) && e.getMessage() != null && e.getMessage().contains(messagePart)));
    }

    List<String> indexes() {
      List<String> names = new ArrayList<>();
      mongo.getDatabase(db).getCollection("posts").listIndexes().forEach(d -> names.add(d.getString("name")));
      return names;
    }

    Lease lease() {
      return admin.leases().inNamespace(saNamespace).withName(leaseName).get();
    }

    String holder() {
      Lease l = lease();
      return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }

    Readiness readiness() {
      return app.health().readiness();
    }

    @Override
    public void close() {
      try {
        app.close();
      } finally {
        asOperator.close();
      }
    }
  }
}
