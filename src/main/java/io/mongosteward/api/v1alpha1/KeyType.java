package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum KeyType {
  @JsonProperty("text") text,
  @JsonProperty("hashed") hashed,
  @JsonProperty("2dsphere") geo2dsphere,
  @JsonProperty("2d") geo2d;

  /** The value MongoDB stores in the index's key document. */
  public String mongoValue() {
    return switch (this) {
      case text -> "text";
      case hashed -> "hashed";
      case geo2dsphere -> "2dsphere";
      case geo2d -> "2d";
    };
  }
}
