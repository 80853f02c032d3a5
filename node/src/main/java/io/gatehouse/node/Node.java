package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.config.ModelConfig;
import io.gatehouse.admin.config.NodeConfig;
import io.gatehouse.admin.config.ProviderConfig;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.EmbeddingProvider;
import io.gatehouse.providers.tokens.TokenCounter;
import io.gatehouse.providers.transport.UpstreamClient;
import io.undertow.Handlers;
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
 * One running Gatehouse node: the data plane and admin servers, the shared upstream client, the
 * providers and the model catalog. Thread-safe; {@link #stop} drains in-flight requests first.
 */
public final class Node {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final Undertow server;
    private final GracefulShutdownHandler dataPlane;
    private final UpstreamClient upstream;
    private final ScheduledExecutorService scheduler;
    private final GatewayMetrics metrics;
    private final AccessControl access;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Node(
            NodeConfig config,
            Undertow server,
            GracefulShutdownHandler dataPlane,
            UpstreamClient upstream,
            ScheduledExecutorService scheduler,
            GatewayMetrics metrics,
            AccessControl access) {
        this.config = config;
        this.server = server;
        this.dataPlane = dataPlane;
        this.upstream = upstream;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.access = access;
    }

    /**
     * Starts a node serving {@code config}.
     *
     * @throws RuntimeException if a port cannot be bound
     */
    public static Node start(GatewayConfig config) {
        requireNonNull(config, "config");
        NodeConfig nodeConfig = config.node();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-timer");
            thread.setDaemon(true);
            return thread;
        });
        UpstreamClient upstream = UpstreamClient.start(new UpstreamClient.Settings(
                nodeConfig.upstream().connectTimeout(), nodeConfig.upstream().maxConnectionsPerHost(), 1024));
        GatewayMetrics metrics = new GatewayMetrics(nodeConfig.name());
        TokenCounter tokens = TokenCounter.o200k();
        AccessControl access;
        ModelCatalog catalog;
        try {
            access = AccessControl.from(config);
            catalog = catalog(config, new ProviderFactory(upstream, tokens, scheduler));
        } catch (RuntimeException e) {
            upstream.close();
            scheduler.shutdownNow();
            metrics.close();
            throw e;
        }
        AtomicReference<ModelCatalog> currentCatalog = new AtomicReference<>(catalog);
        AtomicReference<PolicyEngine> currentPolicies = new AtomicReference<>(access.policies());

        AtomicReference<Node> self = new AtomicReference<>();
        BooleanSupplier ready = () -> self.get() != null && self.get().ready.get();
        GracefulShutdownHandler dataPlane = Handlers.gracefulShutdown(DataPlane.handler(
                nodeConfig.name(),
                nodeConfig.maxRequestBytes(),
                access.authenticator(),
                currentPolicies::get,
                tokens,
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
                .addHttpListener(nodeConfig.httpPort(), nodeConfig.bindAddress(), dataPlane)
                .addHttpListener(
                        nodeConfig.adminPort(),
                        nodeConfig.bindAddress(),
                        AdminPlane.handler(
                                nodeConfig.name(),
                                nodeConfig.adminToken() == null
                                        ? null
                                        : nodeConfig.adminToken().reveal(),
                                currentPolicies::get,
                                metrics,
                                ready))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            closeQuietly(access);
            upstream.close();
            scheduler.shutdownNow();
            metrics.close();
            throw e;
        }
        Node node = new Node(nodeConfig, server, dataPlane, upstream, scheduler, metrics, access);
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
                        deployment.weight()));
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
        server.stop();
        closeQuietly(access);
        upstream.close();
        scheduler.shutdownNow();
        metrics.close();
        log.info("Gatehouse node {} stopped", config.name());
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("could not close {}", resource, e);
        }
    }

    /** Stops with the configured grace period. */
    public void stop() {
        stop(config.shutdownGrace());
    }
}
