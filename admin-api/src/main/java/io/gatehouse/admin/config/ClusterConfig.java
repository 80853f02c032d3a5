package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How the node joins its cluster (the {@code cluster} key). Immutable.
 *
 * @param name members only join a cluster of the same name
 * @param bindAddress the interface the member port listens on
 * @param port the member port ({@code GATEHOUSE_CLUSTER_PORT})
 * @param members {@code host:port} of the members to join ({@code GATEHOUSE_CLUSTER_MEMBERS})
 * @param kubernetes whether to discover members through the Kubernetes API instead
 * @param expectedMembers the size of the whole cluster, below which limits shrink to the visible share
 * @param cacheMemoryMegabytes the heap the response cache may take on this member
 */
public record ClusterConfig(
        String name,
        String bindAddress,
        int port,
        List<String> members,
        boolean kubernetes,
        int expectedMembers,
        int cacheMemoryMegabytes) {

    public ClusterConfig {
        requireNonNull(name, "name");
        requireNonNull(bindAddress, "bindAddress");
        members = List.copyOf(members);
    }
}
