package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.bench.httpclient.HttpClientCompare;
import io.gatehouse.bench.httpclient.LoopbackServer;
import io.gatehouse.bench.httpclient.Samples;
import io.gatehouse.bench.httpclient.SseProbe;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The side-by-side load harness: the same client and the same loopback upstream, measured directly
 * (the floor), through nginx as a plain reverse proxy, through the Portkey gateway (when it is
 * installed and starts), through one Gatehouse node with the full pipeline (JWT, five policies,
 * rate limits, the response cache: every request differs, so each is a miss) and through a cluster of three Gatehouse nodes behind nginx as a round-robin load
 * balancer. Phases, each in rounds whose order of systems is shuffled (fixed per round):
 *
 * <ol>
 *   <li>throughput: a fixed number of calls in flight against an upstream that waits before it
 *       answers, with each system's resident memory sampled and its CPU time read meanwhile (this
 *       phase also warms every system up for the next);
 *   <li>sequential calls with a zero-delay upstream (added latency), via {@link AddedLatency};
 *   <li>latency at a constant arrival rate (open model, measured from the intended send time);
 *   <li>streams: time to first event, and each gap at the client against the upstream's own gap,
 *       via {@link AddedLatency}.
 * </ol>
 *
 * Writes a markdown report and the raw numbers (CSV). Settings come from {@code bench.*} system
 * properties; see {@link Settings}.
 */
public final class SideBySide {
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(3);
    private static final int TOKENS = 8;

    private final Settings settings;
    private final BenchClient client;
    private final LoopbackServer upstream;
    private final List<AddedLatency.Target> targets;
    private final Map<String, List<Member>> members;
    private final List<String> authorizations;
    private final byte[] chatBody;
    private final PrintWriter samplesCsv;

