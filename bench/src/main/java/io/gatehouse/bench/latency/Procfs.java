package io.gatehouse.bench.latency;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Readings of other processes from {@code /proc} (Linux). Stateless and thread-safe. */
final class Procfs {
    private Procfs() {}

    /** A field of {@code /proc/PID/status} in KiB (VmRSS, VmHWM), or -1 if unavailable. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * User and system CPU time consumed so far, in clock ticks (from {@code /proc/PID/stat}), or
     * null if unavailable.
     */
    static long[] cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A group of threads' counters so far: how many there are, their CPU time (user + system clock
     * ticks), and their context switches: voluntary ones (the thread waited and was woken again) and
     * involuntary ones (the scheduler took the core away).
     */
    record Threads(int count, long cpuTicks, long voluntarySwitches, long involuntarySwitches) {
        Threads plus(Threads other) {
            return new Threads(
                    count + other.count,
                    cpuTicks + other.cpuTicks,
                    voluntarySwitches + other.voluntarySwitches,
                    involuntarySwitches + other.involuntarySwitches);
        }

        /** The counts since {@code before}; the thread count is this one's. */
        Threads since(Threads before) {
            return new Threads(
                    count,
                    cpuTicks - before.cpuTicks,
                    voluntarySwitches - before.voluntarySwitches,
                    involuntarySwitches - before.involuntarySwitches);
        }
    }

    /**
     * The counters of a process's threads, grouped by thread name with numbers replaced by N
     * ({@code XNIO-N I/O-N}); empty if the process is gone.
     */
    static Map<String, Threads> threadsByGroup(long pid) {
        Map<String, Threads> groups = new TreeMap<>();
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path thread : threads) {
                try {
                    String name = Files.readString(thread.resolve("comm")).strip();
                    String stat = Files.readString(thread.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    long voluntary = 0;
                    long involuntary = 0;
                    for (String line : Files.readAllLines(thread.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            voluntary = Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).strip());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            involuntary = Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                    groups.merge(
                            name.replaceAll("[0-9]+", "N"),
                            new Threads(1, ticks, voluntary, involuntary),
                            Threads::plus);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return groups;
    }

    /** The process and all its living descendants (nginx's workers, say), parent first. */
    static List<Long> tree(ProcessHandle root) {
        List<Long> pids = new ArrayList<>();
        if (root.isAlive()) {
            pids.add(root.pid());
        }
        root.descendants().filter(ProcessHandle::isAlive).forEach(p -> pids.add(p.pid()));
        return pids;
    }
}
