package io.gatehouse.bench.latency;

import io.gatehouse.bench.httpclient.Samples;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** The markdown report of one {@link AddedLatency} run. Not thread-safe; one per run. */
final class Report {
    private static final double[] QUANTILES = {0.50, 0.90, 0.99, 0.999};
    private static final String[] QUANTILE_NAMES = {"p50", "p90", "p99", "p99.9"};

    private final AddedLatency.Settings settings;
    private final Instant started;
    private final String loadBefore;
    private final String loadAfter;
    private final List<AddedLatency.Target> targets;
    private final Map<String, AddedLatency.Totals> totals;
    private final Map<String, AddedLatency.StreamTotals> streams;
    private final Map<String, long[]> memory;
    private final List<NodeProcess> nodes;
    private final long failures;
    private final int responseBytes;
    private final int requestBytes;
    private final StringBuilder md = new StringBuilder();

    Report(
            AddedLatency.Settings settings,
            Instant started,
            String loadBefore,
            String loadAfter,
            List<AddedLatency.Target> targets,
            Map<String, AddedLatency.Totals> totals,
            Map<String, AddedLatency.StreamTotals> streams,
            Map<String, long[]> memory,
            List<NodeProcess> nodes,
            long failures,
            int responseBytes,
            int requestBytes) {
        this.settings = settings;
        this.started = started;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.targets = targets;
        this.totals = totals;
        this.streams = streams;
        this.memory = memory;
        this.nodes = nodes;
        this.failures = failures;
        this.responseBytes = responseBytes;
        this.requestBytes = requestBytes;
    }

    String markdown() {
        AddedLatency.Target direct = targets.getFirst();
        List<AddedLatency.Target> gateways = targets.subList(1, targets.size());
        line("## Added latency, %s UTC (mode %s)", started, settings.mode());
        line("");
        line(
                "- Machine: %d cores, %s %s; load average before `%s`, after `%s`.",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                loadBefore,
                loadAfter);
        line(
                "- Harness JVM: %s %s, `%s`.",
                System.getProperty("java.vm.vendor"),
                Runtime.version(),
                String.join(
                        " ",
                        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                .filter(a -> !a.startsWith("-Dbench."))
                                .toList()));
        line("- Nodes: `%s` (one process per variant).", String.join(" ", settings.nodeJvmOptions()));
        line(
                "- Sequential POST /v1/chat/completions, %d-byte request, %d-byte response, one keep-alive"
                        + " connection per target; %d warm-up + %d measured rounds of %d calls per target, order"
                        + " shuffled each round; %d failed calls.",
                requestBytes, responseBytes, settings.warmupRounds(), settings.rounds(), settings.perRound(), failures);
        line("");
        StringBuilder header = new StringBuilder("| percentile | " + direct.label() + " (µs) |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (AddedLatency.Target g : gateways) {
            header.append(' ').append(g.label()).append(" (µs) | added (µs) | × direct |");
            rule.append("---:|---:|---:|");
        }
        line("%s", header);
        line("%s", rule);
        Samples base = totals.get(direct.key()).samples;
        for (int i = 0; i < QUANTILES.length; i++) {
            long b = base.quantile(QUANTILES[i]);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s |", QUANTILE_NAMES[i], us(b)));
            for (AddedLatency.Target g : gateways) {
                long v = totals.get(g.key()).samples.quantile(QUANTILES[i]);
                row.append(String.format(Locale.ROOT, " %s | **%s** | %.2f |", us(v), us(v - b), (double) v / b));
            }
            line("%s", row);
        }
        line("");
        line(
                "Samples per target: %d. Added p50 and p99 per round (gateway minus direct in the same round),"
                        + " min / median / max:",
                base.size());
        line("");
        line("| variant | added p50 per round (µs) | added p99 per round (µs) | node CPU per call, user + sys (µs) |");
        line("|---|---|---|---:|");
        for (AddedLatency.Target g : gateways) {
            AddedLatency.Totals t = totals.get(g.key());
            AddedLatency.Totals d = totals.get(direct.key());
            long[] cpu = t.cpuTicks;
            String cpuPerCall = cpu == null || t.samples.size() == 0
                    ? "n/a"
                    : String.format(
                            Locale.ROOT,
                            "%.0f + %.0f",
                            cpu[0] * 1e6 / settings.clockTicksPerSecond() / t.samples.size(),
                            cpu[1] * 1e6 / settings.clockTicksPerSecond() / t.samples.size());
            line(
                    "| %s | %s | %s | %s |",
                    g.label(),
                    spread(paired(t.roundP50, d.roundP50)),
                    spread(paired(t.roundP99, d.roundP99)),
                    cpuPerCall);
        }
        line("");
        threadTable(gateways);
        streamTable(direct, gateways);
        memoryTable();
        return md.toString();
    }

