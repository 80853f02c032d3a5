package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.api.AdminApi;
import io.gatehouse.admin.api.ConfigEditor;
import io.gatehouse.admin.api.ConfigReader;
import io.gatehouse.admin.config.ClusterConfig;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.config.NodeConfig;
import io.gatehouse.admin.resources.Documents;
import io.gatehouse.admin.store.MasterKeyException;
import io.gatehouse.admin.store.SecretBox;
import io.gatehouse.admin.store.StoredConfig;
import io.gatehouse.admin.store.StoredResource;
import io.gatehouse.admin.sync.ConfigSync;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.cluster.limits.LeasedRateLimits;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.semantic.PromptEmbedder;
import io.gatehouse.node.upstream.IoThreadTransport;
import io.gatehouse.providers.tokens.TokenCounter;
import io.gatehouse.providers.transport.UpstreamClient;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * One running Gatehouse node: its cluster membership, the data plane and admin servers, the shared
 * upstream client, the providers and the model catalog. Thread-safe; {@link #stop} drains in-flight requests first.
 */
public final class Node {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final String CACHE_KEY_PURPOSE = "response cache";
    /** How long a starting node waits for the embedding model its policies need (about a second). */
    private static final Duration EMBEDDER_LOAD_WAIT = Duration.ofSeconds(30);

    private final NodeConfig config;
    private final Undertow server;
    private final GracefulShutdownHandler dataPlane;
    private final Closer resources;
    private final ConfigSwitch configs;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Node(
            NodeConfig config,
            Undertow server,
            GracefulShutdownHandler dataPlane,
            Closer resources,
            ConfigSwitch configs) {
        this.config = config;
        this.configs = configs;
        this.server = server;
        this.dataPlane = dataPlane;
        this.resources = resources;
    }

    /**
     * Starts a node serving {@code config}: joins the cluster, builds the providers and the request
     * pipeline, and opens the data plane and admin ports.
     *
     * @throws io.gatehouse.admin.config.ConfigException if a policy does not compile
     * @throws RuntimeException if a port cannot be bound or the cluster cannot be joined
     */
    public static Node start(GatewayConfig config) {
        return start(config, System::getenv);
    }

    /**
     * Starts a node as {@link #start(GatewayConfig)} does, reading the master key and other secrets
     * of the environment through {@code env}.
     */
    public static Node start(GatewayConfig config, Function<String, @Nullable String> env) {
        requireNonNull(config, "config");
        requireNonNull(env, "env");
        NodeConfig nodeConfig = config.node();
        Closer resources = new Closer();
        try {
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("gatehouse-timer").daemon().factory());
            resources.register(scheduler::shutdownNow);
            GatewayMetrics metrics = resources.register(new GatewayMetrics(nodeConfig.name()));
            // Plain-HTTP calls made on an IO thread go out on that thread's own connections; the
            // shared client sends the rest (TLS, HTTP/2, other threads).
            IoThreadTransport direct = resources.register(new IoThreadTransport(
                    nodeConfig.upstream().connectTimeout(),
                    nodeConfig.upstream().maxConnectionsPerHost(),
                    1024));
            UpstreamClient upstream = resources.register(UpstreamClient.start(
                    new UpstreamClient.Settings(
                            nodeConfig.upstream().connectTimeout(),
                            nodeConfig.upstream().maxConnectionsPerHost(),
                            1024),
                    direct));
            TokenCounter tokens = TokenCounter.o200k();
            ProviderFactory providers = resources.register(new ProviderFactory(upstream, tokens, scheduler));
            ClusterMember cluster = resources.register(ClusterMember.start(clusterSettings(config), version()));
            PromptEmbedder embedder = resources.register(PromptEmbedder.allMiniLm());
            ConfigSwitch configs =
                    resources.register(new ConfigSwitch(providers, scheduler, nodeConfig.shutdownGrace(), embedder));
            // With a database, it holds the configuration (seeded from the file when empty) and the
            // node follows its versions; without one, the file is the whole configuration.
            DurableConfig durable = null;
            if (config.database() != null) {
                durable = resources.register(
                        DurableConfig.start(config, config.database(), env, cluster.configBus(), configs::apply));
            } else {
                configs.apply(config, 0);
            }
            Supplier<@Nullable String> degraded = degradedReason(durable);
            // Busy limits are checked against local leases of quota batches (limits.local_lease).
            LeasedRateLimits limits = resources.register(new LeasedRateLimits(
                    cluster.rateLimits(), () -> configs.active().limits().localLease(), scheduler));
            metrics.rateChecks(limits::grantedFromLeases, limits::sentToOwners);
            byte[] cacheKey = cacheKey(durable, env);
            ResponseCache cache = resources.register(cluster.responseCache(cacheKey));
            // A node whose policies match prompts by meaning does so from its first request.
            embedder.awaitIfPreparing(EMBEDDER_LOAD_WAIT);

            AtomicReference<Node> self = new AtomicReference<>();
            BooleanSupplier ready = () -> self.get() != null && self.get().ready.get();
            DataPlane.Pipeline dataPlane = DataPlane.handler(new DataPlane.Parts(
                    nodeConfig.name(),
                    nodeConfig.maxRequestBytes(),
                    configs::active,
                    tokens,
                    limits,
                    cache,
                    cluster.semanticIndex(cacheKey),
                    embedder,
                    cluster.leasePrefix(),
                    metrics,
                    nodeConfig.accessLog() == NodeConfig.AccessLogOutput.STDOUT,
                    ready,
                    degraded));
            // Admin calls block on the database; they get threads of their own, never the data plane's.
            ExecutorService adminWorkers = Executors.newFixedThreadPool(
                    4, Thread.ofPlatform().name("admin-worker-", 1).daemon().factory());
            resources.register(adminWorkers::shutdownNow);
            AdminApi.Parts admin = new AdminApi.Parts(
                    durable != null ? durable.editor() : fileReader(config),
                    durable != null ? durable.editor() : null,
                    durable != null ? durable.repository() : null,
                    new AdminCallers(nodeConfig.adminToken(), nodeConfig.adminRoles(), configs::active),
                    adminWorkers);
            Undertow server = Undertow.builder()
                    .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                    .setWorkerThreads(4)
                    .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                    .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                    .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                    // A hard stop for bodies far over the limit; the handlers answer 413 below it.
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 2 * nodeConfig.maxRequestBytes() + 65_536)
                    .setSocketOption(Options.TCP_NODELAY, true)
                    .addHttpListener(nodeConfig.httpPort(), nodeConfig.bindAddress(), dataPlane.root())
                    .addHttpListener(
                            nodeConfig.adminPort(),
                            nodeConfig.bindAddress(),
                            AdminPlane.handler(
                                    nodeConfig.name(),
                                    admin,
                                    () -> configs.active().policies(),
                                    cluster,
                                    metrics,
                                    ready,
                                    degraded))
                    .build();
            server.start();
            resources.register(server::stop);
            Node node = new Node(nodeConfig, server, dataPlane.inFlight(), resources, configs);
            self.set(node);
            node.ready.set(true);
            log.info(
                    "Gatehouse node {} serving config version {} on http://{}:{} (admin, health and metrics on"
                            + " port {})",
                    nodeConfig.name(),
                    configs.active().version(),
                    nodeConfig.bindAddress(),
                    node.httpPort(),
                    node.adminPort());
            return node;
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * The key cached answers are sealed under: derived from the master key, so that every node of a
     * cluster (which shares its database, hence its master key) can open the others' answers. A node
     * without a database and without {@code GATEHOUSE_MASTER_KEY} seals with a random key of its own,
     * and shares no cached answers.
     */
    private static byte[] cacheKey(@Nullable DurableConfig durable, Function<String, @Nullable String> env) {
        if (durable != null) {
            return durable.derivedKey(CACHE_KEY_PURPOSE);
        }
        if (SecretBox.configured(env)) {
            try {
                return SecretBox.fromEnvironment(env, null).derivedKey(CACHE_KEY_PURPOSE);
            } catch (MasterKeyException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static ClusterSettings clusterSettings(GatewayConfig config) {
        ClusterConfig cluster = config.cluster();
        return new ClusterSettings(
                cluster.name(),
                config.node().name(),
                cluster.bindAddress(),
                cluster.port(),
                cluster.members(),
                cluster.kubernetes(),
                cluster.expectedMembers(),
                cluster.cacheMemoryMegabytes());
    }

    /** The version in the distribution's manifest ({@code dev} when run from classes). */
    static String version() {
        String version = Node.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Why the node is degraded (serving while its database is down), or null. */
    private static Supplier<@Nullable String> degradedReason(@Nullable DurableConfig durable) {
        if (durable == null) {
            return () -> null;
        }
        return () -> {
            ConfigSync.Status status = durable.status();
            return status.degraded() || status.problem() != null ? status.problem() : null;
        };
    }

    /** The admin API's view of a configuration that comes from a file: version 0, read-only. */
    private static ConfigReader fileReader(GatewayConfig config) {
        List<StoredResource> resources = new ArrayList<>();
        Instant now = Instant.now();
        Documents.split(config.shared()).forEach((kind, rows) -> {
            for (int i = 0; i < rows.size(); i++) {
                resources.add(new StoredResource(
                        kind, rows.get(i).name(), i, rows.get(i).spec(), 0, now));
            }
        });
        ConfigEditor.Reading reading = new ConfigEditor.Reading(new StoredConfig(0, null, resources), false);
        return () -> reading;
    }

    /** The data plane port actually bound (useful when configured as 0). */
    public int httpPort() {
        return port(0);
    }

    /** The admin port actually bound. */
    public int adminPort() {
        return port(1);
    }

    private int port(int listener) {
        return ((InetSocketAddress) server.getListenerInfo().get(listener).getAddress()).getPort();
    }

    /** The config version the data plane runs (0 when the node runs from its config file). */
    public long configVersion() {
        return configs.active().version();
    }

    /** Whether the node takes traffic (started and not draining). */
    public boolean isReady() {
        return ready.get();
    }

    /**
     * Stops the node gracefully: readiness turns false, new data plane requests are refused, and
     * in-flight requests and streams get up to {@code grace} to finish before the servers close.
     */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        dataPlane.shutdown();
        try {
            if (!dataPlane.awaitShutdown(grace.toMillis())) {
                log.warn("grace period of {} ended with requests still in flight; closing them", grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resources.close();
        log.info("Gatehouse node {} stopped", config.name());
    }

    /** Stops with the configured grace period. */
    public void stop() {
        stop(config.shutdownGrace());
    }
}
