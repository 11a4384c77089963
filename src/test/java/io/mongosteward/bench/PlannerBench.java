package io.mongosteward.bench;

import static io.mongosteward.bench.BenchReport.fmt;

import io.mongosteward.api.v1alpha1.CollectionSpec;
import io.mongosteward.api.v1alpha1.CounterSpec;
import io.mongosteward.api.v1alpha1.IndexSpec;
import io.mongosteward.api.v1alpha1.MongoSchemaSpec;
import io.mongosteward.plan.CounterObservation;
import io.mongosteward.plan.IndexDefinition;
import io.mongosteward.plan.IndexDefinitions;
import io.mongosteward.plan.ManagedRecord;
import io.mongosteward.plan.ObservedState;
import io.mongosteward.plan.Plan;
import io.mongosteward.plan.Planner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * JMH: the pure planner, no I/O, on ReconcileBench's schema (50 collections × 5 indexes, 2
 * counters): against a database that holds all 250 indexes, the records and the seeded counters
 * (the no-op diff every resync makes), and against an empty one (every index to create). The
 * second is the baseline: the same declared input, with every action to build.
 *
 * <p>Run by scripts/bench.sh as {@code java -cp <test classpath> io.mongosteward.bench.PlannerBench},
 * which runs JMH with {@code bench.rounds} (5) measurement iterations of {@code bench.jmhSeconds}
 * (1) second after 3 warm-up iterations, in one fork, and writes the fragment.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlannerBench {
  private final Planner planner = new Planner();
  private MongoSchemaSpec spec;
  private ObservedState present;
  private ObservedState empty;

  @Setup
  public void setup() {
    spec = ReconcileBench.spec("bench");
    Map<String, List<IndexDefinition>> indexes = new HashMap<>();
    Map<String, ManagedRecord> records = new HashMap<>();
    for (CollectionSpec c : spec.getCollections()) {
      List<IndexDefinition> listed = new ArrayList<>();
      listed.add(IndexDefinitions.fromListIndexes(new Document("v", 2).append("key", new Document("_id", 1))
          .append("name", Planner.ID_INDEX)));
      for (IndexSpec i : c.getIndexes()) {
        // As listIndexes answers: the createIndexes document with the index version.
        Document entry = new Document("v", 2);
        entry.putAll(IndexDefinitions.toCreateDocument(IndexDefinitions.fromSpec(i)));
        listed.add(IndexDefinitions.fromListIndexes(entry));
      }
      indexes.put(c.getName(), listed);
      String id = ManagedRecord.collectionId(c.getName());
      records.put(id, new ManagedRecord(id, ReconcileBench.OWNER, List.of(), List.of()));
    }
    Map<String, CounterObservation> counters = new HashMap<>();
    Map<String, CounterObservation> unseeded = new HashMap<>();
    for (CounterSpec c : spec.getCounters()) {
      String source = c.getSeedFrom().getCollection() + "." + c.getSeedFrom().getField();
      counters.put(c.getName(), new CounterObservation(c.getCollection(), c.getName(), 100L, 100L, source, List.of(),
          null, null));
      unseeded.put(c.getName(), new CounterObservation(c.getCollection(), c.getName(), null, null, source, List.of(),
          null, null));
      String id = ManagedRecord.counterId(c.getCollection(), c.getName());
      records.put(id, new ManagedRecord(id, ReconcileBench.OWNER, List.of(), List.of()));
    }
    present = new ObservedState(indexes, Map.of(), counters, records);
    empty = new ObservedState(Map.of(), Map.of(), unseeded, Map.of());
    // A benchmark of the wrong diff measures nothing: check both shapes before timing them.
    Plan noop = planner.plan(spec, present, ReconcileBench.OWNER);
    if (noop.hasChanges()) throw new IllegalStateException("the present state is not a no-op: " + noop.actions());
    long creates = planner.plan(spec, empty, ReconcileBench.OWNER).actions().stream()
        .filter(a -> a.type().name().equals("CreateIndex")).count();
    int declared = spec.getCollections().stream().mapToInt(c -> c.getIndexes().size()).sum();
    if (creates != declared) throw new IllegalStateException(creates + " creates planned for " + declared + " indexes");
  }

  @Benchmark
  public Plan noOpDiff() {
    return planner.plan(spec, present, ReconcileBench.OWNER);
  }

  @Benchmark
  public Plan fromEmpty() {
    return planner.plan(spec, empty, ReconcileBench.OWNER);
  }

  public static void main(String[] args) throws Exception {
    int rounds = BenchReport.rounds();
    int seconds = BenchReport.intKnob("bench.jmhSeconds", null, 1);
    var options = new OptionsBuilder().include(PlannerBench.class.getName() + "\\.")
        .warmupIterations(3).warmupTime(TimeValue.seconds(seconds))
        .measurementIterations(rounds).measurementTime(TimeValue.seconds(seconds))
        .forks(1).shouldFailOnError(true).build();
    Map<String, Statistics> byName = new HashMap<>();
    String jvm = "";
    for (RunResult r : new Runner(options).run()) {
      BenchmarkParams params = r.getParams();
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      byName.put(name, r.getPrimaryResult().getStatistics());
      jvm = params.getJvm() + " " + params.getJdkVersion();
    }
    Statistics noop = byName.get("noOpDiff");
    Statistics fromEmpty = byName.get("fromEmpty");
    // Median of the iterations: JMH's statistics hold each iteration's mean time per plan.
    double noopMedian = noop.getPercentile(50);
    double emptyMedian = fromEmpty.getPercentile(50);
    int declared = ReconcileBench.COLLECTIONS * ReconcileBench.INDEXES;
    new BenchReport("PlannerBench", "Planner: the pure diff, with JMH",
        fmt("The planner alone (no I/O) on %d declared indexes over %d collections and 2 counters: against the "
            + "same %d present (the no-op diff of every resync) and against an empty database (all to create), "
            + "the baseline. Goal: a small part of a no-op reconcile's time (ReconcileBench). JMH 1.37, average "
            + "time, 1 fork, 3 warm-up and %d measured iterations of %d s; load average %s.", declared,
            ReconcileBench.COLLECTIONS, declared, rounds, seconds, BenchReport.loadAverage()))
        .columns("plan", "µs per plan: median (min–max) of iterations", "ratio to from-empty")
        .row(fmt("%d declared vs %d present (no-op)", declared, declared), fmt("%.1f (%.1f–%.1f)", noopMedian,
            noop.getMin(), noop.getMax()), BenchReport.ratio(noopMedian / emptyMedian))
        .row(fmt("%d declared vs empty", declared), fmt("%.1f (%.1f–%.1f)", emptyMedian, fromEmpty.getMin(),
            fromEmpty.getMax()), "1.00×")
        .reading("JVM: " + jvm + ".")
        .write();
  }
}
