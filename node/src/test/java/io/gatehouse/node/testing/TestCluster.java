package io.gatehouse.node.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Free loopback ports for an in-JVM cluster of nodes, and each node's {@code cluster:} section. */
public final class TestCluster {
    private final String name;
    private final List<Integer> ports;

    private TestCluster(String name, List<Integer> ports) {
        this.name = name;
        this.ports = ports;
    }

    /** A cluster of {@code size} members with a name of its own, so parallel clusters never merge. */
    public static TestCluster of(int size) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(freePort());
        }
        return new TestCluster("test-" + Long.toHexString(System.nanoTime()), ports);
    }

    /** The {@code cluster:} section of member {@code index}. */
    public String yaml(int index) {
        String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(", ", "[", "]"));
        return "cluster: { name: " + name + ", bind_address: 127.0.0.1, port: " + ports.get(index) + ", members: "
                + members + " }\n";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