    /** Where each node spent its CPU during the measured sequential rounds, per call. */
    private void threadTable(List<AddedLatency.Target> gateways) {
        line(
                "Node CPU per call during the measured sequential rounds by thread group (µs; groups under 2 µs left out):");
        line("");
        line(
                "| thread group | %s |",
                String.join(
                        " | ", gateways.stream().map(AddedLatency.Target::label).toList()));
        line("|---|%s", "---:|".repeat(gateways.size()));
        Set<String> groups = new TreeSet<>();
        gateways.forEach(g -> groups.addAll(totals.get(g.key()).threadTicks.keySet()));
        for (String group : groups) {
            StringBuilder row = new StringBuilder("| `" + group + "` |");
            boolean shown = false;
            for (AddedLatency.Target g : gateways) {
                AddedLatency.Totals t = totals.get(g.key());
                double perCall = t.threadTicks.getOrDefault(group, 0L)
                        * 1e6
                        / settings.clockTicksPerSecond()
                        / Math.max(1, t.samples.size());
                shown |= perCall >= 2;
                row.append(String.format(Locale.ROOT, " %.0f |", perCall));
            }
            if (shown) {
                line("%s", row);
            }
        }
        line("");
    }

    private void streamTable(AddedLatency.Target direct, List<AddedLatency.Target> gateways) {
        AddedLatency.StreamTotals base = streams.get(direct.key());
        line(
                "Streaming: POST with `\"stream\":true`; the upstream sends %d events %d ms apart; %d warm-up + %d"
                        + " measured rounds of %d streams per target. TTFB runs from the send to the first body"
                        + " byte; the gap is between consecutive events at the client; the event delay runs from"
                        + " the upstream's write of an event to its arrival at the client (same clock).",
                settings.streamEvents(),
                settings.streamIntervalMillis(),
                settings.streamWarmupRounds(),
                settings.streamRounds(),
                settings.streamsPerRound());
        line("");
        StringBuilder header = new StringBuilder("| metric | " + direct.label() + " |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (AddedLatency.Target g : gateways) {
            header.append(' ').append(g.label()).append(" | added |");
            rule.append("---:|---:|");
        }
        line("%s", header);
        line("%s", rule);
        streamRow("TTFB p50 (ms)", base, gateways, s -> s.firstByte.quantile(0.5), 1e6);
        streamRow("TTFB max (ms)", base, gateways, s -> s.firstByte.quantile(1.0), 1e6);
        streamRow("inter-event gap p50 (ms)", base, gateways, s -> s.gaps.quantile(0.5), 1e6);
        streamRow("inter-event gap p99 (ms)", base, gateways, s -> s.gaps.quantile(0.99), 1e6);
        streamRow("|gap − upstream's gap| p50 (µs)", base, gateways, s -> s.gapExcess.quantile(0.5), 1e3);
        streamRow("|gap − upstream's gap| p99 (µs)", base, gateways, s -> s.gapExcess.quantile(0.99), 1e3);
        streamRow("event delay p50 (µs)", base, gateways, s -> s.delays.quantile(0.5), 1e3);
        streamRow("event delay p99 (µs)", base, gateways, s -> s.delays.quantile(0.99), 1e3);
        streamRow("event delay max (µs)", base, gateways, s -> s.delays.quantile(1.0), 1e3);
        StringBuilder counts = new StringBuilder(
                String.format(Locale.ROOT, "| streams / events | %d / %d |", base.streams, base.delays.size()));
        for (AddedLatency.Target g : gateways) {
            AddedLatency.StreamTotals s = streams.get(g.key());
            counts.append(String.format(Locale.ROOT, " %d / %d | |", s.streams, s.delays.size()));
        }
        line("%s", counts);
        line("");
    }

    private void streamRow(
            String name,
            AddedLatency.StreamTotals base,
            List<AddedLatency.Target> gateways,
            ToLongFunction<AddedLatency.StreamTotals> metric,
            double unit) {
        long b = metric.applyAsLong(base);
        String format = unit >= 1e6 ? "%.2f" : "%.0f";
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | " + format + " |", name, b / unit));
        for (AddedLatency.Target g : gateways) {
            long v = metric.applyAsLong(streams.get(g.key()));
            row.append(String.format(Locale.ROOT, " " + format + " | " + format + " |", v / unit, (v - b) / unit));
        }
        line("%s", row);
    }

    private void memoryTable() {
        line("Resident memory of the node processes (`/proc/PID/status`):");
        line("");
        line("| node | RSS after start (MiB) | RSS at end (MiB) | peak RSS, VmHWM (MiB) |");
        line("|---|---:|---:|---:|");
        for (NodeProcess n : nodes) {
            long[] kib = memory.get(n.name());
            line("| %s | %s | %s | %s |", n.name(), mib(kib[0]), mib(kib[1]), mib(kib[2]));
        }
        line("");
    }

    /** Per-round differences of two systems' figures, round by round. */
    static List<Long> paired(List<Long> gateway, List<Long> direct) {
        List<Long> added = new ArrayList<>();
        for (int i = 0; i < Math.min(gateway.size(), direct.size()); i++) {
            added.add(gateway.get(i) - direct.get(i));
        }
        return added;
    }

    private static String spread(List<Long> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return us(sorted.getFirst()) + " / " + us(sorted.get(sorted.size() / 2)) + " / " + us(sorted.getLast());
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    /** KiB as whole MiB, or {@code n/a} when unknown (negative). */
    static String mib(long kib) {
        return kib < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
    }

    private void line(String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
