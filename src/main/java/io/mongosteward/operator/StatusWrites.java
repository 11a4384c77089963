package io.mongosteward.operator;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a status must be written, per resource key. The copy a reconcile gets comes from
 * the informer's cache, which can still hold a status older than the one this operator wrote a
 * moment before: a run that ends as fast as it began writes Pending, then Running, then finds the
 * cache at Pending again, and comparing with the cache alone would skip writing Pending back,
 * leaving Running on the API server until the next recheck. So a write is skipped only when the
 * cached status and this operator's last write for the key both equal the next one.
 */
final class StatusWrites<S> {
  private final Map<String, S> lastWritten = new ConcurrentHashMap<>();

  /** True when {@code next} must be written; then it counts as this key's last write. */
  boolean needsWrite(String key, S cached, S next) {
    S last = lastWritten.get(key);
    if (Objects.equals(next, cached) && (last == null || Objects.equals(next, last))) {
      return false;
    }
    lastWritten.put(key, next);
    return true;
  }

  void forget(String key) {
    lastWritten.remove(key);
  }
}
