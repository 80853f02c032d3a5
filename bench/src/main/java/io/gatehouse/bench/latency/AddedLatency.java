package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.bench.httpclient.HttpClientCompare;
import io.gatehouse.bench.httpclient.LoopbackServer;
import io.gatehouse.bench.httpclient.Samples;
import io.gatehouse.bench.httpclient.SseProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Measures the latency a Gatehouse node adds on loopback. In this JVM: the loopback upstream (an
 * OpenAI-style JSON answer and SSE stream, no delay) and a JWKS issuer; as separate processes: two
 * nodes started from the built distribution, one without authentication and one with JWT
 * authentication and five CEL policies. One keep-alive client sends the same requests to the
 * upstream directly and through each node, sequentially, in rounds whose order changes (shuffled, fixed per round); warm-up
 * rounds are discarded. Then the same for SSE streams: time to first byte, gaps between events and
 * each event's delay from the upstream's write. Writes a markdown report and the raw samples.
 * Settings come from {@code bench.*} system properties; see {@link Settings}.
 */
public final class AddedLatency {
    private static final long CALL_TIMEOUT_SECONDS = 5;
    private static final int FAILURE_CAP = 100;
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(3);
    private static final int TOKENS = 8;
    /** The ports {@link #freePort} gave out. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Settings settings;
    private final BenchClient client;
    private final List<Target> targets;
    private final byte[] chatBody;
    private final byte[] streamBody;
    private final List<String> authorizations;
    private final PrintWriter samplesCsv;
    private int nextToken;
    private long failures;

    AddedLatency(
            Settings settings,
            BenchClient client,
            List<Target> targets,
            byte[] chatBody,
            byte[] streamBody,
            List<String> authorizations,
            PrintWriter samplesCsv) {
        this.settings = settings;
        this.client = client;
        this.targets = targets;
        this.chatBody = chatBody;
        this.streamBody = streamBody;
        this.authorizations = authorizations;
        this.samplesCsv = samplesCsv;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        settings.createDirectories();
        System.out.printf("# Added latency, mode %s%n%s%n", settings.mode(), settings);
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadBefore = loadAverage();
        byte[] response = HttpClientCompare.Payloads.chatResponse(1536);
        // Read by the shutdown hook, which may run on another thread while nodes are being added.
        List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
        Thread stopNodes = new Thread(() -> nodes.forEach(NodeProcess::close), "stop-nodes");
        Runtime.getRuntime().addShutdownHook(stopNodes);
        try (LoopbackServer upstream =
                        LoopbackServer.start(response, settings.streamEvents(), settings.streamIntervalMillis());
                BenchIssuer issuer = BenchIssuer.start();
                BenchClient client = new BenchClient();
                PrintWriter samplesCsv = new PrintWriter(Files.newBufferedWriter(csv(settings, "samples")))) {
            NodeProcess open = startNode(settings, "open", openConfig(upstream));
            nodes.add(open);
            NodeProcess secured = startNode(settings, "jwt-policies", securedConfig(upstream, issuer));
            nodes.add(secured);
            for (NodeProcess node : nodes) {
                node.awaitReady(client, settings.startTimeoutMillis());
            }
            List<String> authorizations = new ArrayList<>();
            for (int i = 0; i < TOKENS; i++) {
                authorizations.add("Bearer " + issuer.rs256("user" + i, BenchPolicies.GROUPS, TOKEN_LIFETIME));
            }
            Map<String, Long> rssAfterStart = new LinkedHashMap<>();
            nodes.forEach(n -> rssAfterStart.put(n.name(), n.statusKib("VmRSS")));
            List<Target> targets = List.of(
                    new Target("direct", "direct to upstream", upstream.chatUri(), Map.of(), null),
                    new Target("gw-open", "Gatehouse, no auth", open.chatUri(), Map.of(), open),
                    new Target("gw-jwt", "Gatehouse, JWT + 5 policies", secured.chatUri(), Map.of(), secured));
            samplesCsv.println("phase,target,round,kind,nanos");
            AddedLatency bench = new AddedLatency(
                    settings,
                    client,
                    targets,
                    ChatBodies.chat(BenchPolicies.MODEL, settings.bodyBytes(), false),
                    ChatBodies.chat(BenchPolicies.MODEL, settings.bodyBytes(), true),
                    authorizations,
                    samplesCsv);
            bench.check(upstream.chatResponseLength(), secured);
            Map<String, Totals> totals = bench.sequential();
            Map<String, StreamTotals> streams = bench.streams();
            Map<String, long[]> memory = new LinkedHashMap<>();
            for (NodeProcess n : nodes) {
                memory.put(
                        n.name(), new long[] {rssAfterStart.get(n.name()), n.statusKib("VmRSS"), n.statusKib("VmHWM")});
            }
            String report = new Report(
                            settings,
                            started,
                            loadBefore,
                            loadAverage(),
                            targets,
                            totals,
                            streams,
                            memory,
                            nodes,
                            bench.failures,
                            response.length,
                            bench.chatBody.length)
                    .markdown();
            Files.writeString(settings.outFile(".md"), report);
            System.out.println();
            System.out.println(report);
        } finally {
            nodes.forEach(NodeProcess::close);
            try {
                Runtime.getRuntime().removeShutdownHook(stopNodes);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the nodes (again, harmlessly)
            }
        }
    }

    private static Path csv(Settings settings, String kind) {
        return settings.outFile("-" + kind + ".csv");
    }

    static NodeProcess startNode(Settings settings, String name, String configBody) throws IOException {
        return startNode(settings, name, "", clusterOfOne(name), configBody);
    }

    /**
     * The cluster section of a node that forms a one-member cluster of its own, under a name no other
     * node on this machine uses, so that it never joins another bench node or anyone else's.
     */
    static String clusterOfOne(String name) throws IOException {
        return "cluster:\n"
                + "  name: " + uniqueClusterName(name) + "\n"
                + "  bind_address: 127.0.0.1\n"
                + "  port: " + freePort() + "\n";
    }

