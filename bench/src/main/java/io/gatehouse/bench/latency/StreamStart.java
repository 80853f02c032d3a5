package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.bench.httpclient.HttpClientCompare;
import io.gatehouse.bench.httpclient.LoopbackServer;
import io.gatehouse.bench.httpclient.Samples;
import io.gatehouse.bench.httpclient.SseProbe;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the time to the first event of a stream goes. Streams one after the other, first straight
 * to a loopback upstream and then through one node (JWT, the five policies of {@link BenchPolicies}
 * and their limits), and for each: the time from the send to the first event at the client, to the
 * upstream's write of that event (its stamp), and from that write to the arrival. The node's own
 * share, from taking the request to writing the first event, comes from its access log
 * ({@code ttft_ms}).
 *
 * <p>Run by {@code bench/stream-start.sh}. Settings: {@code -Dbench.streams} (per pass and path,
 * default 400), {@code -Dbench.passes} (default 2; the first warms up), {@code
 * -Dbench.streamIntervalMs} (the upstream's delay before each event, default 10; 0 sends them at
 * once) and those of {@link AddedLatency.Settings}.
 */
public final class StreamStart {
    private static final int EVENTS = 5;
    private static final Pattern TTFT = Pattern.compile("\"ttft_ms\":([0-9.]+)");

    private StreamStart() {}

    public static void main(String[] args) throws Exception {
        AddedLatency.Settings settings =
                AddedLatency.Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        int streams = Integer.getInteger("bench.streams", 400);
        int passes = Integer.getInteger("bench.passes", 2);
        int interval = Integer.getInteger("bench.streamIntervalMs", 10);
        settings.createDirectories();
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "# Stream start%n%n%,d streams per pass and path, %d events each, the upstream waits %d ms before"
                        + " each event. Times in µs: p50 / p90.%n%n"
                        + "| pass | path | first event at the client | upstream got the request | upstream wrote"
                        + " the event | relayed in | node's own (access log) |%n|---|---|---:|---:|---:|---:|---:|%n",
                streams,
                EVENTS,
                interval));
        try (LoopbackServer upstream =
                        LoopbackServer.start(HttpClientCompare.Payloads.chatResponse(1536), EVENTS, interval);
                BenchIssuer issuer = BenchIssuer.start();
                BenchClient client = new BenchClient();
                NodeProcess node =
                        AddedLatency.startNode(settings, "streams", AddedLatency.securedConfig(upstream, issuer))) {
            node.awaitReady(client, settings.startTimeoutMillis());
            String authorization = "Bearer " + issuer.rs256("user0", BenchPolicies.GROUPS, Duration.ofHours(1));
            byte[] body = ChatBodies.chat(BenchPolicies.MODEL, settings.bodyBytes(), true);
            Path accessLog = settings.workDir().resolve("access-streams.log");
            for (int pass = 1; pass <= passes; pass++) {
                Timings direct = streams(client, upstream, upstream.chatUri(), authorization, body, streams);
                long logged =
                        Files.exists(accessLog) ? Files.readAllLines(accessLog).size() : 0;
                Timings viaNode = streams(client, upstream, node.chatUri(), authorization, body, streams);
                Thread.sleep(200); // the node writes its access log lines within a few milliseconds
                Samples own = new Samples();
                Files.readAllLines(accessLog).stream().skip(logged).forEach(line -> {
                    Matcher m = TTFT.matcher(line);
                    if (m.find()) {
                        own.add((long) (Double.parseDouble(m.group(1)) * 1e6));
                    }
                });
                String label = pass + (pass < passes ? " (warm-up)" : "");
                report.append(direct.row(label, "direct", null)).append(viaNode.row(label, "through the node", own));
            }
        }
        report.append('\n');
        Files.writeString(settings.outFile(".md"), report);
        System.out.println();
        System.out.println(report);
    }

    private static Timings streams(
            BenchClient client, LoopbackServer upstream, URI uri, String authorization, byte[] body, int count)
            throws InterruptedException, IOException {
        Timings timings = new Timings();
        for (int i = 0; i < count; i++) {
            Samples arrivals = new Samples();
            Samples stamps = new Samples();
            SseProbe probe = new SseProbe(new Samples(), arrivals, stamps);
            long start = System.nanoTime();
            try {
                int status = client.stream(uri, authorization, body, probe).get(30, TimeUnit.SECONDS);
                if (status != 200 || probe.events() != EVENTS) {
                    throw new IOException(
                            "stream from " + uri + ": status " + status + ", " + probe.events() + " events");
                }
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("stream from " + uri + " failed", e);
            }
            timings.firstEvent.add(arrivals.get(0) - start);
            timings.upstreamGot.add(upstream.lastChatRequestNanos() - start);
            timings.upstreamWrote.add(stamps.get(0) - start);
            timings.relayed.add(arrivals.get(0) - stamps.get(0));
        }
        return timings;
    }

    /** The samples of one pass on one path. */
    private static final class Timings {
        final Samples firstEvent = new Samples();
        final Samples upstreamGot = new Samples();
        final Samples upstreamWrote = new Samples();
        final Samples relayed = new Samples();

        String row(String pass, String path, @Nullable Samples own) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s |%n",
                    pass,
                    path,
                    cell(firstEvent),
                    cell(upstreamGot),
                    cell(upstreamWrote),
                    cell(relayed),
                    own == null || own.size() == 0 ? "" : cell(own));
        }

        private static String cell(Samples samples) {
            return String.format(Locale.ROOT, "%.0f / %.0f", samples.quantile(0.5) / 1e3, samples.quantile(0.9) / 1e3);
        }
    }
}
