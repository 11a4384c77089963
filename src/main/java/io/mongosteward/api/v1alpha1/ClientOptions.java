package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The driver options a schema may set; null means "the driver's default". */
@ValidationRule(value = "!has(self.minPoolSize) || !has(self.maxPoolSize) || self.minPoolSize <= self.maxPoolSize",
    message = "minPoolSize must not exceed maxPoolSize", fieldPath = ".minPoolSize")
public class ClientOptions {
  @Min(1) @JsonPropertyDescription("Largest number of pooled connections per server; at least 1.")
  private Integer maxPoolSize;
  @Min(0) @JsonPropertyDescription("Connections kept open per server even when idle; at most maxPoolSize.")
  private Integer minPoolSize;
  @Min(0) @JsonPropertyDescription("Milliseconds to wait for a TCP connection to open.")
  private Integer connectTimeoutMS;
  @Min(0) @JsonPropertyDescription("Milliseconds to wait for a socket read; 0 means no limit.")
  private Integer socketTimeoutMS;
  @Min(0) @JsonPropertyDescription("Milliseconds to wait for a suitable server before an operation fails.")
  private Integer serverSelectionTimeoutMS;
  @Min(0) @JsonPropertyDescription("Milliseconds an operation waits for a free pooled connection.")
  private Integer waitQueueTimeoutMS;
  @Min(1) @JsonPropertyDescription("Milliseconds any one MongoDB operation may take, server selection and the reply included (the driver's timeoutMS); default 15000. A server that goes silent fails the operation after this long, and it is retried.")
  private Long timeoutMS;
  @Min(1) @JsonPropertyDescription("Milliseconds one createIndexes may take; default 3600000 (1 hour): index builds on large collections legitimately take minutes.")
  private Long indexBuildTimeoutMS;

  public Integer getMaxPoolSize() { return maxPoolSize; }
  public void setMaxPoolSize(Integer v) { this.maxPoolSize = v; }
  public Integer getMinPoolSize() { return minPoolSize; }
  public void setMinPoolSize(Integer v) { this.minPoolSize = v; }
  public Integer getConnectTimeoutMS() { return connectTimeoutMS; }
  public void setConnectTimeoutMS(Integer v) { this.connectTimeoutMS = v; }
  public Integer getSocketTimeoutMS() { return socketTimeoutMS; }
  public void setSocketTimeoutMS(Integer v) { this.socketTimeoutMS = v; }
  public Integer getServerSelectionTimeoutMS() { return serverSelectionTimeoutMS; }
  public void setServerSelectionTimeoutMS(Integer v) { this.serverSelectionTimeoutMS = v; }
  public Integer getWaitQueueTimeoutMS() { return waitQueueTimeoutMS; }
  public void setWaitQueueTimeoutMS(Integer v) { this.waitQueueTimeoutMS = v; }
  public Long getTimeoutMS() { return timeoutMS; }
  public void setTimeoutMS(Long v) { this.timeoutMS = v; }
  public Long getIndexBuildTimeoutMS() { return indexBuildTimeoutMS; }
  public void setIndexBuildTimeoutMS(Long v) { this.indexBuildTimeoutMS = v; }

  /** A copy, so that a caller can change a default without touching the spec. */
  public ClientOptions copy() {
    ClientOptions o = new ClientOptions();
    o.maxPoolSize = maxPoolSize;
    o.minPoolSize = minPoolSize;
    o.connectTimeoutMS = connectTimeoutMS;
    o.socketTimeoutMS = socketTimeoutMS;
    o.serverSelectionTimeoutMS = serverSelectionTimeoutMS;
    o.waitQueueTimeoutMS = waitQueueTimeoutMS;
    o.timeoutMS = timeoutMS;
    o.indexBuildTimeoutMS = indexBuildTimeoutMS;
    return o;
  }
}
