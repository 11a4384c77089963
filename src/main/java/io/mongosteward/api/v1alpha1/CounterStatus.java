package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

public class CounterStatus {
  @JsonPropertyDescription("The counter name.")
  private String name;
  @JsonPropertyDescription("Its seq: the last id handed out, at or above the max of its seed field.")
  private Long value;

  public CounterStatus() {}
  public CounterStatus(String name, Long value) { this.name = name; this.value = value; }
  public String getName() { return name; }
  public void setName(String v) { this.name = v; }
  public Long getValue() { return value; }
  public void setValue(Long v) { this.value = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof CounterStatus c && Objects.equals(name, c.name) && Objects.equals(value, c.value);
  }

  @Override
  public int hashCode() { return Objects.hash(name, value); }
}