    /** A cluster name no other run on this machine uses, so bench nodes never join anyone else's. */
    static String uniqueClusterName(String name) {
        return "bench-" + name + "-" + Long.toHexString(ProcessHandle.current().pid()) + "-"
                + Long.toHexString(System.nanoTime());
    }

    /**
     * Starts a node from a config of its own {@code node} section (plus {@code nodeExtra}, indented
     * keys), the given {@code cluster} section and {@code configBody} (providers, models, auth,
     * policies). The config has no {@code database} key, so the node runs from the file alone.
     */
    static NodeProcess startNode(Settings settings, String name, String nodeExtra, String cluster, String configBody)
            throws IOException {
        int httpPort = freePort();
        int adminPort = freePort();
        Path dataDir = settings.workDir().resolve("data-" + name);
        String config = "node:\n"
                + "  name: bench-" + name + "\n"
                + "  bind_address: 127.0.0.1\n"
                + "  http_port: " + httpPort + "\n"
                + "  admin_port: " + adminPort + "\n"
                + "  data_dir: \"" + dataDir + "\"\n"
                + "  shutdown_grace: 2s\n"
                + nodeExtra
                + cluster
                + configBody;
        Path file = settings.workDir().resolve("gatehouse-" + name + ".yaml");
        Files.writeString(file, config);
        Files.writeString(settings.outFile("-" + name + ".yaml"), config);
        List<String> options = new ArrayList<>(settings.nodeJvmOptions());
        if (settings.jfr()) {
            options.add("-XX:StartFlightRecording=filename=" + settings.out() + "-" + name
                    + ".jfr,settings=profile,dumponexit=true");
        }
        NodeProcess node = NodeProcess.start(
                name,
                settings.java(),
                options,
                settings.nodeJar(),
                file,
                httpPort,
                adminPort,
                settings.workDir().resolve("access-" + name + ".log"),
                Path.of(settings.out() + "-" + name + ".log"),
                settings.workDir().resolve("pids"));
        System.out.printf("started node %s, pid %d: %s%n", name, node.pid(), String.join(" ", node.command()));
        return node;
    }

