package io.mongosteward.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationProgress {
  @JsonPropertyDescription("Documents read so far.")
  private Long scanned;
  @JsonPropertyDescription("Documents written (backfill) or removed (deduplicate) so far; with dryRun, that would be.")
  private Long changed;
  @JsonPropertyDescription("Documents copied to the archive collection so far (deduplicate).")
  private Long archived;
  @JsonPropertyDescription("Documents to read in all, as estimated at the start.")
  private Long total;
  @JsonPropertyDescription("scanned as a percentage of total, 0 to 100.")
  private Integer percent;
  @JsonPropertyDescription("percent with a % sign, for kubectl get.")
  private String percentText;
  @JsonPropertyDescription("Documents read per second over the last batches.")
  private Double rate;
  @JsonPropertyDescription("Seconds left at that rate.")
  private Long etaSeconds;
  @JsonPropertyDescription("etaSeconds as a duration such as 4m10s, for kubectl get.")
  private String eta;

  public Long getScanned() { return scanned; }
  public void setScanned(Long v) { this.scanned = v; }
  public Long getChanged() { return changed; }
  public void setChanged(Long v) { this.changed = v; }
  public Long getArchived() { return archived; }
  public void setArchived(Long v) { this.archived = v; }
  public Long getTotal() { return total; }
  public void setTotal(Long v) { this.total = v; }
  public Integer getPercent() { return percent; }
  public void setPercent(Integer v) { this.percent = v; }
  public String getPercentText() { return percentText; }
  public void setPercentText(String v) { this.percentText = v; }
  public Double getRate() { return rate; }
  public void setRate(Double v) { this.rate = v; }
  public Long getEtaSeconds() { return etaSeconds; }
  public void setEtaSeconds(Long v) { this.etaSeconds = v; }
  public String getEta() { return eta; }
  public void setEta(String v) { this.eta = v; }

  @Override
  public boolean equals(Object o) {
    return o instanceof MigrationProgress p && Objects.equals(scanned, p.scanned) && Objects.equals(changed, p.changed)
        && Objects.equals(archived, p.archived) && Objects.equals(total, p.total) && Objects.equals(percent, p.percent)
        && Objects.equals(rate, p.rate) && Objects.equals(etaSeconds, p.etaSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scanned, changed, archived, total, percent, rate, etaSeconds);
  }
}
