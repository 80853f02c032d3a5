package io.gatehouse.bench.latency;

import io.gatehouse.bench.httpclient.Samples;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The markdown report and summary CSV of one {@link SideBySide} run. Not thread-safe; one per run. */
final class SideBySideReport {
    private static final String GH = "gh-single";

    private final SideBySide.Settings settings;
    private final Instant started;
    private final String loadBefore;
    private final String loadAfter;
    private final List<AddedLatency.Target> targets;
    private final Map<String, List<SideBySide.Member>> members;
    private final List<String> notes;
    private final Map<String, AddedLatency.Totals> sequential;
    private final Map<String, SideBySide.Load> throughput;
    private final Map<String, SideBySide.Load> open;
    private final Map<String, AddedLatency.StreamTotals> streams;
    private final Map<String, Long> lifetimePeakKib;
    private final long failures;
    private final int responseBytes;
    private final int requestBytes;
    private final long upstreamRequests;
    private final StringBuilder md = new StringBuilder();

    SideBySideReport(
            SideBySide.Settings settings,
            Instant started,
            String loadBefore,
            String loadAfter,
            List<AddedLatency.Target> targets,
            Map<String, List<SideBySide.Member>> members,
            List<String> notes,
            Map<String, AddedLatency.Totals> sequential,
            Map<String, SideBySide.Load> throughput,
            Map<String, SideBySide.Load> open,
            Map<String, AddedLatency.StreamTotals> streams,
            Map<String, Long> lifetimePeakKib,
            long failures,
            int responseBytes,
            int requestBytes,
            long upstreamRequests) {
        this.settings = settings;
        this.started = started;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.targets = targets;
        this.members = members;
        this.notes = notes;
        this.sequential = sequential;
        this.throughput = throughput;
        this.open = open;
        this.streams = streams;
        this.lifetimePeakKib = lifetimePeakKib;
        this.failures = failures;
        this.responseBytes = responseBytes;
        this.requestBytes = requestBytes;
        this.upstreamRequests = upstreamRequests;
    }

    /** Added latency at {@code quantile} for sequential calls: the system's minus direct's, in ns. */
    long addedSequential(String key, double quantile) {
        return sequential.get(key).samples.quantile(quantile)
                - sequential.get("direct").samples.quantile(quantile);
    }

    String markdown() {
        if (!md.isEmpty()) {
            return md.toString();
        }
        AddedLatency.Settings base = settings.latency();
        line("## Side by side, %s UTC (mode %s)", started, base.mode());
        line("");
        line(
                "- Machine: %d cores, %s %s; load average before `%s`, after `%s`.",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                loadBefore,
                loadAfter);
        line(
                "- Harness JVM (client and upstream): %s %s, `%s`. Gatehouse nodes: `%s`.",
                System.getProperty("java.vm.vendor"),
                Runtime.version(),
                String.join(
                        " ",
                        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                                .filter(a -> !a.startsWith("-Dbench."))
                                .toList()),
                String.join(" ", base.nodeJvmOptions()));
        String cacheMode = System.getProperty("bench.cacheMode", "exact");
        boolean sameRequests = Boolean.getBoolean("bench.sameRequests");
        line(
                "- Request: POST /v1/chat/completions, %d bytes; answer %d bytes; every system gets the same"
                        + " requests and the same `Authorization` header (8 RS256 tokens in turn). %s Gatehouse"
                        + " verifies the tokens, evaluates 5 CEL policies, checks rpm and tpm limits in"
                        + " Hazelcast and %s",
                requestBytes,
                responseBytes,
                sameRequests
                        ? "The same requests come again and again (`-Dbench.sameRequests=true`)."
                        : "Each request carries its own serial number in `user`, so no two are the same.",
                sameRequests
                        ? "answers all but the first few from its response cache (cache mode " + cacheMode
                                + "): those calls never reach the upstream."
                        : "looks each request up in its response cache (cache mode " + cacheMode
                                + "; a miss), then stores the answer as the mode says; every call reaches the"
                                + " upstream.");
        line(
                "- Upstream requests served in all: %d. Failed calls (sequential and streams): %d.",
                upstreamRequests, failures);
        for (String note : notes) {
            line("- %s", note);
        }
        line("");
        summaryTable();
        ratios();
        sequentialTable();
        loadTable(
                "Throughput: %d calls in flight (closed model), upstream answers after %d ms; %d warm-up round of"
                        + " %.0f s, then %d rounds of %.0f s per system. Latency from send to last byte.",
                throughput,
                settings.concurrency(),
                settings.delayMillis(),
                settings.throughputWarmupRounds(),
                settings.throughputWarmupMillis() / 1000.0,
                settings.throughputRounds(),
                settings.throughputMillis() / 1000.0);
        loadTable(
                "Constant arrival rate (open model): %.0f calls/s, upstream delay 0 ms, %d warm-up round of %.0f s,"
                        + " then %d rounds of %.0f s per system. Latency runs from each call's intended send time.",
                open,
                settings.rate(),
                settings.openWarmupRounds(),
                settings.openWarmupMillis() / 1000.0,
                settings.openRounds(),
                settings.openMillis() / 1000.0);
        threadTable();
        streamTable();
        memoryTable();
        return md.toString();
    }