    private SideBySide(
            Settings settings,
            BenchClient client,
            LoopbackServer upstream,
            List<AddedLatency.Target> targets,
            Map<String, List<Member>> members,
            List<String> authorizations,
            byte[] chatBody,
            PrintWriter samplesCsv) {
        this.settings = settings;
        this.client = client;
        this.upstream = upstream;
        this.targets = targets;
        this.members = members;
        this.authorizations = authorizations;
        this.chatBody = chatBody;
        this.samplesCsv = samplesCsv;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties(args.length > 0 ? args[0] : "quick");
        AddedLatency.Settings base = settings.latency();
        base.createDirectories();
        System.out.printf("# Side by side, mode %s%n%s%n", base.mode(), settings);
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadBefore = loadAverage();
        byte[] response = HttpClientCompare.Payloads.chatResponse(settings.responseBytes());
        List<String> notes = new ArrayList<>();
        // Read by the shutdown hook, which may run on another thread while systems are being added.
        List<AutoCloseable> running = new CopyOnWriteArrayList<>();
        Thread stopAll = new Thread(() -> stopAll(running), "stop-systems");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try (LoopbackServer upstream =
                        LoopbackServer.start(response, base.streamEvents(), base.streamIntervalMillis());
                BenchIssuer issuer = BenchIssuer.start();
                BenchClient client = new BenchClient(settings.maxConnections());
                PrintWriter samplesCsv = new PrintWriter(Files.newBufferedWriter(base.outFile("-samples.csv")))) {
            List<AddedLatency.Target> targets = new ArrayList<>();
            Map<String, List<Member>> members = new LinkedHashMap<>();
            targets.add(new AddedLatency.Target("direct", "direct", upstream.chatUri(), Map.of(), null));
            members.put("direct", List.of());
            String upstreamHost = "127.0.0.1:" + upstream.chatUri().getPort();

            // Started first, so the JVMs below start while these settle.
            ServiceProcess nginx = null;
            if (settings.nginx() != null) {
                int port = AddedLatency.freePort();
                nginx = Nginx.start(base, "nginx", settings.nginx(), port, List.of(upstreamHost));
                running.add(nginx);
            } else {
                notes.add("nginx: not measured: no nginx binary (bench/run.sh installs the Debian package"
                        + " nginx-light); the cluster needs it as its load balancer, so it was not measured"
                        + " either.");
            }
            ServiceProcess portkey = null;
            int portkeyPort = AddedLatency.freePort();
            if (settings.portkeyScript() == null) {
                notes.add("Portkey: not measured: " + settings.portkeyMissing());
            } else {
                portkey = ServiceProcess.start(
                        "portkey",
                        List.of(settings.nodeJs(), settings.portkeyScript(), "--port=" + portkeyPort, "--headless"),
                        base.workDir(),
                        Map.of("NODE_ENV", "production"),
                        base.outFile("-portkey.log"),
                        base.workDir().resolve("pids"));
                running.add(portkey);
            }

            String adminToken =
                    HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
            String nodeExtra = "  admin_token: \"" + adminToken + "\"\n";
            String body = AddedLatency.securedConfig(upstream, issuer);
            String singleCluster = AddedLatency.clusterOfOne("single");
            NodeProcess single = AddedLatency.startNode(base, "single", nodeExtra, singleCluster, body);
            running.add(single);
            NodeProcess baseline = null;
            if (settings.baselineJar() != null || settings.baselineOpts() != null) {
                String baselineCluster = AddedLatency.clusterOfOne("baseline");
                // A baseline build may predate the response cache, whose key it would refuse.
                String baselineBody = settings.baselineCache() || settings.baselineJar() == null
                        ? body
                        : AddedLatency.securedConfigWithoutCache(upstream, issuer);
                AddedLatency.Settings baselineBase = base;
                if (settings.baselineJar() != null) {
                    baselineBase = baselineBase.withNodeJar(settings.baselineJar());
                }
                if (settings.baselineOpts() != null) {
                    baselineBase = baselineBase.withNodeJvmOptions(settings.baselineOpts());
                }
                baseline = AddedLatency.startNode(baselineBase, "baseline", nodeExtra, baselineCluster, baselineBody);
                running.add(baseline);
            }
            // The floors under Gatehouse's figures: its relay without the pipeline, and the server it is built on.
            NodeProcess bare = null;
            NodeProcess bareQuiet = null;
            ServiceProcess undertow = null;
            int undertowPort = settings.relayFloors() ? AddedLatency.freePort() : -1;
            if (settings.relayFloors()) {
                String bareCluster = AddedLatency.clusterOfOne("bare");
                bare = AddedLatency.startNode(base, "bare", nodeExtra, bareCluster, AddedLatency.openConfig(upstream));
                running.add(bare);
                String quietCluster = AddedLatency.clusterOfOne("bare-quiet");
                bareQuiet = AddedLatency.startNode(
                        base,
                        "bare-quiet",
                        nodeExtra + "  access_log: off\n",
                        quietCluster,
                        AddedLatency.openConfig(upstream));
                running.add(bareQuiet);
                List<String> command = new ArrayList<>();
                command.add(base.java().toString());
                command.addAll(base.nodeJvmOptions());
                command.addAll(List.of(
                        "-cp",
                        absoluteClassPath(),
                        UndertowProxy.class.getName(),
                        String.valueOf(undertowPort),
                        "http://" + upstreamHost));
                undertow = ServiceProcess.start(
                        "undertow",
                        command,
                        base.workDir(),
                        Map.of(),
                        base.outFile("-undertow.log"),
                        base.workDir().resolve("pids"));
                running.add(undertow);
            }
            List<NodeProcess> cluster = new ArrayList<>();
            if (nginx != null) {
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < settings.clusterSize(); i++) {
                    ports.add(AddedLatency.freePort());
                }
                String name = AddedLatency.uniqueClusterName("cluster");
                for (int i = 0; i < settings.clusterSize(); i++) {
                    String section = "cluster:\n"
                            + "  name: " + name + "\n"
                            + "  bind_address: 127.0.0.1\n"
                            + "  port: " + ports.get(i) + "\n"
                            + "  members: ["
                            + String.join(
                                    ", ",
                                    ports.stream()
                                            .map(p -> "\"127.0.0.1:" + p + "\"")
                                            .toList())
                            + "]\n"
                            + "  expected_members: " + settings.clusterSize() + "\n";
                    NodeProcess node = AddedLatency.startNode(base, "cluster-" + (i + 1), nodeExtra, section, body);
                    running.add(node);
                    cluster.add(node);
                }
            }

            if (nginx != null) {
                nginx.awaitHttp(client, URI.create("http://127.0.0.1:" + Nginx.port(nginx) + "/"), 30_000);
                targets.add(new AddedLatency.Target(
                        "nginx",
                        "nginx (plain reverse proxy)",
                        URI.create("http://127.0.0.1:" + Nginx.port(nginx) + "/v1/chat/completions"),
                        Map.of(),
                        null));
                members.put("nginx", List.of(new Member("nginx", nginx::pids, null)));
            }
            if (portkey != null) {
                try {
                    portkey.awaitHttp(client, URI.create("http://127.0.0.1:" + portkeyPort + "/"), 60_000);
                    targets.add(new AddedLatency.Target(
                            "portkey",
                            "Portkey gateway",
                            URI.create("http://127.0.0.1:" + portkeyPort + "/v1/chat/completions"),
                            Map.of(
                                    "x-portkey-provider",
                                    "openai",
                                    "x-portkey-custom-host",
                                    "http://" + upstreamHost + "/v1"),
                            null));
                    members.put("portkey", List.of(new Member("portkey (node)", portkey::pids, null)));
                } catch (IllegalStateException e) {
                    notes.add("Portkey: not measured: it did not start: " + e.getMessage());
                    portkey.close();
                }
            }
            Systems nodes = new Systems(targets, members, client, base.startTimeoutMillis());
            nodes.add("gh-single", "Gatehouse, 1 node, full pipeline", single);
            if (baseline != null) {
                nodes.add("gh-baseline", "Gatehouse, 1 node, baseline build", baseline);
                notes.add("Baseline: " + (settings.baselineJar() != null ? settings.baselineJar() : "this build")
                        + (settings.baselineOpts() != null
                                ? " with JVM options " + String.join(" ", settings.baselineOpts())
                                : "")
                        + ", run as a second single node beside this build's, with the same config"
                        + (settings.baselineCache() || settings.baselineJar() == null
                                ? "."
                                : " but no response cache (-Dbench.baselineCache=true gives it the cache too)."));
            }
            if (bare != null) {
                nodes.add("gh-bare", "Gatehouse, 1 node, the relay alone (no JWT, policies, limits or cache)", bare);
            }
            if (bareQuiet != null) {
                nodes.add("gh-bare-quiet", "Gatehouse, 1 node, the relay alone, access log off", bareQuiet);
                notes.add("The relay alone, access log off (node.access_log: off): a floor that shows what the"
                        + " access line costs.");
            }
            if (undertow != null) {
                ServiceProcess proxy = undertow;
                proxy.awaitHttp(client, URI.create("http://127.0.0.1:" + undertowPort + "/"), 30_000);
                targets.add(new AddedLatency.Target(
                        "undertow",
                        "Undertow's own reverse proxy",
                        URI.create("http://127.0.0.1:" + undertowPort + "/v1/chat/completions"),
                        Map.of(),
                        null));
                members.put("undertow", List.of(new Member("undertow", proxy::pids, null)));
            }
            if (!cluster.isEmpty()) {
                for (NodeProcess node : cluster) {
                    node.awaitReady(client, base.startTimeoutMillis());
                }
                awaitClusterSize(client, cluster.getFirst(), adminToken, settings.clusterSize());
                List<String> backends =
                        cluster.stream().map(n -> "127.0.0.1:" + n.httpPort()).toList();
                int lbPort = AddedLatency.freePort();
                ServiceProcess lb = Nginx.start(base, "nginx-lb", settings.nginx(), lbPort, backends);
                running.add(lb);
                lb.awaitHttp(client, URI.create("http://127.0.0.1:" + lbPort + "/"), 30_000);
                targets.add(new AddedLatency.Target(
                        "gh-cluster",
                        "Gatehouse, 3-node cluster behind nginx",
                        URI.create("http://127.0.0.1:" + lbPort + "/v1/chat/completions"),
                        Map.of(),
                        null));
                List<Member> clusterMembers = new ArrayList<>();
                for (int i = 0; i < cluster.size(); i++) {
                    NodeProcess node = cluster.get(i);
                    clusterMembers.add(new Member("node " + (i + 1), () -> pidsOf(node), node));
                }
                clusterMembers.add(new Member("nginx (load balancer)", lb::pids, null));
                members.put("gh-cluster", clusterMembers);
            }

            List<String> authorizations = new ArrayList<>();
            for (int i = 0; i < TOKENS; i++) {
                authorizations.add("Bearer " + issuer.rs256("user" + i, BenchPolicies.GROUPS, TOKEN_LIFETIME));
            }
            byte[] chatBody = ChatBodies.chat(BenchPolicies.MODEL, base.bodyBytes(), false);
            byte[] streamBody = ChatBodies.chat(BenchPolicies.MODEL, base.bodyBytes(), true);
            SideBySide bench =
                    new SideBySide(settings, client, upstream, targets, members, authorizations, chatBody, samplesCsv);
            samplesCsv.println("phase,target,round,kind,nanos");
            List<AddedLatency.Target> streamTargets = bench.check(streamBody, single, notes);

            AddedLatency sequentialAndStreams =
                    new AddedLatency(base, client, targets, chatBody, streamBody, authorizations, samplesCsv);
            // Throughput first: its many calls also bring every system to its steady state (JIT) before
            // the latency phases.
            System.out.printf("## Throughput, upstream delay %d ms%n", settings.delayMillis());
            Map<String, Load> throughput = bench.throughput();
            System.out.println("## Sequential calls, upstream delay 0 ms");
            Map<String, AddedLatency.Totals> sequential = sequentialAndStreams.sequential();
            System.out.printf("## Constant arrival rate %.0f/s, upstream delay 0 ms%n", settings.rate());
            Map<String, Load> open = bench.openRate();
            System.out.println("## Streams");
            bench.warmUpStreams(streamTargets, streamBody);
            AddedLatency streamsOnly =
                    new AddedLatency(base, client, streamTargets, chatBody, streamBody, authorizations, samplesCsv);
            Map<String, AddedLatency.StreamTotals> streams = streamsOnly.streams();

            Map<String, Long> peakKib = new LinkedHashMap<>();
            members.forEach((key, list) -> list.forEach(m -> peakKib.put(key + "/" + m.name(), m.sumKib("VmHWM"))));
            SideBySideReport report = new SideBySideReport(
                    settings,
                    started,
                    loadBefore,
                    loadAverage(),
                    targets,
                    members,
                    notes,
                    sequential,
                    throughput,
                    open,
                    streams,
                    peakKib,
                    sequentialAndStreams.failures() + streamsOnly.failures(),
                    response.length,
                    chatBody.length,
                    upstream.chatRequests());
            Files.writeString(base.outFile(".md"), report.markdown());
            Files.writeString(base.outFile("-summary.csv"), report.summaryCsv());
            System.out.println();
            System.out.println(report.markdown());
        } finally {
            stopAll(running);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the systems (again, harmlessly)
            }
        }
    }

    private static void stopAll(List<AutoCloseable> running) {
        List<AutoCloseable> reversed = new ArrayList<>(running);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("stopping " + c + ": " + e);
            }
        }
    }

    /** The systems under test, to which a started node is added once it is ready. */
    private record Systems(
            List<AddedLatency.Target> targets,
            Map<String, List<Member>> members,
            BenchClient client,
            long startTimeoutMillis) {
        void add(String key, String label, NodeProcess node) throws InterruptedException {
            node.awaitReady(client, startTimeoutMillis);
            targets.add(new AddedLatency.Target(key, label, node.chatUri(), Map.of(), node));
            members.put(key, List.of(new Member("node", () -> pidsOf(node), node)));
        }
    }

    private static List<Long> pidsOf(NodeProcess node) {
        return List.of(node.pid());
    }

    /** Waits until the node sees {@code size} members. */
    private static void awaitClusterSize(BenchClient client, NodeProcess node, String adminToken, int size)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Map.Entry<Integer, String> reply = client.getText(
                                node.adminUri("/admin/v1/cluster"), "Bearer " + adminToken)
                        .get(5, TimeUnit.SECONDS);
                last = reply.getKey() + " " + reply.getValue();
                if (reply.getKey() == 200 && reply.getValue().contains("\"size\":" + size + ",")) {
                    System.out.printf("cluster formed: %s sees %d members%n", node.name(), size);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("cluster of " + size + " did not form in 90 s; last answer: " + last);
    }

    /** This JVM's class path with absolute entries, for a process started in another directory. */
    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * One call and one stream per target: every target must answer 200, and Gatehouse (but its relay
     * alone, which has no policies) decide by the expected policy. A system other than Gatehouse
     * whose stream does not carry the upstream's events one by one is left out of the stream phase,
     * with a note. Returns the targets of the stream phase.
     */
    private List<AddedLatency.Target> check(byte[] streamBody, NodeProcess single, List<String> notes)
            throws Exception {
        List<AddedLatency.Target> streamTargets = new ArrayList<>();
        for (AddedLatency.Target t : targets) {
            BenchClient.Reply reply = client.post(t.uri(), authorizations.getFirst(), t.headers(), chatBody)
                    .get(30, TimeUnit.SECONDS);
            if (reply.status() != 200) {
                throw new IllegalStateException(t.key() + ": status " + reply.status() + " (expected 200)");
            }
            boolean gatehouse = t.key().startsWith("gh-");
            boolean decided = gatehouse && !t.key().startsWith("gh-bare");
            if (decided && !BenchPolicies.DECIDING_POLICY.equals(reply.policy())) {
                throw new IllegalStateException(t.key() + ": decided by policy " + reply.policy() + ", expected "
                        + BenchPolicies.DECIDING_POLICY);
            }
            Samples delays = new Samples();
            SseProbe probe = new SseProbe(delays, new Samples());
            int status = client.stream(t.uri(), authorizations.getFirst(), t.headers(), streamBody, probe)
                    .get(30, TimeUnit.SECONDS);
            int events = settings.latency().streamEvents();
            System.out.printf(
                    "checked %s: 200 with %d bytes (upstream sends %d), stream %d with %d of %d events%n",
                    t.key(), reply.length(), upstream.chatResponseLength(), status, probe.events(), events);
            if (status == 200 && probe.events() == events) {
                streamTargets.add(t);
            } else if (gatehouse) {
                throw new IllegalStateException(t.key() + ": stream " + status + " with " + probe.events() + " events");
            } else {
                notes.add(t.label() + ": left out of the stream phase: its stream answered " + status + " with "
                        + probe.events() + " of " + events + " stamped events.");
            }
        }
        int refused = client.post(single.chatUri(), "", chatBody)
                .get(30, TimeUnit.SECONDS)
                .status();
        if (refused != 401) {
            throw new IllegalStateException("gh-single answered " + refused + " without a token (expected 401)");
        }
        return streamTargets;
    }

    /**
     * Brings every system's stream path to its steady state before the stream rounds, as the
     * throughput phase does for plain calls: {@code bench.streamJitWarmup} streams per system, one
     * at a time, with the upstream's events back to back (each system at most 30 s). Without it the
     * first measured streams of a JVM still run code being compiled. What runs once per stream (its
     * start) is compiled only after some 15,000 streams (bench/stream-start.sh), hence the full
     * mode's 20,000.
     */
    private void warmUpStreams(List<AddedLatency.Target> streamTargets, byte[] streamBody) throws InterruptedException {
        int interval = settings.latency().streamIntervalMillis();
        upstream.streamIntervalMillis(0);
        try {
            for (AddedLatency.Target t : streamTargets) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int done = 0;
                int failed = 0;
                while (done < settings.streamJitWarmup() && failed < 100 && System.nanoTime() < deadline) {
                    try {
                        int status = client.stream(
                                        t.uri(),
                                        authorizations.get(done % authorizations.size()),
                                        t.headers(),
                                        streamBody,
                                        chunk -> {})
                                .get(10, TimeUnit.SECONDS);
                        if (status == 200) {
                            done++;
                        } else {
                            failed++;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        failed++;
                    }
                }
                System.out.printf("streams warm-up (events back to back): %s %d streams%n", t.key(), done);
            }
        } finally {
            upstream.streamIntervalMillis(interval);
        }
    }

    /** Closed-model load at a fixed concurrency against a delayed upstream, with memory and CPU. */
    private Map<String, Load> throughput() throws InterruptedException {
        upstream.delayMillis(settings.delayMillis());
        try {
            Map<String, Load> loads = new LinkedHashMap<>();
            targets.forEach(t -> loads.put(t.key(), new Load()));
            int total = settings.throughputWarmupRounds() + settings.throughputRounds();
            for (int i = 0; i < total; i++) {
                boolean measured = i >= settings.throughputWarmupRounds();
                StringBuilder line = new StringBuilder(
                        measured
                                ? "round " + (i - settings.throughputWarmupRounds() + 1) + ":"
                                : "warm-up " + (i + 1) + ":");
                for (AddedLatency.Target t : AddedLatency.roundOrder(targets, i)) {
                    AddedLatency.settle();
                    List<Member> group = members.get(t.key());
                    long[] cpuBefore = cpuTicks(group);
                    Map<String, Long> threadsBefore = threadTicks(group);
                    Map<String, Long> peak = new LinkedHashMap<>();
                    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread thread = new Thread(r, "rss-sampler");
                        thread.setDaemon(true);
                        return thread;
                    });
                    sampler.scheduleAtFixedRate(
                            () -> group.forEach(m -> peak.merge(m.name(), m.sumKib("VmRSS"), Math::max)),
                            0,
                            200,
                            TimeUnit.MILLISECONDS);
                    LoadGenerator.Result result;
                    try {
                        result = new LoadGenerator(client, t, authorizations, chatBody)
                                .closed(
                                        settings.concurrency(),
                                        measured ? settings.throughputMillis() : settings.throughputWarmupMillis());
                    } finally {
                        sampler.shutdown();
                        sampler.awaitTermination(5, TimeUnit.SECONDS);
                    }
                    long[] cpuAfter = cpuTicks(group);
                    line.append(String.format(
                            Locale.ROOT,
                            "  %s %.0f/s p50=%.1fms p99=%.1fms%s",
                            t.key(),
                            result.perSecond(),
                            result.latencies().quantile(0.5) / 1e6,
                            result.latencies().quantile(0.99) / 1e6,
                            result.failed() > 0
                                    ? " failed=" + result.failed() + " (" + result.firstFailure() + ")"
                                    : ""));
                    if (measured) {
                        Load load = loads.get(t.key());
                        load.add(result);
                        load.cpuTicks += cpuAfter[0] - cpuBefore[0];
                        threadTicks(group)
                                .forEach((thread, ticks) -> load.threadTicks.merge(
                                        thread, ticks - threadsBefore.getOrDefault(thread, 0L), Long::sum));
                        peak.forEach((name, kib) -> load.peakRssKib.merge(name, kib, Math::max));
                        writeSamples("throughput", t, i - settings.throughputWarmupRounds() + 1, result);
                    }
                }
                System.out.println(line);
            }
            return loads;
        } finally {
            upstream.delayMillis(0);
        }
    }

    /** Open-model load at a constant arrival rate, latency from each call's intended send time. */
    private Map<String, Load> openRate() throws InterruptedException {
        Map<String, Load> loads = new LinkedHashMap<>();
        targets.forEach(t -> loads.put(t.key(), new Load()));
        int total = settings.openWarmupRounds() + settings.openRounds();
        for (int i = 0; i < total; i++) {
            boolean measured = i >= settings.openWarmupRounds();
            StringBuilder line = new StringBuilder(
                    measured ? "round " + (i - settings.openWarmupRounds() + 1) + ":" : "warm-up " + (i + 1) + ":");
            for (AddedLatency.Target t : AddedLatency.roundOrder(targets, i)) {
                AddedLatency.settle();
                LoadGenerator.Result result = new LoadGenerator(client, t, authorizations, chatBody)
                        .open(settings.rate(), measured ? settings.openMillis() : settings.openWarmupMillis());
                line.append(String.format(
                        Locale.ROOT,
                        "  %s p50=%.0fµs p99=%.0fµs%s",
                        t.key(),
                        result.latencies().quantile(0.5) / 1e3,
                        result.latencies().quantile(0.99) / 1e3,
                        result.failed() > 0 ? " failed=" + result.failed() + " (" + result.firstFailure() + ")" : ""));
                if (measured) {
                    loads.get(t.key()).add(result);
                    writeSamples("open", t, i - settings.openWarmupRounds() + 1, result);
                }
            }
            System.out.println(line);
        }
        return loads;
    }

    private void writeSamples(String phase, AddedLatency.Target t, int round, LoadGenerator.Result result) {
        samplesCsv.printf(
                Locale.ROOT, "%s,%s,%d,completed_per_second,%.1f%n", phase, t.key(), round, result.perSecond());
        samplesCsv.printf("%s,%s,%d,failed,%d%n", phase, t.key(), round, result.failed());
        for (int s = 0; s < result.latencies().size(); s++) {
            samplesCsv.printf(
                    "%s,%s,%d,latency,%d%n",
                    phase, t.key(), round, result.latencies().get(s));
        }
    }

    /** CPU ticks so far of the Gatehouse nodes of a group, by thread group, summed over the nodes. */
    private static Map<String, Long> threadTicks(List<Member> group) {
        Map<String, Long> ticks = new TreeMap<>();
        for (Member m : group) {
            if (m.node() != null) {
                m.node().cpuTicksByThreadGroup().forEach((thread, t) -> ticks.merge(thread, t, Long::sum));
            }
        }
        return ticks;
    }

    /** User + system CPU ticks of a group's processes so far (processes that ended count no more). */
    private static long[] cpuTicks(List<Member> group) {
        long total = 0;
        for (Member m : group) {
            for (long pid : m.pids().get()) {
                long[] ticks = Procfs.cpuTicks(pid);
                if (ticks != null) {
                    total += ticks[0] + ticks[1];
                }
            }
        }
        return new long[] {total};
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * One part of a system under test: a Gatehouse node ({@code node} set), or nginx or Node.js with
     * its children.
     */
    record Member(
            String name,
            Supplier<List<Long>> pids,
            @Nullable NodeProcess node) {
        /** A {@code /proc/PID/status} field summed over the member's processes, in KiB (-1 if none). */
        long sumKib(String field) {
            long sum = -1;
            for (long pid : pids.get()) {
                long kib = Procfs.statusKib(pid, field);
                if (kib >= 0) {
                    sum = Math.max(sum, 0) + kib;
                }
            }
            return sum;
        }
    }

    /** The measured rounds of one load phase for one system. */
    static final class Load {
        final Samples latencies = new Samples();
        final List<Double> perSecond = new ArrayList<>();
        long completed;
        long failed;
        double seconds;
        long cpuTicks;
        long maxSendLagNanos;
        final Map<String, Long> peakRssKib = new LinkedHashMap<>();
        /** CPU ticks of Gatehouse nodes during the measured rounds, by thread group. */
        final Map<String, Long> threadTicks = new TreeMap<>();

        void add(LoadGenerator.Result r) {
            latencies.addAll(r.latencies());
            perSecond.add(r.perSecond());
            completed += r.completed();
            failed += r.failed();
            seconds += r.seconds();
            maxSendLagNanos = Math.max(maxSendLagNanos, r.maxSendLagNanos());
        }

        double meanPerSecond() {
            return seconds == 0 ? 0 : completed / seconds;
        }
    }

    /** Run settings, from {@code -Dbench.NAME=value}, with defaults per mode ({@code quick} or {@code full}). */
    record Settings(
            AddedLatency.Settings latency,
            int responseBytes,
            int maxConnections,
            int concurrency,
            int delayMillis,
            int throughputWarmupRounds,
            long throughputWarmupMillis,
            int throughputRounds,
            long throughputMillis,
            double rate,
            int openWarmupRounds,
            long openWarmupMillis,
            int openRounds,
            long openMillis,
            int clusterSize,
            int streamJitWarmup,
            String nginx,
            String nodeJs,
            String portkeyScript,
            String portkeyMissing,
            @Nullable Path baselineJar,
            @Nullable List<String> baselineOpts,
            boolean baselineCache,
            boolean relayFloors) {

        static Settings fromSystemProperties(String mode) {
            boolean full = switch (mode) {
                case "quick" -> false;
                case "full" -> true;
                default -> throw new IllegalArgumentException("mode: " + mode + " (expected: quick or full)");
            };
            String stamp =
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
            AddedLatency.Settings defaults = AddedLatency.Settings.fromSystemProperties(mode);
            AddedLatency.Settings latency = new AddedLatency.Settings(
                    mode,
                    // Many short turns rather than a few long ones, so that a burst of noise on
                    // the machine lands on every system about as often (docs/performance.md).
                    Integer.getInteger("bench.warmupRounds", full ? 6 : 1),
                    Integer.getInteger("bench.rounds", full ? 24 : 3),
                    Integer.getInteger("bench.perRound", full ? 1000 : 800),
                    Integer.getInteger("bench.streamWarmupRounds", 1),
                    Integer.getInteger("bench.streamRounds", full ? 32 : 2),
                    Integer.getInteger("bench.streamsPerRound", full ? 5 : 3),
                    defaults.streamEvents(),
                    defaults.streamIntervalMillis(),
                    defaults.bodyBytes(),
                    defaults.phaseLimitSeconds(),
                    defaults.startTimeoutMillis(),
                    defaults.clockTicksPerSecond(),
                    defaults.jfr(),
                    defaults.java(),
                    defaults.nodeJvmOptions(),
                    defaults.nodeJar(),
                    defaults.workDir(),
                    Path.of(System.getProperty("bench.out", "bench/results/raw/side-by-side-" + stamp)));
            String nginx = System.getProperty("bench.nginx", "/usr/sbin/nginx");
            String portkeyDir = System.getProperty("bench.portkeyDir", "");
            String script = portkeyDir + "/node_modules/@portkey-ai/gateway/build/start-server.js";
            String portkeyMissing = null;
            if (portkeyDir.isBlank()) {
                portkeyMissing = System.getProperty("bench.portkeyMissing", "no Portkey install was given");
            } else if (!Files.isRegularFile(Path.of(script))) {
                portkeyMissing = "not installed: no " + script;
            }
            return new Settings(
                    latency,
                    Integer.getInteger("bench.responseBytes", 1536),
                    Integer.getInteger("bench.maxConnections", 256),
                    Integer.getInteger("bench.concurrency", 256),
                    Integer.getInteger("bench.delayMs", 20),
                    Integer.getInteger("bench.throughputWarmupRounds", 1),
                    Long.getLong("bench.throughputWarmupMs", full ? 15_000 : 3000),
                    Integer.getInteger("bench.throughputRounds", full ? 3 : 2),
                    Long.getLong("bench.throughputMs", full ? 15_000 : 3000),
                    Double.parseDouble(System.getProperty("bench.rate", "200")),
                    Integer.getInteger("bench.openWarmupRounds", 1),
                    Long.getLong("bench.openWarmupMs", full ? 3000 : 1000),
                    Integer.getInteger("bench.openRounds", full ? 3 : 1),
                    Long.getLong("bench.openMs", full ? 10_000 : 2000),
                    Integer.getInteger("bench.clusterSize", 3),
                    Integer.getInteger("bench.streamJitWarmup", full ? 20_000 : 200),
                    Files.isExecutable(Path.of(nginx)) ? nginx : null,
                    System.getProperty("bench.nodeJs", "node"),
                    portkeyMissing == null ? script : null,
                    portkeyMissing,
                    System.getProperty("bench.baselineJar", "").isBlank()
                            ? null
                            : Path.of(System.getProperty("bench.baselineJar")),
                    System.getProperty("bench.baselineOpts", "").isBlank()
                            ? null
                            : AddedLatency.Settings.jvmOptions(System.getProperty("bench.baselineOpts")),
                    Boolean.getBoolean("bench.baselineCache"),
                    Boolean.getBoolean("bench.relayFloors"));
        }
    }
}
