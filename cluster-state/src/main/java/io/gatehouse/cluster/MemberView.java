package io.gatehouse.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One member as the cluster sees it. Immutable.
 *
 * @param name the node's name
 * @param address its member address ({@code host:port})
 * @param version the Gatehouse version it runs
 * @param startedAt when it started
 * @param local whether it is this node
 * @param configVersion the configuration version it reports it runs; 0 until it reports one
 */
public record MemberView(
        String name, String address, String version, Instant startedAt, boolean local, long configVersion) {
    public MemberView {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        requireNonNull(version, "version");
        requireNonNull(startedAt, "startedAt");
        if (configVersion < 0) {
            throw new IllegalArgumentException("configVersion: " + configVersion + " (expected: >= 0)");
        }
    }
}
