package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How limits are enforced (the {@code limits} key); the limits themselves come from policies.
 * Immutable.
 *
 * @param timeout how long a limit check may wait for the member that owns the key
 * @param failOpen whether a request is let through (true) or refused with 503 (false) when the check
 *     cannot be answered in time
 * @param defaultMaxOutputTokens the output tokens reserved for a request that sets no max_tokens
 * @param localLease the share of each busy limit that the nodes together may hold as local leases
 *     (0 to 0.1; 0: every check at the counter's owner)
 */
public record LimitsConfig(Duration timeout, boolean failOpen, int defaultMaxOutputTokens, double localLease) {
    public static final LimitsConfig DEFAULT = new LimitsConfig(Duration.ofSeconds(1), true, 4096, 0.01);

    public LimitsConfig {
        requireNonNull(timeout, "timeout");
    }
}
