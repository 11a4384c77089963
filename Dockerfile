# The image of mongo-steward: the operator, the sidecar and the CLI. Build the jar first:
#   mvn -B -q package -DskipTests && docker build -t mongo-steward:0.1.0 .
# The context needs only target/mongo-steward.jar and scripts/image/.

# A Java runtime with only the JDK modules the jar uses (scripts/image/jdk-modules.txt, from jdeps;
# JlinkRuntimeIT runs the jar's sidecar and operator on the same runtime), and the program that
# trains the class data sharing archive, compiled.
FROM eclipse-temurin:17-jdk AS build
COPY scripts/image/ /build/
COPY target/mongo-steward.jar /build/mongo-steward.jar
RUN /build/jre.sh /opt/jre \
 && javac -d /build/training -cp /build/mongo-steward.jar /build/CdsTraining.java

# The same Ubuntu as the build stage, for the same glibc.
FROM ubuntu:24.04
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin steward
COPY --from=build /opt/jre /opt/jre
COPY target/mongo-steward.jar /opt/mongo-steward/mongo-steward.jar
COPY --from=build /build/training /tmp/training
# The AppCDS archive, made here and not in the build stage: an archive is used only with the runtime
# and the jar (path, size, time) it was made with. A run of the sidecar against an in-memory MongoDB
# lists the classes it loaded, the JDK's and the jar's, and -Xshare:dump writes them to one static
# archive; later processes map them instead of parsing the jar: the sidecar is ready about twice as
# fast and its RSS is a few MB lower (docs/benchmarks.md). Classes outside it, such as the
# operator's, load from the runtime and the jar as usual.
# The JDK's base archive is made again here first, so that the training run (and any other java
# started without the ENTRYPOINT) matches the runtime files as copied.
RUN /opt/jre/bin/java -Xshare:dump > /dev/null \
 && /opt/jre/bin/java -cp /tmp/training:/opt/mongo-steward/mongo-steward.jar CdsTraining \
      /opt/jre/bin/java /opt/mongo-steward/mongo-steward.jar /opt/mongo-steward/mongo-steward.jsa \
 && rm -rf /tmp/training
ENV PATH=/opt/jre/bin:$PATH
USER 10001
# ArchiveRelocationMode=0 maps the archives at the address they were made for: relocated (the default
# of recent JDK 17 updates, 1) every page is rewritten, and 12 MB of them becomes memory each process pays alone
# instead of file pages the sidecars of a node share (docs/benchmarks.md). JlinkRuntimeIT runs this line.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/opt/mongo-steward/mongo-steward.jsa", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-jar", "/opt/mongo-steward/mongo-steward.jar"]
CMD ["--help"]