    static String providersAndModels(LoopbackServer upstream) {
        return "providers:\n"
                + "  - name: loopback\n"
                + "    type: openai\n"
                + "    base_url: \"" + upstream.baseUri() + "\"\n"
                + "models:\n"
                + "  - name: " + BenchPolicies.MODEL + "\n"
                + "    deployments:\n"
                + "      - { provider: loopback, model: " + BenchPolicies.MODEL + " }\n"
                + "  - name: fast\n"
                + "    deployments:\n"
                + "      - { provider: loopback, model: fast-upstream }\n"
                + "  - name: smart\n"
                + "    deployments:\n"
                + "      - { provider: loopback, model: smart-upstream }\n";
    }

    static String openConfig(LoopbackServer upstream) {
        return providersAndModels(upstream);
    }

    /**
     * The full pipeline: JWT, five policies with rpm and tpm limits, and the response cache (every
     * request of the harness is new, so each is a miss). The deciding policy matches exactly, or as
     * {@code -Dbench.cacheMode} says ({@code semantic}: every prompt is embedded and every answer
     * stored). {@code -Dbench.extraConfig} adds top-level keys in YAML's flow style, for variants
     * such as {@code limits: { local_lease: 0 }} (every limit check at its key's owner).
     */
    static String securedConfig(LoopbackServer upstream, BenchIssuer issuer) {
        return securedConfig(upstream, issuer, System.getProperty("bench.cacheMode")) + "cache: { ttl: 10m }\n";
    }

    /** {@link #securedConfig} without the response cache, for builds that predate it. */
    static String securedConfigWithoutCache(LoopbackServer upstream, BenchIssuer issuer) {
        return securedConfig(upstream, issuer, null);
    }

    private static String securedConfig(LoopbackServer upstream, BenchIssuer issuer, @Nullable String cacheMode) {
        return providersAndModels(upstream)
                + "auth:\n"
                + "  jwt:\n"
                + "    issuers:\n"
                + "      - issuer: \"" + issuer.issuer() + "\"\n"
                + "        jwks_url: \"" + issuer.jwksUrl() + "\"\n"
                + "        audiences: [" + BenchIssuer.AUDIENCE + "]\n"
                + "        tenant_claim: " + BenchIssuer.TENANT_CLAIM + "\n"
                + BenchPolicies.yaml(cacheMode)
                + System.getProperty("bench.extraConfig", "")
                + "\n";
    }

    /**
     * A port free now, below Linux's ephemeral range (32768 and up), and not handed out before by
     * this process. A port from the ephemeral range (what binding port 0 gives) can be taken, before
     * the process it is meant for binds it, as the local port of an outgoing connection: a
     * Hazelcast member's, or a proxy's to the upstream.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port found between 20000 and 32000");
    }

    /** One request to each target must succeed with the full body; the secured node must refuse no token. */
    private void check(int responseLength, NodeProcess secured) throws Exception {
        for (Target t : targets) {
            BenchClient.Reply reply =
                    client.post(t.uri(), authorization(), chatBody).get(30, TimeUnit.SECONDS);
            if (reply.status() != 200 || reply.length() != responseLength) {
                throw new IllegalStateException(t.key() + ": status " + reply.status() + ", " + reply.length()
                        + " bytes (expected 200, " + responseLength + ")");
            }
            if (t.node() == secured && !BenchPolicies.DECIDING_POLICY.equals(reply.policy())) {
                throw new IllegalStateException(t.key() + ": decided by policy " + reply.policy() + ", expected "
                        + BenchPolicies.DECIDING_POLICY);
            }
        }
        int refused = client.post(secured.chatUri(), "", chatBody)
                .get(30, TimeUnit.SECONDS)
                .status();
        if (refused != 401) {
            throw new IllegalStateException("gw-jwt answered " + refused + " without a token (expected 401)");
        }
        System.out.printf(
                "checked: every target answers 200 with %d bytes; gw-jwt is decided by %s and refuses a request"
                        + " without a token%n",
                responseLength, BenchPolicies.DECIDING_POLICY);
    }

    private String authorization() {
        String value = authorizations.get(nextToken);
        nextToken = (nextToken + 1) % authorizations.size();
        return value;
    }

