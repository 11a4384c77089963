package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.mongosteward.api.v1alpha1.Reason;
import io.mongosteward.testsupport.MongoBackend;
import io.mongosteward.testsupport.Toxiproxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A MongoDB that goes silent under a running operator: every reply dropped by a real proxy
 * (Toxiproxy timeout toxic, timeout 0). Before, the reconcile thread waited forever, and ten such
 * schemas stopped the operator.
 */
class SilentMongoOperatorIT {
  @Test
  void aReconcileAgainstASilentServerEndsWithinTheBoundAndRecoversWithoutARestart() throws Exception {
    Proxy proxy = Toxiproxy.proxy("silent-op", MongoBackend.MONGO_JAVA_SERVER.uri().substring("mongodb://".length()));
    // One attempt per reconcile, so that each ends after one operation timeout (15 s by default).
    try (OperatorHarness op = new OperatorHarness("silent", s -> s.with(b -> b.mongoAttempts = 1))) {
      op.secret("mongo", Toxiproxy.uriOf(proxy));
      op.apply("bot", MongoSchemaOperatorIT.spec("op_silent", ""));
      op.awaitReady("bot", "True", Reason.Synced.name());

      proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
      long start = System.nanoTime();
      op.apply("bot", MongoSchemaOperatorIT.spec("op_silent", "      - {name: extra_1, keys: [{field: extra}]}\n", ""));
      OperatorHarness.eventually().atMost(Duration.ofSeconds(45)).until(() -> {
        var ready = op.ready("bot");
        return ready != null && Reason.MongoUnreachable.name().equals(ready.getReason());
      });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
      assertThat(op.ready("bot").getMessage()).contains("MongoOperationTimeoutException");

      proxy.toxics().get("blackhole").remove();
      op.awaitReady("bot", "True", Reason.Synced.name());
      assertThat(op.get("bot").getStatus().getIndexSummary()).isEqualTo("3/3");
    } finally {
      proxy.delete();
    }
  }
}
