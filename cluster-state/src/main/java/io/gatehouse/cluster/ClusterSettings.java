package io.gatehouse.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How a node joins its cluster. Immutable.
 *
 * @param clusterName members only join a cluster of the same name
 * @param memberName this member's name (the node's name)
 * @param bindAddress the interface the member port listens on
 * @param port the member port (the next free port above it is tried if taken, up to 20)
 * @param members addresses ({@code host:port}) of the members to join through; empty for a cluster
 *     of one, which also turns off joining altogether
 * @param kubernetes whether to find members through the Kubernetes API instead of {@code members}
 * @param expectedMembers the size of the whole cluster, for the split-brain share of limits; at
 *     least 1
 * @param responseCacheMegabytes the heap the response cache's answers may take on this member
 *     before the least recently used are evicted; at least 1
 */
public record ClusterSettings(
        String clusterName,
        String memberName,
        String bindAddress,
        int port,
        List<String> members,
        boolean kubernetes,
        int expectedMembers,
        int responseCacheMegabytes) {

    /** The heap the response cache takes on a member unless configured otherwise. */
    public static final int DEFAULT_RESPONSE_CACHE_MEGABYTES = 32;

    /** With the default {@link #DEFAULT_RESPONSE_CACHE_MEGABYTES} for the response cache. */
    public ClusterSettings(
            String clusterName,
            String memberName,
            String bindAddress,
            int port,
            List<String> members,
            boolean kubernetes,
            int expectedMembers) {
        this(
                clusterName,
                memberName,
                bindAddress,
                port,
                members,
                kubernetes,
                expectedMembers,
                DEFAULT_RESPONSE_CACHE_MEGABYTES);
    }

    public ClusterSettings {
        requireNonNull(clusterName, "clusterName");
        requireNonNull(memberName, "memberName");
        requireNonNull(bindAddress, "bindAddress");
        members = List.copyOf(members);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (expectedMembers < 1) {
            throw new IllegalArgumentException("expectedMembers: " + expectedMembers + " (expected: >= 1)");
        }
        if (responseCacheMegabytes < 1) {
            throw new IllegalArgumentException(
                    "responseCacheMegabytes: " + responseCacheMegabytes + " (expected: >= 1)");
        }
    }
}
