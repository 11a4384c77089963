package io.mongosteward.migrate;

import static io.mongosteward.migrate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import io.mongosteward.api.v1alpha1.MongoMigrationSpec;
import io.mongosteward.api.v1alpha1.Transform;
import io.mongosteward.testsupport.MongoBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** maxDocumentsPerSecond measured over a run of more than 10 s, on the fast in-process server. */
class ThrottleIT {
  @Test
  void aRunHoldsTheRateWithinTenPercent() {
    MongoDatabase db = freshDatabase(MongoBackend.MONGO_JAVA_SERVER);
    BackfillIT.seedLinks(db.getCollection("posts"), 3300);
    MongoMigrationSpec spec = backfill("posts", "message_link", "message_link_norm", Transform.NormalizeUrl);
    spec.setMaxDocumentsPerSecond(300);
    spec.setBatchSize(30);
    List<long[]> samples = new ArrayList<>();
    long start = System.nanoTime();

    RunResult r = runner().run(db, job(spec), p -> samples.add(new long[] {System.nanoTime(), p.scanned()}), () -> false);

    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = r.last().scanned() / seconds;
    long[] first = samples.get(0);
    long[] last = samples.get(samples.size() - 1);
    double steady = (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    System.out.printf("FIGURE throttle at 300 documents/s: %d documents in %.2f s: %.1f documents/s over the run "
        + "(%.1f%% off), %.1f between the first and last batch%n", r.last().scanned(), seconds, rate,
        (rate - 300) / 3, steady);
    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.SUCCEEDED);
    assertThat(seconds).isGreaterThanOrEqualTo(10);
    assertThat(rate).isBetween(270.0, 330.0);
    assertThat(steady).isBetween(270.0, 330.0);
  }
}
