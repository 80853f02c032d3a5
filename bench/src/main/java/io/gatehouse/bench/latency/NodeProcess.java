package io.gatehouse.bench.latency;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Gatehouse node started as its own process ({@code java -jar gatehouse-node.jar --config
 * FILE}), as a user starts it. Its PID is appended to a file so the calling script can stop it even
 * if this JVM dies. Not thread-safe.
 */
final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int httpPort;
    private final int adminPort;
    private final List<String> command;
    private final Path log;

    private NodeProcess(String name, Process process, int httpPort, int adminPort, List<String> command, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
        this.command = command;
        this.log = log;
    }

    /**
     * Starts a node; {@code stdout} receives its access log and {@code stderr} its application log.
     */
    static NodeProcess start(
            String name,
            Path java,
            List<String> jvmOptions,
            Path jar,
            Path config,
            int httpPort,
            int adminPort,
            Path stdout,
            Path stderr,
            Path pidFile)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // The config file decides ports and names; a GATEHOUSE_* variable in the caller's
        // environment would silently override it.
        builder.environment().keySet().removeIf(k -> k.startsWith("GATEHOUSE_"));
        Process process = builder.start();
        Files.writeString(
                pidFile,
                process.pid() + "\n",
                StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return new NodeProcess(name, process, httpPort, adminPort, List.copyOf(command), stderr);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    List<String> command() {
        return command;
    }

    URI chatUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/v1/chat/completions");
    }

    /** Waits until {@code /readyz} on the admin port answers 200. */
    void awaitReady(BenchClient client, long timeoutMillis) throws InterruptedException {
        URI readyz = URI.create("http://127.0.0.1:" + adminPort + "/readyz");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "node " + name + " exited with status " + process.exitValue() + "; see " + log);
            }
            try {
                if (client.get(readyz).get(2, TimeUnit.SECONDS) == 200) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node " + name + " not ready after " + timeoutMillis + " ms; see " + log);
    }

    /** A field of {@code /proc/PID/status} in KiB (VmRSS, VmHWM), or -1 if unavailable. */
    long statusKib(String field) {
        return Procfs.statusKib(process.pid(), field);
    }

    /** User and system CPU time consumed so far, in clock ticks, or null if unavailable. */
    long[] cpuTicks() {
        return Procfs.cpuTicks(process.pid());
    }

    /** The node's port for data-plane requests. */
    int httpPort() {
        return httpPort;
    }

    /** The node's admin URI for {@code path}. */
    URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    /**
     * CPU time (user + system clock ticks) consumed so far by each group of the node's threads,
     * grouped by thread name with numbers replaced by N ({@code XNIO-N I/O-N}, {@code CN CompilerThre}).
     */
    Map<String, Long> cpuTicksByThreadGroup() {
        Map<String, Long> ticks = new TreeMap<>();
        threadsByGroup().forEach((group, threads) -> ticks.put(group, threads.cpuTicks()));
        return ticks;
    }

    /**
     * What each group of the node's threads (named as in {@link #cpuTicksByThreadGroup}) has done so
     * far: CPU time and context switches, from {@code /proc/PID/task/*}.
     */
    Map<String, Procfs.Threads> threadsByGroup() {
        return Procfs.threadsByGroup(process.pid());
    }

    /** Stops the node with SIGTERM (it drains and exits), forcibly if it takes longer than 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
