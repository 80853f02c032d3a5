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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A system under test other than a Gatehouse node, run as its own process in the foreground: nginx
 * ({@code daemon off}, so its workers are this process's children) or the Portkey gateway on
 * Node.js. Its PID is appended to a file so the calling script can stop it even if this JVM dies.
 * Not thread-safe, except {@link #pids()}.
 */
final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> command;
    private final Path log;

    private ServiceProcess(String name, Process process, List<String> command, Path log) {
        this.name = name;
        this.process = process;
        this.command = command;
        this.log = log;
    }

    /** Starts {@code command} in {@code dir} with {@code env} added; stdout and stderr go to {@code log}. */
    static ServiceProcess start(
            String name, List<String> command, Path dir, Map<String, String> env, Path log, Path pidFile)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        Files.writeString(
                pidFile,
                process.pid() + "\n",
                StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return new ServiceProcess(name, process, List.copyOf(command), log);
    }

    String name() {
        return name;
    }

    List<String> command() {
        return command;
    }

    Path log() {
        return log;
    }

    /** The process and its living descendants. */
    List<Long> pids() {
        return Procfs.tree(process.toHandle());
    }

    /** Waits until {@code uri} answers {@code GET} with any HTTP status. */
    void awaitHttp(BenchClient client, URI uri, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with status " + process.exitValue() + "; see " + log + ": " + tail());
            }
            try {
                client.get(uri).get(2, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not answering " + uri + " after " + timeoutMillis + " ms; see " + log);
    }

    /** The last lines of the log, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the process (SIGTERM), forcibly with its descendants if it takes longer than 10 s. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
