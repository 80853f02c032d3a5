package io.gatehouse.node.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Gatehouse node running as a separate process from the built distribution
 * ({@code node/target/dist}), for tests where a node must really die. Its output goes to a log file
 * beside its config.
 */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int httpPort;
    private final int adminPort;
    private final Path log;

    private NodeProcess(Process process, int httpPort, int adminPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
        this.log = log;
    }

    /** Starts a node with {@code yaml} (which must set the ports) and waits until it is ready. */
    public static NodeProcess start(Path dir, String name, String yaml, int httpPort, int adminPort)
            throws IOException, InterruptedException {
        Path jar = Path.of("target", "dist", "gatehouse-node.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first");
        }
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, yaml);
        Path log = dir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        NodeProcess node = new NodeProcess(process, httpPort, adminPort, log);
        node.awaitReady(Duration.ofSeconds(90));
        return node;
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("node not ready in " + timeout + ": " + Files.readString(log));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int adminPort() {
        return adminPort;
    }

    /** The node's metrics, in Prometheus text format, from its admin port. */
    public String metrics() throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the process at once (SIGKILL): no graceful shutdown, no goodbye to the cluster. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the process where it is (SIGSTOP): alive, holding its connections, answering nothing. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen process go on (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** {@code count} distinct free ports. */
    public static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
