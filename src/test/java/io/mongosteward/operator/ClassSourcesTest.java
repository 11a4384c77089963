package io.mongosteward.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JlinkRuntimeIT's staleness measure, on -Xlog:class+load lines of the shapes a run writes. */
class ClassSourcesTest {
  static final String SHARED = " source: shared objects file";
  static final String JAR = " source: file:/tmp/x/mongo-steward.jar";

  static List<String> run(int libArchived, int libFromJar, int ownArchived, int ownFromJar) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < libArchived + libFromJar; i++) {
      lines.add("[0.100s][info][class,load] com.example.lib.C" + i + (i < libArchived ? SHARED : JAR));
    }
    for (int i = 0; i < ownArchived + ownFromJar; i++) {
      lines.add("[0.200s][info][class,load] io.mongosteward.operator.C" + i + (i < ownArchived ? SHARED : JAR));
    }
    // Generated at run time: never counted.
    lines.add("[0.300s][info][class,load] io.mongosteward.operator.X$$Lambda$12/0x0000000800c0b000 source: io.mongosteward.operator.X");
    lines.add("[0.300s][info][class,load] java.lang.invoke.LambdaForm$MH/0x0000000800c0c000 source: __JVM_LookupDefineClass__");
    return lines;
  }

  @Test
  void aCurrentListPasses() {
    ClassSources s = ClassSources.of(run(6700, 10, 190, 1));
    assertThat(s).isEqualTo(new ClassSources(6890, 6901, 190, 191));
    assertThat(s.staleness()).isEmpty();
  }

  /** From the hostile review: every io/mongosteward line removed from the list still left 97% archived. */
  @Test
  void aListWithoutTheProjectsOwnClassesIsStale() {
    assertThat(ClassSources.of(run(6710, 0, 0, 192)).staleness()).get().asString()
        .contains("of the project's own classes").contains("0 of 192 of io.mongosteward");
  }

  @Test
  void aListThatMissesManyClassesIsStale() {
    assertThat(ClassSources.of(run(2597, 4113, 190, 2)).staleness()).get().asString()
        .contains("fewer than 95% of its classes");
  }

  @Test
  void aRunThatLoggedNothingIsNotCurrent() {
    assertThat(ClassSources.of(List.of()).staleness()).get().asString().contains("no class");
    assertThat(ClassSources.of(run(100, 0, 0, 0)).staleness()).get().asString().contains("no class of io.mongosteward");
  }
}
