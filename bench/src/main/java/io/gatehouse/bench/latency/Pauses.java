package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.bench.httpclient.HttpClientCompare;
import io.gatehouse.bench.httpclient.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a pause costs the calls after it: callers that stop for a while and come back, as people at a
 * chat window do. One node with JWT authentication, the five policies of {@link BenchPolicies} and
 * their limits, a loopback upstream with no delay and one keep-alive connection. After a warm-up of
 * sequential calls, for each pause length: pause, then one call of each of the 8 callers in turn and
 * as many again, then steady calls until the next pause; repeated, and the median of each call's
 * latency after the pause reported. The calls after the first 8 show the steady state.
 *
 * <p>Run by {@code bench/pauses.sh}. Settings: {@code -Dbench.warmupCalls} (default 60,000), {@code
 * -Dbench.pausesMillis} (default {@code 300,800,1500,3000,6000}), {@code -Dbench.repeats} (default 8)
 * and those of {@link AddedLatency.Settings}.
 */
public final class Pauses {
    private static final int CALLERS = 8;
    private static final int CALLS_AFTER_PAUSE = 2 * CALLERS;
    private static final int CALLS_BETWEEN_PAUSES = 2_000;

    private Pauses() {}

    public static void main(String[] args) throws Exception {
        AddedLatency.Settings settings =
                AddedLatency.Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        int warmupCalls = Integer.getInteger("bench.warmupCalls", 60_000);
        int repeats = Integer.getInteger("bench.repeats", 8);
        long[] pauses = Arrays.stream(System.getProperty("bench.pausesMillis", "300,800,1500,3000,6000")
                        .split(","))
                .mapToLong(p -> Long.parseLong(p.trim()))
                .toArray();
        settings.createDirectories();
        byte[] response = HttpClientCompare.Payloads.chatResponse(1536);
        StringBuilder report = new StringBuilder("# The calls after a pause\n\n");
        try (LoopbackServer upstream = LoopbackServer.start(response, 20, 10);
                BenchIssuer issuer = BenchIssuer.start();
                BenchClient client = new BenchClient();
                NodeProcess node =
                        AddedLatency.startNode(settings, "pauses", AddedLatency.securedConfig(upstream, issuer))) {
            node.awaitReady(client, settings.startTimeoutMillis());
            List<String> authorizations = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                authorizations.add("Bearer " + issuer.rs256("user" + i, BenchPolicies.GROUPS, Duration.ofHours(1)));
            }
            byte[] body = ChatBodies.chat(BenchPolicies.MODEL, settings.bodyBytes(), false);
            URI uri = node.chatUri();
            for (int i = 0; i < warmupCalls; i++) {
                call(client, uri, authorizations.get(i % CALLERS), body);
            }
            report.append(String.format(
                    Locale.ROOT,
                    "%,d warm-up calls, then for each pause %d times: the pause, %d calls (%d callers in turn),"
                            + " %,d steady calls. Median latency of each call after the pause, µs:%n%n",
                    warmupCalls,
                    repeats,
                    CALLS_AFTER_PAUSE,
                    CALLERS,
                    CALLS_BETWEEN_PAUSES));
            report.append("| pause (ms) |");
            for (int i = 1; i <= CALLS_AFTER_PAUSE; i++) {
                report.append(' ').append(i).append(" |");
            }
            report.append("\n|---|").append("---:|".repeat(CALLS_AFTER_PAUSE)).append('\n');
            for (long pause : pauses) {
                long[][] nanos = new long[CALLS_AFTER_PAUSE][repeats];
                for (int repeat = 0; repeat < repeats; repeat++) {
                    Thread.sleep(pause);
                    for (int i = 0; i < CALLS_AFTER_PAUSE; i++) {
                        nanos[i][repeat] = call(client, uri, authorizations.get(i % CALLERS), body);
                    }
                    for (int i = 0; i < CALLS_BETWEEN_PAUSES; i++) {
                        call(client, uri, authorizations.get(i % CALLERS), body);
                    }
                }
                report.append("| ").append(pause).append(" |");
                for (long[] call : nanos) {
                    Arrays.sort(call);
                    report.append(' ').append(call[repeats / 2] / 1_000).append(" |");
                }
                report.append('\n');
                System.out.println("pause " + pause + " ms done");
            }
        }
        Files.writeString(settings.outFile(".md"), report);
        System.out.println();
        System.out.println(report);
    }

    private static long call(BenchClient client, URI uri, String authorization, byte[] body)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            BenchClient.Reply reply = client.post(uri, authorization, body).get(30, TimeUnit.SECONDS);
            if (reply.status() != 200) {
                throw new IOException("status " + reply.status() + " from " + uri);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("call to " + uri + " failed", e);
        }
        return System.nanoTime() - start;
    }
}
