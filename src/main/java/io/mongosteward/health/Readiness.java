package io.mongosteward.health;

/**
 * A verdict for /readyz and /health.
 *
 * @param ready whether the process should receive traffic (200) or not (503)
 * @param status one word for people and dashboards, e.g. up, slow, stale, down, starting
 * @param reason one sentence that explains the verdict; never a credential
 */
public record Readiness(boolean ready, String status, String reason) {}
