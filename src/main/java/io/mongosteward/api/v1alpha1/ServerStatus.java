package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

public class ServerStatus {
  @JsonPropertyDescription("The server version from buildInfo.")
  private String version;
  @JsonPropertyDescription("The round trip to the server in milliseconds: the driver's heartbeat average, "
      + "refreshed when the status is written for another reason.")
  private Double pingMillis;

  public ServerStatus() {}
  public ServerStatus(String version, Double pingMillis) { this.version = version; this.pingMillis = pingMillis; }
  public String getVersion() { return version; }
  public void setVersion(String v) { this.version = v; }
  public Double getPingMillis() { return pingMillis; }
  public void setPingMillis(Double v) { this.pingMillis = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerStatus s && Objects.equals(version, s.version) && Objects.equals(pingMillis, s.pingMillis);
  }

  @Override
  public int hashCode() { return Objects.hash(version, pingMillis); }
}
