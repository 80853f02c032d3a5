package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Per-provider response timeouts. Immutable.
 *
 * @param firstByte how long to wait from sending the request until the response begins
 * @param idle how long a response may stay silent once it has begun (between stream events)
 */
public record Timeouts(Duration firstByte, Duration idle) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30));

    public Timeouts {
        requireNonNull(firstByte, "firstByte");
        requireNonNull(idle, "idle");
    }
}
