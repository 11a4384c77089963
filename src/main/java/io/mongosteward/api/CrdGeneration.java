package io.mongosteward.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.mongosteward.api.v1alpha1.MongoMigration;
import io.mongosteward.api.v1alpha1.MongoSchema;
import java.io.File;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the CRDs at build time (the process-classes phase runs it), with fabric8's
 * CRDGenerator, as its Maven plugin would, plus one post-processing step: printer columns in the
 * order they are declared on the class. fabric8 7.5.2 sorts them by jsonPath (case-insensitively)
 * and neither its annotations nor its Maven plugin can say otherwise; its generator API takes a
 * {@link CRDPostProcessor}.
 *
 * <p>Build-time only: fabric8's generator is a provided dependency, not in the shaded jar.
 */
public final class CrdGeneration {
  static final List<Class<? extends CustomResource<?, ?>>> RESOURCES = List.of(MongoSchema.class, MongoMigration.class);

  private CrdGeneration() {}

  /** @param args the output directory (target/classes/META-INF/fabric8) */
  public static void main(String[] args) {
    File out = new File(args.length > 0 ? args[0] : "target/classes/META-INF/fabric8");
    if (!out.isDirectory() && !out.mkdirs()) {
      throw new IllegalStateException("cannot create " + out);
    }
    var info = new CRDGenerator().inOutputDir(out).forCRDVersions("v1").customResourceClasses(
        RESOURCES.stream().<Class<? extends HasMetadata>>map(c -> c).toList()).withPostProcessor(new CRDPostProcessor() {
          @Override
          public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            return declaredColumnOrder((CustomResourceDefinition) crd);
          }
        }).detailedGenerate();
    info.getCRDDetailsPerNameAndVersion().forEach((name, versions) -> versions.forEach((version, details) ->
        System.out.println("CRD " + name + " " + version + ": " + details.getFilePath())));
  }

  /** The CRD with each version's printer columns in the order of the resource class's annotations. */
  static CustomResourceDefinition declaredColumnOrder(CustomResourceDefinition crd) {
    Class<?> type = RESOURCES.stream().filter(c -> crd.getSpec().getNames().getKind().equals(c.getSimpleName()))
        .findFirst().orElseThrow();
    List<String> declared = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name).toList();
    for (var version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns != null) {
        columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName()) < 0 ? declared.size()
            : declared.indexOf(c.getName())));
      }
    }
    return crd;
  }
}