    private void summaryTable() {
        line(
                "| system | added p50 (µs) | added p99 (µs) | throughput at %d ms, %d in flight (calls/s) |"
                        + " open %.0f/s: added p99 (µs) | stream: added TTFT p50 (ms) | stream: gap excess p99 (µs) |"
                        + " peak RSS under load (MiB) | CPU per call under load (µs) |",
                settings.delayMillis(), settings.concurrency(), settings.rate());
        line("|---|---:|---:|---:|---:|---:|---:|---|---:|");
        for (AddedLatency.Target t : targets) {
            String key = t.key();
            boolean direct = key.equals("direct");
            SideBySide.Load load = throughput.get(key);
            SideBySide.Load rate = open.get(key);
            AddedLatency.StreamTotals s = streams.get(key);
            AddedLatency.StreamTotals d = streams.get("direct");
            line(
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                    t.label(),
                    direct ? us(sequential.get(key).samples.quantile(0.5)) + " (all)" : us(addedSequential(key, 0.5)),
                    direct ? us(sequential.get(key).samples.quantile(0.99)) + " (all)" : us(addedSequential(key, 0.99)),
                    String.format(Locale.ROOT, "%.0f", load.meanPerSecond()),
                    direct
                            ? us(rate.latencies.quantile(0.99)) + " (all)"
                            : us(rate.latencies.quantile(0.99)
                                    - open.get("direct").latencies.quantile(0.99)),
                    s == null || d == null
                            ? "n/a"
                            : direct
                                    ? ms(s.firstEvent.quantile(0.5)) + " (all)"
                                    : ms(s.firstEvent.quantile(0.5) - d.firstEvent.quantile(0.5)),
                    s == null ? "n/a" : us(s.gapExcess.quantile(0.99)),
                    rss(load),
                    cpuPerCall(load));
        }
        line("");
        line("Added = the system's percentile minus the direct path's, from sequential calls on one keep-alive"
                + " connection (upstream delay 0). Gap excess = |gap between two events at the client −"
                + " the upstream's gap between writing them|; 0 means the event spacing passed untouched."
                + " RSS is the highest VmRSS sampled every 200 ms during the throughput rounds (nginx:"
                + " master + workers). CPU is all of the system's processes' user + system time during"
                + " the throughput rounds divided by the calls completed.");
        line("");
    }

