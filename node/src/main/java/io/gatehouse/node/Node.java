package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.ClusterConfig;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.config.ModelConfig;
import io.gatehouse.admin.config.NodeConfig;
import io.gatehouse.admin.config.ProviderConfig;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.cluster.ClusterSettings;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.EmbeddingProvider;
import io.gatehouse.providers.tokens.TokenCounter;
import io.gatehouse.providers.transport.UpstreamClient;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * One running Gatehouse node: its cluster membership, the data plane and admin servers, the shared
 * upstream client, the providers and the model catalog. Thread-safe; {@link #stop} drains in-flight requests first.
 */
public final class Node {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final Undertow server;
    private final GracefulShutdownHandler dataPlane;
    private final Closer resources;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Node(NodeConfig config, Undertow server, GracefulShutdownHandler dataPlane, Closer resources) {
        this.config = config;
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
        requireNonNull(config, "config");
        NodeConfig nodeConfig = config.node();
        Closer resources = new Closer();
        try {
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "gatehouse-timer");
                thread.setDaemon(true);
                return thread;
            });
            resources.register(scheduler::shutdownNow);
            GatewayMetrics metrics = resources.register(new GatewayMetrics(nodeConfig.name()));
            UpstreamClient upstream = resources.register(UpstreamClient.start(new UpstreamClient.Settings(
                    nodeConfig.upstream().connectTimeout(),
                    nodeConfig.upstream().maxConnectionsPerHost(),
                    1024)));
            TokenCounter tokens = TokenCounter.o200k();
            ProviderFactory providers = resources.register(new ProviderFactory(upstream, tokens, scheduler));
            AccessControl access = resources.register(AccessControl.from(config));
            ModelCatalog catalog = catalog(config, providers);
            ClusterMember cluster = resources.register(ClusterMember.start(clusterSettings(config), version()));

            AtomicReference<ModelCatalog> currentCatalog = new AtomicReference<>(catalog);
            AtomicReference<PolicyEngine> currentPolicies = new AtomicReference<>(access.policies());
            AtomicReference<Node> self = new AtomicReference<>();
            BooleanSupplier ready = () -> self.get() != null && self.get().ready.get();
            DataPlane.Pipeline dataPlane = DataPlane.handler(new DataPlane.Parts(
                    nodeConfig.name(),
                    nodeConfig.maxRequestBytes(),
                    access.authenticator(),
                    currentPolicies::get,
                    tokens,
                    cluster.rateLimits(),
                    config.limits(),
                    cluster.leasePrefix(),
                    currentCatalog::get,
                    metrics,
                    ready));
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
                                    nodeConfig.adminToken() == null
                                            ? null
                                            : nodeConfig.adminToken().reveal(),
                                    currentPolicies::get,
                                    cluster::members,
                                    metrics,
                                    ready))
                    .build();
            server.start();
            resources.register(server::stop);
            Node node = new Node(nodeConfig, server, dataPlane.inFlight(), resources);
            self.set(node);
            node.ready.set(true);
            log.info(
                    "Gatehouse node {} serving {} model(s) on http://{}:{} (admin, health and metrics on port {})",
                    nodeConfig.name(),
                    config.models().size(),
                    nodeConfig.bindAddress(),
                    node.httpPort(),
                    node.adminPort());
            return node;
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
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
                cluster.expectedMembers());
    }

    /** The version in the distribution's manifest ({@code dev} when run from classes). */
    static String version() {
        String version = Node.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static ModelCatalog catalog(GatewayConfig config, ProviderFactory factory) {
        Map<String, ChatProvider> providers = new HashMap<>();
        for (ProviderConfig provider : config.providers()) {
            providers.put(provider.name(), factory.create(provider));
        }
        List<Route> routes = new ArrayList<>();
        for (ModelConfig model : config.models()) {
            List<Target> targets = new ArrayList<>();
            for (ModelConfig.Deployment deployment : model.deployments()) {
                ChatProvider provider = providers.get(deployment.provider());
                targets.add(new Target(
                        provider,
                        provider instanceof EmbeddingProvider embeddings ? embeddings : null,
                        deployment.model(),
                        deployment.weight(),
                        deployment.rpm(),
                        deployment.tpm()));
            }
            routes.add(new Route(model.name(), targets));
        }
        return new ModelCatalog(routes);
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
