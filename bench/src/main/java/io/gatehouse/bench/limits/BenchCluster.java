package io.gatehouse.bench.limits;

import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Real cluster members in the benchmark's JVM, talking over TCP on loopback. */
public final class BenchCluster {
    private BenchCluster() {}

    /** Forms a cluster of one member, or of two, and waits until every member sees the others. */
    public static List<ClusterMember> form(int size) throws Exception {
        if (size < 1 || size > 2) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1 or 2)");
        }
        int port = freePortPair();
        List<String> addresses = size == 1 ? List.of() : List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
        String name = "bench-" + port;
        List<ClusterMember> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(ClusterMember.start(
                    new ClusterSettings(name, "bench-" + i, "127.0.0.1", port + i, addresses, false, size), "bench"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (members.getFirst().members().size() < size) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "cluster did not form: " + members.getFirst().members());
            }
            Thread.sleep(50);
        }
        return members;
    }

    /**
     * Two adjacent free ports, below Linux's ephemeral range (32768 and up), from which the first
     * member's outgoing connections could take the second's port before it binds it.
     */
    private static int freePortPair() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket a = new ServerSocket(port, 1, loopback);
                    ServerSocket b = new ServerSocket(port + 1, 1, loopback)) {
                return port;
            } catch (IOException taken) {
                // try another pair
            }
        }
        throw new IOException("no two adjacent free ports");
    }
}
