package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.httpclient.Samples;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;

/**
 * Where a node's threads spend a sequential call: for each group of its threads, CPU time and
 * context switches per call. A voluntary switch is a thread that waited and was woken again, so
 * the voluntary switches per call count the thread wake-ups a call costs; on a machine with few
 * cores each one is a system call on the waking side and a trip through the scheduler on the other.
 * One node with JWT authentication, the five policies of {@link BenchPolicies} and their limits
 * (as the added-latency harness's {@code gw-jwt}), a loopback upstream with no delay, and one
 * keep-alive connection; the direct path is measured alongside for reference.
 *
 * <p>Run by {@code bench/wakeups.sh}. Settings: {@code -Dbench.calls} (per pass, default 20,000),
 * {@code -Dbench.passes} (default 2; the first warms the node up) and those of {@link
 * AddedLatency.Settings}.
 */
public final class Wakeups {
    private Wakeups() {}

    public static void main(String[] args) throws Exception {
        AddedLatency.Settings settings =
                AddedLatency.Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        int calls = Integer.getInteger("bench.calls", 20_000);
        int passes = Integer.getInteger("bench.passes", 2);
        settings.createDirectories();
        StringBuilder report = new StringBuilder("# Wake-ups and CPU per sequential call\n\n");
        try (SecuredNode secured = SecuredNode.start(settings, "wakeups")) {
            NodeProcess node = secured.node();
            for (int pass = 1; pass <= passes; pass++) {
                Samples direct = sequential(secured, secured.direct(), calls);
                LimitChecks checksBefore = LimitChecks.of(secured.metrics());
                Map<String, Procfs.Threads> before = node.threadsByGroup();
                Samples viaNode = sequential(secured, secured.viaNode(), calls);
                Map<String, Procfs.Threads> after = node.threadsByGroup();
                LimitChecks checksAfter = LimitChecks.of(secured.metrics());
                report.append(String.format(
                        Locale.ROOT,
                        "## Pass %d of %d%s%n%n%,d calls each. Latency p50 / p99: direct %.0f / %.0f µs, through the"
                                + " node %.0f / %.0f µs (added at p50: %.0f µs).%n%n",
                        pass,
                        passes,
                        pass < passes ? " (warm-up)" : "",
                        calls,
                        direct.quantile(0.50) / 1e3,
                        direct.quantile(0.99) / 1e3,
                        viaNode.quantile(0.50) / 1e3,
                        viaNode.quantile(0.99) / 1e3,
                        (viaNode.quantile(0.50) - direct.quantile(0.50)) / 1e3));
                report.append(LimitChecks.since(checksBefore, checksAfter)).append("\n\n");
                report.append(table(before, after, calls, settings.clockTicksPerSecond()));
            }
        }
        Files.writeString(settings.outFile(".md"), report);
        System.out.println();
        System.out.println(report);
    }

    private static String table(
            Map<String, Procfs.Threads> before, Map<String, Procfs.Threads> after, int calls, long ticksPerSecond) {
        StringBuilder table = new StringBuilder(
                "| thread group | threads | CPU per call (µs) | wake-ups per call | preemptions per call |\n"
                        + "|---|---:|---:|---:|---:|\n");
        double total = 0;
        double wakeups = 0;
        for (Map.Entry<String, Procfs.Threads> group : after.entrySet()) {
            Procfs.Threads done =
                    group.getValue().since(before.getOrDefault(group.getKey(), new Procfs.Threads(0, 0, 0, 0)));
            double cpuMicros = done.cpuTicks() * 1e6 / ticksPerSecond / calls;
            double voluntary = (double) done.voluntarySwitches() / calls;
            double involuntary = (double) done.involuntarySwitches() / calls;
            total += cpuMicros;
            wakeups += voluntary;
            if (cpuMicros >= 0.5 || voluntary >= 0.01) {
                table.append(String.format(
                        Locale.ROOT,
                        "| `%s` | %d | %.1f | %.2f | %.3f |%n",
                        group.getKey(),
                        done.count(),
                        cpuMicros,
                        voluntary,
                        involuntary));
            }
        }
        table.append(String.format(Locale.ROOT, "| all | | %.1f | %.2f | |%n%n", total, wakeups));
        return table.toString();
    }

    private static Samples sequential(SecuredNode secured, URI uri, int calls)
            throws InterruptedException, IOException {
        Samples samples = new Samples();
        for (int i = 0; i < calls; i++) {
            samples.add(secured.call(uri, i));
        }
        return samples;
    }
}
