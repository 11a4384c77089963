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
COPY --from=build /build/operator.classlist /tmp/training/
COPY scripts/image/entrypoint.sh /opt/mongo-steward/entrypoint.sh
# The AppCDS archives, made here and not in the build stage: an archive is used only with the runtime
# and the jar (path, size, time) it was made with. Later processes map the classes of their archive
# instead of loading and parsing them from the jar: the sidecar is ready about twice as fast and its
# RSS is a few MB lower, the operator's is lower too and the classes it defines at run time (lambdas)
# come ready-made (docs/benchmarks.md).
# - mongo-steward.jsa, the sidecar's (and the CLI's): a run of the sidecar against an in-memory MongoDB
#   lists the classes it loaded, the JDK's and the jar's, and -Xshare:dump writes them to one static archive.
# - operator.jsa: the classes of scripts/image/operator.classlist, which a real operator run wrote (an
#   image build has no API server to train against; JlinkRuntimeIT checks that the list is current).
# entrypoint.sh picks the one for the command. The JDK's base archive is made again here first, so
# that the training run (and any other java started without the entrypoint) matches the runtime files
# as copied.
RUN /opt/jre/bin/java -Xshare:dump > /dev/null \
 && /opt/jre/bin/java -cp /tmp/training:/opt/mongo-steward/mongo-steward.jar CdsTraining \
      /opt/jre/bin/java /opt/mongo-steward/mongo-steward.jar /opt/mongo-steward/mongo-steward.jsa \
 && /opt/jre/bin/java -cp /tmp/training:/opt/mongo-steward/mongo-steward.jar CdsTraining \
      /opt/jre/bin/java /opt/mongo-steward/mongo-steward.jar /opt/mongo-steward/operator.jsa /tmp/training/operator.classlist \
 && rm -rf /tmp/training
ENV PATH=/opt/jre/bin:$PATH
USER 10001
# The java line, with the archive of the command and its options, is in entrypoint.sh.
ENTRYPOINT ["/opt/mongo-steward/entrypoint.sh"]
CMD ["--help"]
