package io.mongosteward.api.v1alpha1;

import java.util.Objects;

public class ServerStatus {
  private String version;
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
