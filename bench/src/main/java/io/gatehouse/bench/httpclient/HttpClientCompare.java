package io.gatehouse.bench.httpclient;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Compares upstream HTTP client candidates against one loopback server in the same run, in
 * alternating order, on three workloads: sequential chat POSTs, a fixed number of chat POSTs in
 * flight, and SSE event delivery delay. Settings come from {@code bench.*} system properties.
 */
public final class HttpClientCompare {
    private static final long CALL_TIMEOUT_SECONDS = 5;
    private static final long SEQUENTIAL_PHASE_LIMIT_SECONDS = 60;
    private static final long LOAD_REQUEST_CAP = 2_000_000;
    private static final int LANE_FAILURE_CAP = 100;

    private final Settings settings;
    private final LoopbackServer server;
    private final byte[] requestBody;
    private final Map<String, Totals> totals = new LinkedHashMap<>();

    private HttpClientCompare(Settings settings, LoopbackServer server, byte[] requestBody) {
        this.settings = settings;
        this.server = server;
        this.requestBody = requestBody;
    }

    /** Runs the comparison and prints per-round lines and a summary table to standard output. */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        byte[] requestBody = Payloads.chatRequest(1024);
        byte[] responseBody = Payloads.chatResponse(1536);
        try (LoopbackServer server = LoopbackServer.start(responseBody);
                Candidate jetty = new JettyCandidate(settings.inFlight());
                Candidate jdk = new JdkCandidate();
                Candidate undertow = new UndertowCandidate()) {
            List<Candidate> candidates = new ArrayList<>(List.of(jetty, jdk));
            if (settings.undertow()) {
                candidates.add(undertow);
            }
            new HttpClientCompare(settings, server, requestBody).run(candidates);
        }
    }

    private void run(List<Candidate> candidates) throws InterruptedException {
        printEnvironment();
        candidates.forEach(c -> totals.put(c.name(), new Totals()));
        for (int round = -settings.warmupRounds(); round < settings.rounds(); round++) {
            boolean measured = round >= 0;
            List<Candidate> order = rotate(candidates, round + settings.warmupRounds());
            String label = measured ? "round " + (round + 1) : "warm-up " + (round + settings.warmupRounds() + 1);
            System.out.printf(
                    "%n%s, order %s%n",
                    label, order.stream().map(Candidate::name).toList());
            for (Candidate c : order) {
                Outcome o = sequential(c);
                Samples.Percentiles p = o.samples().percentiles();
                System.out.printf(
                        "  sequential %-9s n=%d p50=%s p99=%s p99.9=%s%s%n",
                        c.name(), p.count(), micros(p.p50()), micros(p.p99()), micros(p.p999()), o.note());
                if (measured) {
                    totals.get(c.name()).sequential.addAll(o.samples());
                    totals.get(c.name()).failed += o.failed();
                }
            }
            for (Candidate c : order) {
                LoadResult r = load(c);
                Samples.Percentiles p = r.latencies().percentiles();
                System.out.printf(
                        "  in-flight  %-9s %,.0f req/s (%d ok, %d failed, %.2f s) p50=%s p99=%s%n",
                        c.name(),
                        r.perSecond(),
                        r.completed(),
                        r.failed(),
                        r.seconds(),
                        micros(p.p50()),
                        micros(p.p99()));
                if (r.failed() > 0) {
                    System.out.printf("             first failure: %s%n", r.failure());
                }
                if (measured) {
                    Totals t = totals.get(c.name());
                    t.perSecond.add(r.perSecond());
                    t.loadLatency.addAll(r.latencies());
                    t.failed += r.failed();
                }
            }
            for (Candidate c : order) {
                Outcome o = sse(c);
                Samples.Percentiles p = o.samples().percentiles();
                System.out.printf(
                        "  sse        %-9s events=%d p50=%s p99=%s max=%s%s%n",
                        c.name(), p.count(), micros(p.p50()), micros(p.p99()), micros(p.max()), o.note());
                if (measured) {
                    totals.get(c.name()).sseDelay.addAll(o.samples());
                    totals.get(c.name()).failed += o.failed();
                }
            }
        }
        printSummary(candidates.getFirst().name());
    }

    /** Round {@code n} starts with candidate {@code n mod size}, so no client always goes first. */
    private static List<Candidate> rotate(List<Candidate> candidates, int n) {
        List<Candidate> order = new ArrayList<>(candidates);
        Collections.rotate(order, -(n % candidates.size()));
        return order;
    }

    private Outcome sequential(Candidate c) {
        URI uri = server.chatUri();
        Samples samples = new Samples();
        long failed = 0;
        String failure = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEQUENTIAL_PHASE_LIMIT_SECONDS);
        for (int i = 0; i < settings.sequential() && System.nanoTime() < deadline && failed < LANE_FAILURE_CAP; i++) {
            long start = System.nanoTime();
            try {
                int length = c.post(uri, requestBody).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                long took = System.nanoTime() - start;
                checkLength(c, length);
                samples.add(took);
            } catch (ExecutionException | TimeoutException | IllegalStateException e) {
                failed++;
                failure = failure.isEmpty() ? describe(e) : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return new Outcome(samples, failed, failure);
    }

    private LoadResult load(Candidate c) throws InterruptedException {
        URI uri = server.chatUri();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(settings.seconds());
        AtomicLong issued = new AtomicLong();
        CountDownLatch lanesDone = new CountDownLatch(settings.inFlight());
        List<Lane> lanes = new ArrayList<>();
        for (int i = 0; i < settings.inFlight(); i++) {
            lanes.add(new Lane(c, uri, deadline, issued, lanesDone));
        }
        lanes.forEach(Lane::fire);
        if (!lanesDone.await(settings.seconds() + 2 * CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(c.name() + ": in-flight requests did not finish");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Samples latencies = new Samples();
        long completed = 0;
        long failed = 0;
        String failure = "";
        for (Lane lane : lanes) {
            latencies.addAll(lane.latencies);
            completed += lane.latencies.size();
            failed += lane.failed;
            if (failure.isEmpty() && lane.firstFailure != null) {
                failure = describe(lane.firstFailure);
            }
        }
        return new LoadResult(completed, failed, seconds, latencies, failure);
    }

    private Outcome sse(Candidate c) {
        URI uri = server.streamUri(settings.sseEvents(), settings.sseIntervalMillis());
        long timeout = CALL_TIMEOUT_SECONDS * 1000 + (long) settings.sseEvents() * settings.sseIntervalMillis();
        Samples delays = new Samples();
        long failed = 0;
        String failure = "";
        for (int i = 0; i < settings.sseStreams(); i++) {
            Samples stream = new Samples();
            SseProbe probe = new SseProbe(stream);
            try {
                c.stream(uri, probe).get(timeout, TimeUnit.MILLISECONDS);
                if (probe.events() != settings.sseEvents()) {
                    throw new IllegalStateException(probe.events() + " events, expected " + settings.sseEvents());
                }
                delays.addAll(stream);
            } catch (ExecutionException | TimeoutException | IllegalStateException e) {
                failed++;
                failure = failure.isEmpty() ? describe(e) : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return new Outcome(delays, failed, failure);
    }

    private void checkLength(Candidate c, int length) {
        if (length != server.chatResponseLength()) {
            throw new IllegalStateException(c.name() + ": body of " + length + " bytes");
        }
    }

    private void printEnvironment() {
        System.out.println("# HTTP client comparison (loopback, HTTP/1.1)");
        System.out.printf(
                "java %s (%s), %d cores, %s %s, GC %s%n",
                Runtime.version(),
                System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining("/")));
        System.out.printf("jvm args %s%n", ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(
                "jetty-client %s, undertow-core %s (server and client)%n",
                org.eclipse.jetty.util.Jetty.VERSION, io.undertow.Version.getVersionString());
        System.out.printf(
                "request %d B, response %d B; %s%n", requestBody.length, server.chatResponseLength(), settings);
    }

    private void printSummary(String baseline) {
        Totals base = totals.get(baseline);
        List<String> names = List.copyOf(totals.keySet());
        List<String> others = names.stream().filter(n -> !n.equals(baseline)).toList();
        System.out.printf("%n## Summary (%d measured rounds; ratios are x %s)%n%n", settings.rounds(), baseline);
        StringBuilder header = new StringBuilder("| metric |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String n : names) {
            header.append(' ').append(n).append(" |");
            rule.append("---:|");
        }
        for (String n : others) {
            header.append(' ').append(n).append('/').append(baseline).append(" |");
            rule.append("---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        latencyRow(
                "sequential p50 (µs)",
                names,
                others,
                base,
                t -> t.sequential.percentiles().p50());
        latencyRow(
                "sequential p99 (µs)",
                names,
                others,
                base,
                t -> t.sequential.percentiles().p99());
        latencyRow(
                "sequential p99.9 (µs)",
                names,
                others,
                base,
                t -> t.sequential.percentiles().p999());
        StringBuilder row = new StringBuilder("| " + settings.inFlight() + " in flight, req/s (median of rounds) |");
        for (String n : names) {
            row.append(String.format(Locale.ROOT, " %,.0f |", median(totals.get(n).perSecond)));
        }
        for (String n : others) {
            // Paired per round, so drift between rounds cancels out.
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < base.perSecond.size(); i++) {
                ratios.add(totals.get(n).perSecond.get(i) / base.perSecond.get(i));
            }
            row.append(String.format(Locale.ROOT, " %.2f |", median(ratios)));
        }
        System.out.println(row);
        latencyRow(
                settings.inFlight() + " in flight, p50 (µs)",
                names,
                others,
                base,
                t -> t.loadLatency.percentiles().p50());
        latencyRow(
                settings.inFlight() + " in flight, p99 (µs)",
                names,
                others,
                base,
                t -> t.loadLatency.percentiles().p99());
        latencyRow(
                "SSE event delay p50 (µs)",
                names,
                others,
                base,
                t -> t.sseDelay.percentiles().p50());
        latencyRow(
                "SSE event delay p99 (µs)",
                names,
                others,
                base,
                t -> t.sseDelay.percentiles().p99());
        System.out.println();
        for (String n : names) {
            Totals t = totals.get(n);
            System.out.printf(
                    "%s: req/s per round %s; samples: sequential %d, in flight %d, SSE events %d; failed calls %d%n",
                    n,
                    t.perSecond.stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v))
                            .toList(),
                    t.sequential.size(),
                    t.loadLatency.size(),
                    t.sseDelay.size(),
                    t.failed);
        }
    }

    private void latencyRow(
            String metric, List<String> names, List<String> others, Totals base, ToDoubleFunction<Totals> value) {
        StringBuilder row = new StringBuilder("| " + metric + " |");
        for (String n : names) {
            row.append(String.format(Locale.ROOT, " %.1f |", value.applyAsDouble(totals.get(n)) / 1000));
        }
        for (String n : others) {
            row.append(String.format(
                    Locale.ROOT, " %.2f |", value.applyAsDouble(totals.get(n)) / value.applyAsDouble(base)));
        }
        System.out.println(row);
    }

    /** The exception chain of a failure, for the report. */
    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(text.isEmpty() ? "" : " <- ").append(t);
        }
        return text.toString();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1fµs", nanos / 1000.0);
    }

    /** One chain of requests: each completion sends the next until the deadline; one lane, one in flight. */
    private final class Lane {
        final Samples latencies = new Samples();
        long failed;
        Throwable firstFailure;
        private final Candidate candidate;
        private final URI uri;
        private final long deadline;
        private final AtomicLong issued;
        private final CountDownLatch done;

        Lane(Candidate candidate, URI uri, long deadline, AtomicLong issued, CountDownLatch done) {
            this.candidate = candidate;
            this.uri = uri;
            this.deadline = deadline;
            this.issued = issued;
            this.done = done;
        }

        void fire() {
            if (System.nanoTime() >= deadline
                    || issued.incrementAndGet() > LOAD_REQUEST_CAP
                    || failed >= LANE_FAILURE_CAP) {
                done.countDown();
                return;
            }
            long start = System.nanoTime();
            CompletableFuture<Integer> call = candidate.post(uri, requestBody);
            call.whenComplete((length, failure) -> {
                long took = System.nanoTime() - start;
                if (failure == null && length == server.chatResponseLength()) {
                    latencies.add(took);
                } else {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = failure != null ? failure : new IllegalStateException("body of " + length);
                    }
                }
                fire();
            });
        }
    }

    /** What a sequential or stream phase produced: samples of the calls that succeeded, and failures. */
    private record Outcome(Samples samples, long failed, String failure) {
        String note() {
            return failed == 0 ? "" : String.format(" (%d failed, first: %s)", failed, failure);
        }
    }

    /** What one in-flight window produced. */
    private record LoadResult(long completed, long failed, double seconds, Samples latencies, String failure) {
        double perSecond() {
            return completed / seconds;
        }
    }

    /** Measured-round figures of one candidate. */
    private static final class Totals {
        final Samples sequential = new Samples();
        final List<Double> perSecond = new ArrayList<>();
        final Samples loadLatency = new Samples();
        final Samples sseDelay = new Samples();
        long failed;
    }

    /** Run settings, from {@code -Dbench.NAME=value}. */
    record Settings(
            int warmupRounds,
            int rounds,
            int sequential,
            int inFlight,
            int seconds,
            int sseStreams,
            int sseEvents,
            int sseIntervalMillis,
            boolean undertow) {
        static Settings fromSystemProperties() {
            return new Settings(
                    Integer.getInteger("bench.warmupRounds", 2),
                    Integer.getInteger("bench.rounds", 5),
                    Integer.getInteger("bench.sequential", 4000),
                    Integer.getInteger("bench.inFlight", 64),
                    Integer.getInteger("bench.seconds", 3),
                    Integer.getInteger("bench.sseStreams", 5),
                    Integer.getInteger("bench.sseEvents", 20),
                    Integer.getInteger("bench.sseIntervalMs", 10),
                    Boolean.parseBoolean(System.getProperty("bench.undertow", "true")));
        }
    }

    /** OpenAI-style JSON bodies of a chosen size. */
    static final class Payloads {
        private Payloads() {}

        static byte[] chatRequest(int size) {
            return fill(
                    "{\"model\":\"bench-model\",\"temperature\":0.2,\"max_tokens\":256,\"messages\":["
                            + "{\"role\":\"system\",\"content\":\"You are a terse assistant.\"},"
                            + "{\"role\":\"user\",\"content\":\"",
                    "\"}]}",
                    size);
        }

        static byte[] chatResponse(int size) {
            return fill(
                    "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                            + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":"
                            + "{\"role\":\"assistant\",\"content\":\"",
                    "\"},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":212,\"completion_tokens\":301,\"total_tokens\":513}}",
                    size);
        }

        private static byte[] fill(String head, String tail, int size) {
            StringBuilder text = new StringBuilder(head);
            String[] words = {"lorem", "ipsum", "dolor", "sit", "amet", "gateway", "token", "stream"};
            for (int i = 0; text.length() + tail.length() < size; i++) {
                text.append(words[i % words.length]).append(' ');
            }
            text.setLength(size - tail.length());
            return text.append(tail).toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
