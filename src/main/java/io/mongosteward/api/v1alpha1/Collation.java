package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** MongoDB collation; fields left unset take the locale's defaults and are not compared. */
public class Collation {
  @Required @Size(min = 1, max = 64) @Pattern("^\\S+$")
  @JsonPropertyDescription("ICU locale, such as en or fr_CA, or simple for binary comparison. Required; no spaces.")
  private String locale;
  @Min(1) @Max(5) @JsonPropertyDescription("Comparison level 1 to 5; 1 ignores case and diacritics, 2 ignores case.")
  private Integer strength;
  @JsonPropertyDescription("Include case comparison at strength 1 or 2.")
  private Boolean caseLevel;
  @Pattern("^(upper|lower|off)$")
  @JsonPropertyDescription("Sort order of case differences at tertiary strength: upper, lower or off.")
  private String caseFirst;
  @JsonPropertyDescription("Compare numeric strings as numbers.")
  private Boolean numericOrdering;
  @Pattern("^(non-ignorable|shifted)$")
  @JsonPropertyDescription("Whether whitespace and punctuation count as base characters: non-ignorable or shifted.")
  private String alternate;
  @Pattern("^(punct|space)$")
  @JsonPropertyDescription("With alternate shifted, which characters are ignorable: punct (whitespace and punctuation) or space (whitespace).")
  private String maxVariable;
  @JsonPropertyDescription("Check whether text requires normalization and normalize it for comparison.")
  private Boolean normalization;
  @JsonPropertyDescription("Sort secondary differences from the end of the string.")
  private Boolean backwards;

  public String getLocale() { return locale; }
  public void setLocale(String v) { this.locale = v; }
  public Integer getStrength() { return strength; }
  public void setStrength(Integer v) { this.strength = v; }
  public Boolean getCaseLevel() { return caseLevel; }
  public void setCaseLevel(Boolean v) { this.caseLevel = v; }
  public String getCaseFirst() { return caseFirst; }
  public void setCaseFirst(String v) { this.caseFirst = v; }
  public Boolean getNumericOrdering() { return numericOrdering; }
  public void setNumericOrdering(Boolean v) { this.numericOrdering = v; }
  public String getAlternate() { return alternate; }
  public void setAlternate(String v) { this.alternate = v; }
  public String getMaxVariable() { return maxVariable; }
  public void setMaxVariable(String v) { this.maxVariable = v; }
  public Boolean getNormalization() { return normalization; }
  public void setNormalization(Boolean v) { this.normalization = v; }
  public Boolean getBackwards() { return backwards; }
  public void setBackwards(Boolean v) { this.backwards = v; }
}
