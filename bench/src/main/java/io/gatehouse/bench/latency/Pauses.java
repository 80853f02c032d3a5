package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.httpclient.Samples;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a pause costs the calls after it: callers that stop for a while and come back, as people at a
 * chat window do. One node with JWT authentication, the five policies of {@link BenchPolicies} and
 * their limits, a loopback upstream with no delay and one keep-alive connection. After a warm-up of
 * sequential calls, for each pause length: pause, then one call of each of the 8 callers in turn and
 * as many again, then steady calls until the next pause; repeated, and the median of each call's
 * latency after the pause reported. The calls after the first 8 show the steady state. A second table
 * gives the percentiles of all the calls after each pause length, and the limit checks sent to the
 * key's owner meanwhile (borrows, for these busy limits). With {@code -Dbench.steadyCalls=0} the
 * callers call only after each pause: with a pause of 1 s, 8 callers calling twice a second.
 *
 * <p>Run by {@code bench/pauses.sh}. Settings: {@code -Dbench.warmupCalls} (default 60,000), {@code
 * -Dbench.pausesMillis} (default {@code 300,800,1500,3000,6000}), {@code -Dbench.repeats} (default 8),
 * {@code -Dbench.steadyCalls} (between pauses, default 2,000) and those of {@link
 * AddedLatency.Settings}.
 */
public final class Pauses {
    private static final int CALLS_AFTER_PAUSE = 2 * SecuredNode.CALLERS;

    private Pauses() {}

    public static void main(String[] args) throws Exception {
        AddedLatency.Settings settings =
                AddedLatency.Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        int warmupCalls = Integer.getInteger("bench.warmupCalls", 60_000);
        int repeats = Integer.getInteger("bench.repeats", 8);
        int steadyCalls = Integer.getInteger("bench.steadyCalls", 2_000);
        long[] pauses = Arrays.stream(System.getProperty("bench.pausesMillis", "300,800,1500,3000,6000")
                        .split(","))
                .mapToLong(p -> Long.parseLong(p.trim()))
                .toArray();
        settings.createDirectories();
        StringBuilder report = new StringBuilder("# The calls after a pause\n\n");
        try (SecuredNode secured = SecuredNode.start(settings, "pauses")) {
            URI uri = secured.viaNode();
            for (int i = 0; i < warmupCalls; i++) {
                secured.call(uri, i);
            }
            report.append(String.format(
                    Locale.ROOT,
                    "%,d warm-up calls, then for each pause %d times: the pause, %d calls (%d callers in turn),"
                            + " %,d steady calls. Median latency of each call after the pause, µs:%n%n",
                    warmupCalls,
                    repeats,
                    CALLS_AFTER_PAUSE,
                    SecuredNode.CALLERS,
                    steadyCalls));
            report.append("| pause (ms) |");
            for (int i = 1; i <= CALLS_AFTER_PAUSE; i++) {
                report.append(' ').append(i).append(" |");
            }
            report.append("\n|---|").append("---:|".repeat(CALLS_AFTER_PAUSE)).append('\n');
            StringBuilder spread = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%nAll %,d calls after each pause length, µs, and the limit checks sent to the key's owner"
                            + " meanwhile:%n%n| pause (ms) | p50 | p90 | p99 | max | checks at the owner |%n"
                            + "|---|---:|---:|---:|---:|---|%n",
                    CALLS_AFTER_PAUSE * repeats));
            for (long pause : pauses) {
                long[][] nanos = new long[CALLS_AFTER_PAUSE][repeats];
                LimitChecks checksBefore = LimitChecks.of(secured.metrics());
                for (int repeat = 0; repeat < repeats; repeat++) {
                    Thread.sleep(pause);
                    for (int i = 0; i < CALLS_AFTER_PAUSE; i++) {
                        nanos[i][repeat] = secured.call(uri, i);
                    }
                    for (int i = 0; i < steadyCalls; i++) {
                        secured.call(uri, i);
                    }
                }
                report.append("| ").append(pause).append(" |");
                for (long[] call : nanos) {
                    Arrays.sort(call);
                    report.append(' ').append(call[repeats / 2] / 1_000).append(" |");
                }
                report.append('\n');
                LimitChecks checksAfter = LimitChecks.of(secured.metrics());
                Samples all = new Samples();
                Arrays.stream(nanos).flatMapToLong(Arrays::stream).forEach(all::add);
                spread.append(String.format(
                        Locale.ROOT,
                        "| %d | %d | %d | %d | %d | %s |%n",
                        pause,
                        all.quantile(0.50) / 1_000,
                        all.quantile(0.90) / 1_000,
                        all.quantile(0.99) / 1_000,
                        all.quantile(1.0) / 1_000,
                        LimitChecks.sentToOwnersSince(checksBefore, checksAfter)));
                System.out.println("pause " + pause + " ms done");
            }
            report.append(spread);
        }
        Files.writeString(settings.outFile(".md"), report);
        System.out.println();
        System.out.println(report);
    }
}