    /**
     * The order of the systems in round {@code round}: a shuffle, fixed per round (the same in
     * every run), so that each system's place and the system it follows change from round to round.
     * A plain rotation keeps the cyclic order, and the system after a busy one (Portkey, whose
     * process stays busy for a while after its calls) would always pay for it. Before each system
     * its phase waits {@link #SETTLE_MILLIS} for the previous one's trailing work to finish.
     */
    static <T> List<T> roundOrder(List<T> items, int round) {
        List<T> order = new ArrayList<>(items);
        Collections.shuffle(order, new Random(0x6a7e_4f5eL + round));
        return order;
    }

    /** How long a phase waits before each system of a round (see {@link #roundOrder}). */
    static final long SETTLE_MILLIS = 200;

    static void settle() throws InterruptedException {
        Thread.sleep(SETTLE_MILLIS);
    }

    Map<String, Totals> sequential() throws InterruptedException {
        Map<String, Totals> totals = new LinkedHashMap<>();
        targets.forEach(t -> totals.put(t.key(), new Totals()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.phaseLimitSeconds());
        Map<String, long[]> cpuStart = new LinkedHashMap<>();
        int total = settings.warmupRounds() + settings.rounds();
        for (int i = 0; i < total && System.nanoTime() < deadline; i++) {
            boolean measured = i >= settings.warmupRounds();
            int round = i - settings.warmupRounds();
            if (i == settings.warmupRounds()) {
                targets.forEach(t -> cpuStart.put(t.key(), t.cpuTicks()));
                targets.forEach(t -> totals.get(t.key()).threadTicks = t.cpuTicksByThreadGroup());
            }
            List<Target> order = roundOrder(targets, i);
            StringBuilder line = new StringBuilder(
                    measured ? String.format("round %d:", round + 1) : String.format("warm-up %d:", i + 1));
            for (Target t : order) {
                settle();
                Samples samples = new Samples();
                for (int r = 0; r < settings.perRound() && System.nanoTime() < deadline; r++) {
                    long took = call(t);
                    if (took >= 0) {
                        samples.add(took);
                    }
                }
                line.append(String.format(
                        Locale.ROOT,
                        "  %s p50=%.0fµs p99=%.0fµs",
                        t.key(),
                        samples.quantile(0.50) / 1e3,
                        samples.quantile(0.99) / 1e3));
                if (measured) {
                    Totals tt = totals.get(t.key());
                    tt.samples.addAll(samples);
                    tt.roundP50.add(samples.quantile(0.50));
                    tt.roundP99.add(samples.quantile(0.99));
                    for (int s = 0; s < samples.size(); s++) {
                        samplesCsv.printf("sequential,%s,%d,latency,%d%n", t.key(), round + 1, samples.get(s));
                    }
                }
            }
            System.out.println(line);
        }
        for (Target t : targets) {
            long[] start = cpuStart.get(t.key());
            long[] end = t.cpuTicks();
            if (start != null && end != null) {
                totals.get(t.key()).cpuTicks = new long[] {end[0] - start[0], end[1] - start[1]};
            }
            Map<String, Long> before = totals.get(t.key()).threadTicks;
            Map<String, Long> after = new LinkedHashMap<>(t.cpuTicksByThreadGroup());
            after.replaceAll((group, ticks) -> ticks - before.getOrDefault(group, 0L));
            totals.get(t.key()).threadTicks = after;
        }
        return totals;
    }

    /** One sequential call; its latency in ns, or -1 if it failed. */
    private long call(Target t) throws InterruptedException {
        String authorization = authorization();
        long start = System.nanoTime();
        try {
            BenchClient.Reply reply = client.post(t.uri(), authorization, t.headers(), chatBody)
                    .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            if (reply.status() == 200) {
                return took;
            }
            fail(t, "status " + reply.status());
        } catch (ExecutionException | TimeoutException e) {
            fail(t, e.toString());
        }
        return -1;
    }

    private void fail(Target t, String what) {
        failures++;
        if (failures <= 5) {
            System.out.printf("  %s: call failed: %s%n", t.key(), what);
        }
        if (failures >= FAILURE_CAP) {
            throw new IllegalStateException(failures + " failed calls; giving up");
        }
    }

    /** Failed calls so far, in every phase. */
    long failures() {
        return failures;
    }

    Map<String, StreamTotals> streams() throws InterruptedException {
        Map<String, StreamTotals> totals = new LinkedHashMap<>();
        targets.forEach(t -> totals.put(t.key(), new StreamTotals()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.phaseLimitSeconds());
        long streamTimeout =
                CALL_TIMEOUT_SECONDS * 1000L + (long) settings.streamEvents() * settings.streamIntervalMillis();
        int total = settings.streamWarmupRounds() + settings.streamRounds();
        for (int i = 0; i < total && System.nanoTime() < deadline; i++) {
            boolean measured = i >= settings.streamWarmupRounds();
            int round = i - settings.streamWarmupRounds();
            for (Target t : roundOrder(targets, i)) {
                settle();
                for (int s = 0; s < settings.streamsPerRound(); s++) {
                    Samples delays = new Samples();
                    Samples arrivals = new Samples();
                    Samples stamps = new Samples();
                    SseProbe probe = new SseProbe(delays, arrivals, stamps);
                    long[] firstByte = {-1};
                    long start = System.nanoTime();
                    try {
                        int status = client.stream(t.uri(), authorization(), t.headers(), streamBody, chunk -> {
                                    if (firstByte[0] < 0) {
                                        firstByte[0] = System.nanoTime();
                                    }
                                    probe.accept(chunk);
                                })
                                .get(streamTimeout, TimeUnit.MILLISECONDS);
                        if (status != 200 || probe.events() != settings.streamEvents()) {
                            fail(t, "stream status " + status + ", " + probe.events() + " events");
                            continue;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        fail(t, e.toString());
                        continue;
                    }
                    if (!measured) {
                        continue;
                    }
                    StreamTotals st = totals.get(t.key());
                    st.streams++;
                    st.firstByte.add(firstByte[0] - start);
                    st.firstEvent.add(arrivals.get(0) - start);
                    st.delays.addAll(delays);
                    samplesCsv.printf("stream,%s,%d,ttfb,%d%n", t.key(), round + 1, firstByte[0] - start);
                    samplesCsv.printf("stream,%s,%d,first_event,%d%n", t.key(), round + 1, arrivals.get(0) - start);
                    for (int e = 0; e < delays.size(); e++) {
                        samplesCsv.printf("stream,%s,%d,event_delay,%d%n", t.key(), round + 1, delays.get(e));
                        if (e > 0) {
                            long gap = arrivals.get(e) - arrivals.get(e - 1);
                            // The client's gap minus the upstream's own gap between the same two
                            // writes: what the path added to the spacing (0 if nothing buffers).
                            long excess = gap - (stamps.get(e) - stamps.get(e - 1));
                            st.gaps.add(gap);
                            st.gapExcess.add(Math.abs(excess));
                            samplesCsv.printf("stream,%s,%d,gap,%d%n", t.key(), round + 1, gap);
                            samplesCsv.printf("stream,%s,%d,gap_excess,%d%n", t.key(), round + 1, excess);
                        }
                    }
                }
            }
            System.out.printf("streams %s %d done%n", measured ? "round" : "warm-up", measured ? round + 1 : i + 1);
        }
        return totals;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Where requests go: the upstream itself, a node, or another system in front of the upstream,
     * with the request headers it needs besides {@code Authorization} ({@code node} is null but for a
     * Gatehouse node started by this harness).
     */
    record Target(String key, String label, URI uri, Map<String, String> headers, NodeProcess node) {
        long[] cpuTicks() {
            return node == null ? null : node.cpuTicks();
        }

        Map<String, Long> cpuTicksByThreadGroup() {
            return node == null ? Map.of() : node.cpuTicksByThreadGroup();
        }
    }

    /** The measured sequential samples of one target. */
    static final class Totals {
        final Samples samples = new Samples();
        final List<Long> roundP50 = new ArrayList<>();
        final List<Long> roundP99 = new ArrayList<>();
        /** User and system CPU ticks of the node during the measured rounds, or null. */
        long[] cpuTicks;

        /** CPU ticks of the node during the measured rounds by thread group (a snapshot before them, until then). */
        Map<String, Long> threadTicks = Map.of();
    }

    /** The measured stream samples of one target. */
    static final class StreamTotals {
        int streams;
        final Samples firstByte = new Samples();
        /** From the send to the arrival of the first event (time to first token). */
        final Samples firstEvent = new Samples();

        final Samples gaps = new Samples();
        /** Per gap: |the client's gap minus the upstream's gap between the same two writes|. */
        final Samples gapExcess = new Samples();

        final Samples delays = new Samples();
    }

    /** Run settings, from {@code -Dbench.NAME=value}, with defaults per mode ({@code quick} or {@code full}). */
    record Settings(
            String mode,
            int warmupRounds,
            int rounds,
            int perRound,
            int streamWarmupRounds,
            int streamRounds,
            int streamsPerRound,
            int streamEvents,
            int streamIntervalMillis,
            int bodyBytes,
            int phaseLimitSeconds,
            long startTimeoutMillis,
            long clockTicksPerSecond,
            boolean jfr,
            Path java,
            List<String> nodeJvmOptions,
            Path nodeJar,
            Path workDir,
            Path out) {

        /** Creates the directories a run writes to: its output's and its work directory. */
        void createDirectories() throws IOException {
            Files.createDirectories(out.getParent());
            Files.createDirectories(workDir);
        }

        /** An output file of the run: {@code out} followed by {@code suffix} (".md", "-samples.csv"). */
        Path outFile(String suffix) {
            return out.resolveSibling(out.getFileName() + suffix);
        }

        /** These settings with nodes started from {@code jar} instead. */
        Settings withNodeJar(Path jar) {
            return with(jar, nodeJvmOptions);
        }

        /** These settings with nodes started with {@code options} as their JVM options instead. */
        Settings withNodeJvmOptions(List<String> options) {
            return with(nodeJar, options);
        }

        private Settings with(Path jar, List<String> options) {
            return new Settings(
                    mode,
                    warmupRounds,
                    rounds,
                    perRound,
                    streamWarmupRounds,
                    streamRounds,
                    streamsPerRound,
                    streamEvents,
                    streamIntervalMillis,
                    bodyBytes,
                    phaseLimitSeconds,
                    startTimeoutMillis,
                    clockTicksPerSecond,
                    jfr,
                    java,
                    options,
                    jar,
                    workDir,
                    out);
        }

        /** JVM options given as one string, split at spaces as {@code bin/gatehouse} splits them. */
        static List<String> jvmOptions(String options) {
            return List.of(options.trim().split("\\s+"));
        }

        static Settings fromSystemProperties(String mode) {
            boolean full = switch (mode) {
                case "quick" -> false;
                case "full" -> true;
                default -> throw new IllegalArgumentException("mode: " + mode + " (expected: quick or full)");
            };
            String stamp =
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
            return new Settings(
                    mode,
                    Integer.getInteger("bench.warmupRounds", full ? 6 : 5),
                    Integer.getInteger("bench.rounds", full ? 10 : 6),
                    Integer.getInteger("bench.perRound", full ? 5000 : 2000),
                    Integer.getInteger("bench.streamWarmupRounds", 1),
                    Integer.getInteger("bench.streamRounds", full ? 10 : 4),
                    Integer.getInteger("bench.streamsPerRound", full ? 5 : 3),
                    Integer.getInteger("bench.streamEvents", 20),
                    Integer.getInteger("bench.streamIntervalMs", 10),
                    Integer.getInteger("bench.bodyBytes", 1024),
                    Integer.getInteger("bench.phaseLimitSeconds", 600),
                    Long.getLong("bench.startTimeoutMs", 90_000),
                    Long.getLong("bench.clockTicks", 100),
                    Boolean.getBoolean("bench.jfr"),
                    Path.of(System.getProperty(
                            "bench.nodeJava",
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString())),
                    jvmOptions(System.getProperty("bench.nodeOpts", "-Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError")),
                    Path.of(System.getProperty("bench.nodeJar", "node/target/dist/gatehouse-node.jar")),
                    Path.of(System.getProperty(
                            "bench.workDir", System.getProperty("java.io.tmpdir") + "/gatehouse-bench")),
                    Path.of(System.getProperty("bench.out", "bench/results/raw/added-latency-" + stamp)));
        }
    }
}