    private void ratios() {
        if (!sequential.containsKey(GH)) {
            return;
        }
        line("Ratios (Gatehouse against the others, same run):");
        line("");
        line("| ratio | value | target | met |");
        line("|---|---:|---|---|");
        for (String gh : List.of(GH, "gh-cluster")) {
            if (!sequential.containsKey(gh)) {
                continue;
            }
            String who = gh.equals(GH) ? "1 node" : "cluster";
            boolean targeted = gh.equals(GH);
            if (sequential.containsKey("nginx")) {
                ratioRow(
                        who + ": added p99 / nginx added p99",
                        (double) addedSequential(gh, 0.99) / addedSequential("nginx", 0.99),
                        targeted ? "≤ 2" : "",
                        v -> v <= 2,
                        addedSequential("nginx", 0.99) > 0);
                ratioRow(
                        who + ": throughput / nginx throughput",
                        throughput.get(gh).meanPerSecond()
                                / throughput.get("nginx").meanPerSecond(),
                        targeted ? "≥ 0.5" : "",
                        v -> v >= 0.5,
                        true);
            }
            if (sequential.containsKey("portkey")) {
                ratioRow(
                        who + ": added p99 / Portkey added p99",
                        (double) addedSequential(gh, 0.99) / addedSequential("portkey", 0.99),
                        targeted ? "≤ 0.1" : "",
                        v -> v <= 0.1,
                        addedSequential("portkey", 0.99) > 0);
                ratioRow(
                        who + ": throughput / Portkey throughput",
                        throughput.get(gh).meanPerSecond()
                                / throughput.get("portkey").meanPerSecond(),
                        targeted ? "≥ 3" : "",
                        v -> v >= 3,
                        true);
            }
            AddedLatency.StreamTotals s = streams.get(gh);
            if (s != null) {
                double p99 = s.gapExcess.quantile(0.99) / 1e6;
                line(
                        "| %s: stream gap excess p99 (ms) | %.3f | %s | %s |",
                        who, p99, targeted ? "≤ 1" : "", targeted ? (p99 <= 1 ? "yes" : "**no**") : "");
            }
            long maxNode = throughput.get(gh).peakRssKib.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("node"))
                    .mapToLong(Map.Entry::getValue)
                    .max()
                    .orElse(-1);
            line(
                    "| %s: peak RSS of a node under load (MiB) | %s | %s | %s |",
                    who, Report.mib(maxNode), "< 512", maxNode < 0 ? "n/a" : maxNode < 512 * 1024 ? "yes" : "**no**");
        }
        if (sequential.containsKey("nginx")) {
            Map<String, String> floors = Map.of(
                    "gh-bare", "the relay alone",
                    "gh-bare-quiet", "the relay alone, access log off",
                    "undertow", "Undertow's own proxy");
            for (String floor : List.of("gh-bare", "gh-bare-quiet", "undertow")) {
                if (sequential.containsKey(floor)) {
                    ratioRow(
                            floors.get(floor) + ": added p99 / nginx added p99",
                            (double) addedSequential(floor, 0.99) / addedSequential("nginx", 0.99),
                            "",
                            v -> true,
                            addedSequential("nginx", 0.99) > 0);
                }
            }
        }
        if (sequential.containsKey("gh-baseline")) {
            SideBySide.Load now = throughput.get(GH);
            SideBySide.Load before = throughput.get("gh-baseline");
            line(
                    "| this build against the baseline build: added p50, p99 (µs) | %s → %s, %s → %s | | |",
                    us(addedSequential("gh-baseline", 0.5)),
                    us(addedSequential(GH, 0.5)),
                    us(addedSequential("gh-baseline", 0.99)),
                    us(addedSequential(GH, 0.99)));
            line(
                    "| this build against the baseline build: throughput (calls/s), CPU per call (µs) | %.0f → %.0f,"
                            + " %s → %s | | |",
                    before.meanPerSecond(), now.meanPerSecond(), cpuPerCall(before), cpuPerCall(now));
        }
        line("");
    }

    private void ratioRow(
            String name, double value, String target, java.util.function.DoublePredicate met, boolean meaningful) {
        if (!meaningful) {
            line("| %s | n/a (the other's added latency is not above 0) | %s | n/a |", name, target);
            return;
        }
        line(
                "| %s | %.2f | %s | %s |",
                name, value, target, target.isEmpty() ? "" : met.test(value) ? "yes" : "**no**");
    }

    private void sequentialTable() {
        AddedLatency.Settings base = settings.latency();
        line(
                "Sequential calls, one keep-alive connection per system, upstream delay 0: %d warm-up + %d measured"
                        + " rounds of %d calls per system, order shuffled each round. Times in µs (added in"
                        + " brackets).",
                base.warmupRounds(), base.rounds(), base.perRound());
        line("");
        StringBuilder header = new StringBuilder("| percentile |");
        StringBuilder rule = new StringBuilder("|---|");
        for (AddedLatency.Target t : targets) {
            header.append(' ').append(t.label()).append(" |");
            rule.append("---:|");
        }
        line("%s", header);
        line("%s", rule);
        double[] quantiles = {0.5, 0.9, 0.99, 0.999};
        String[] names = {"p50", "p90", "p99", "p99.9"};
        for (int i = 0; i < quantiles.length; i++) {
            StringBuilder row = new StringBuilder("| " + names[i] + " |");
            long d = sequential.get("direct").samples.quantile(quantiles[i]);
            for (AddedLatency.Target t : targets) {
                long v = sequential.get(t.key()).samples.quantile(quantiles[i]);
                row.append(' ').append(us(v));
                if (!t.key().equals("direct")) {
                    row.append(" (").append(us(v - d)).append(')');
                }
                row.append(" |");
            }
            line("%s", row);
        }
        StringBuilder spread = new StringBuilder("| added p99 per round, min / median / max |");
        for (AddedLatency.Target t : targets) {
            spread.append(' ')
                    .append(
                            t.key().equals("direct")
                                    ? ""
                                    : spread(Report.paired(
                                            sequential.get(t.key()).roundP99, sequential.get("direct").roundP99)))
                    .append(" |");
        }
        line("%s", spread);
        line("");
    }

    private void loadTable(String title, Map<String, SideBySide.Load> loads, Object... args) {
        line(title, args);
        line("");
        line("| system | calls/s (per round) | p50 (µs) | p90 (µs) | p99 (µs) | p99.9 (µs) | failed |");
        line("|---|---|---:|---:|---:|---:|---:|");
        for (AddedLatency.Target t : targets) {
            SideBySide.Load l = loads.get(t.key());
            Samples s = l.latencies;
            line(
                    "| %s | %.0f (%s) | %s | %s | %s | %s | %d |",
                    t.label(),
                    l.meanPerSecond(),
                    String.join(
                            ", ",
                            l.perSecond.stream()
                                    .map(v -> String.format(Locale.ROOT, "%.0f", v))
                                    .toList()),
                    us(s.quantile(0.5)),
                    us(s.quantile(0.9)),
                    us(s.quantile(0.99)),
                    us(s.quantile(0.999)),
                    l.failed);
        }
        line("");
    }

    /** Where the Gatehouse nodes spent their CPU during the throughput rounds, per call. */
    private void threadTable() {
        List<AddedLatency.Target> nodes = targets.stream()
                .filter(t -> !throughput.get(t.key()).threadTicks.isEmpty())
                .toList();
        if (nodes.isEmpty()) {
            return;
        }
        line(
                "Gatehouse CPU per call during the throughput rounds, by thread group, all nodes (µs; groups under 5 µs left out):");
        line("");
        line(
                "| thread group |%s",
                nodes.stream().map(t -> " " + t.label() + " |").reduce("", String::concat));
        line("|---|%s", "---:|".repeat(nodes.size()));
        java.util.Set<String> groups = new java.util.TreeSet<>();
        nodes.forEach(t -> groups.addAll(throughput.get(t.key()).threadTicks.keySet()));
        for (String group : groups) {
            StringBuilder row = new StringBuilder("| `" + group + "` |");
            boolean shown = false;
            for (AddedLatency.Target t : nodes) {
                SideBySide.Load l = throughput.get(t.key());
                double perCall = l.threadTicks.getOrDefault(group, 0L)
                        * 1e6
                        / settings.latency().clockTicksPerSecond()
                        / Math.max(1, l.completed);
                shown |= perCall >= 5;
                row.append(String.format(Locale.ROOT, " %.0f |", perCall));
            }
            if (shown) {
                line("%s", row);
            }
        }
        line("");
    }

    private void streamTable() {
        AddedLatency.Settings base = settings.latency();
        line(
                "Streams: the upstream sends %d events %d ms apart; %d warm-up + %d measured rounds of %d streams"
                        + " per system. TTFT runs from the send to the arrival of the first event.",
                base.streamEvents(),
                base.streamIntervalMillis(),
                base.streamWarmupRounds(),
                base.streamRounds(),
                base.streamsPerRound());
        line("");
        line("| system | streams | TTFT p50 (ms) | TTFT p99 (ms) | gap p50 (ms) | gap p99 (ms) | gap excess p50 (µs) |"
                + " gap excess p99 (µs) | event delay p50 (µs) | event delay p99 (µs) |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (AddedLatency.Target t : targets) {
            AddedLatency.StreamTotals s = streams.get(t.key());
            if (s == null) {
                line("| %s | not measured | | | | | | | | |", t.label());
                continue;
            }
            line(
                    "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |",
                    t.label(),
                    s.streams,
                    ms(s.firstEvent.quantile(0.5)),
                    ms(s.firstEvent.quantile(0.99)),
                    ms(s.gaps.quantile(0.5)),
                    ms(s.gaps.quantile(0.99)),
                    us(s.gapExcess.quantile(0.5)),
                    us(s.gapExcess.quantile(0.99)),
                    us(s.delays.quantile(0.5)),
                    us(s.delays.quantile(0.99)));
        }
        line("");
    }

    private void memoryTable() {
        line(
                "Resident memory by process (MiB): the highest sample during the throughput rounds, and VmHWM at the end.");
        line("");
        line("| system | process | peak RSS under load | VmHWM at end |");
        line("|---|---|---:|---:|");
        for (AddedLatency.Target t : targets) {
            for (SideBySide.Member m : members.get(t.key())) {
                line(
                        "| %s | %s | %s | %s |",
                        t.label(),
                        m.name(),
                        Report.mib(throughput.get(t.key()).peakRssKib.getOrDefault(m.name(), -1L)),
                        Report.mib(lifetimePeakKib.getOrDefault(t.key() + "/" + m.name(), -1L)));
            }
        }
        line("");
    }

    /** One line per system and metric: {@code system,metric,value}. */
    String summaryCsv() {
        StringBuilder csv = new StringBuilder("system,metric,value\n");
        for (AddedLatency.Target t : targets) {
            String k = t.key();
            Samples seq = sequential.get(k).samples;
            csv.append(row(k, "sequential_p50_ns", seq.quantile(0.5)));
            csv.append(row(k, "sequential_p99_ns", seq.quantile(0.99)));
            csv.append(row(k, "sequential_added_p50_ns", addedSequential(k, 0.5)));
            csv.append(row(k, "sequential_added_p99_ns", addedSequential(k, 0.99)));
            SideBySide.Load load = throughput.get(k);
            csv.append(row(k, "throughput_per_second", Math.round(load.meanPerSecond())));
            csv.append(row(k, "throughput_p99_ns", load.latencies.quantile(0.99)));
            csv.append(row(k, "throughput_failed", load.failed));
            csv.append(row(k, "open_p50_ns", open.get(k).latencies.quantile(0.5)));
            csv.append(row(k, "open_p99_ns", open.get(k).latencies.quantile(0.99)));
            AddedLatency.StreamTotals s = streams.get(k);
            if (s != null) {
                csv.append(row(k, "stream_ttft_p50_ns", s.firstEvent.quantile(0.5)));
                csv.append(row(k, "stream_gap_excess_p99_ns", s.gapExcess.quantile(0.99)));
            }
            load.peakRssKib.forEach((name, kib) -> csv.append(row(k, "peak_rss_kib:" + name, kib)));
        }
        return csv.toString();
    }

    private static String row(String system, String metric, long value) {
        return system + "," + metric + "," + value + "\n";
    }

    private String rss(SideBySide.Load load) {
        if (load.peakRssKib.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        load.peakRssKib.forEach((name, kib) -> parts.add(name + " " + Report.mib(kib)));
        return String.join(", ", parts);
    }

    private String cpuPerCall(SideBySide.Load load) {
        if (load.completed == 0 || load.peakRssKib.isEmpty()) {
            return "";
        }
        return String.format(
                Locale.ROOT, "%.0f", load.cpuTicks * 1e6 / settings.latency().clockTicksPerSecond() / load.completed);
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
        return String.format(Locale.ROOT, "%.0f", nanos / 1000.0);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private void line(String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
