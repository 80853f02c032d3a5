package io.gatehouse.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free ports on loopback for the members a test starts. */
public final class LoopbackPorts {
    private LoopbackPorts() {}

    /**
     * The first of {@code count} consecutive ports that are free now, chosen at random between 15,000
     * and 25,000: below the ephemeral range that the operating system hands out to other sockets.
     */
    public static int freeBlock(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = 15_000 + (int) (Math.random() * 10_000);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports");
    }

    private static boolean allFree(int first, int count) {
        List<ServerSocket> bound = new ArrayList<>();
        try {
            for (int port = first; port < first + count; port++) {
                bound.add(new ServerSocket(port));
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            for (ServerSocket socket : bound) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket that was just bound
                }
            }
        }
    }
}
