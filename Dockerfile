# Build the jar first: mvn -B -q package -DskipTests
FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin steward
COPY target/mongo-steward.jar /opt/mongo-steward/mongo-steward.jar
USER 10001
ENTRYPOINT ["java", "-jar", "/opt/mongo-steward/mongo-steward.jar"]
CMD ["--help"]
