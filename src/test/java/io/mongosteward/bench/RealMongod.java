package io.mongosteward.bench;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;

/**
 * Real mongod for a benchmark beside the stand-ins: the server at {@code bench.mongodUri} (or
 * BENCH_MONGOD_URI) when given, else mongo:7 in a container where a Docker engine answers, else
 * none, with the reason; {@code bench.mongod=false} asks for none. A container started here is
 * stopped on close.
 */
final class RealMongod implements AutoCloseable {
  private final String name;
  private final String uri;
  private final String why;
  private final MongoDBContainer container;

  private RealMongod(String name, String uri, String why, MongoDBContainer container) {
    this.name = name;
    this.uri = uri;
    this.why = why;
    this.container = container;
  }

  static RealMongod find() {
    if ("false".equals(System.getProperty("bench.mongod"))) {
      return new RealMongod(null, null, "Real mongod left out (bench.mongod=false).", null);
    }
    String given = System.getProperty("bench.mongodUri", System.getenv("BENCH_MONGOD_URI"));
    if (given != null && !given.isBlank()) {
      return new RealMongod("MONGOD", given.strip(), null, null);
    }
    if (!dockerAnswers()) {
      return new RealMongod(null, null, "mongo:7 skipped: no Docker engine answers here (give a mongod of yours "
          + "with -Dbench.mongodUri=mongodb://host:port, or BENCH_MONGOD_URI).", null);
    }
    MongoDBContainer mongo = new MongoDBContainer("mongo:7");
    mongo.start();
    return new RealMongod("MONGO_7", mongo.getConnectionString(), null, mongo);
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Its name in the report: MONGOD for a given server, MONGO_7 for the container. */
  String name() {
    return name;
  }

  /** Its connection string; null when there is none, and {@link #why()} says why. */
  String uri() {
    return uri;
  }

  String why() {
    return why;
  }

  @Override
  public void close() {
    if (container != null) {
      container.stop();
    }
  }
}
