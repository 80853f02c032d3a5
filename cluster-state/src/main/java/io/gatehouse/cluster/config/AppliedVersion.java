package io.gatehouse.cluster.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What one member reports. Immutable.
 *
 * @param memberId the member's cluster id (a new one after the member rejoins from a split)
 * @param nodeName the node's name
 * @param version the configuration version it runs
 * @param appliedAt when it reported that version
 */
public record AppliedVersion(String memberId, String nodeName, long version, Instant appliedAt) {
    public AppliedVersion {
        requireNonNull(memberId, "memberId");
        requireNonNull(nodeName, "nodeName");
        requireNonNull(appliedAt, "appliedAt");
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
        }
    }
}
