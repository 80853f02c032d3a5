package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.BenchIssuer;
import io.gatehouse.bench.fixtures.BenchPolicies;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.bench.httpclient.HttpClientCompare;
import io.gatehouse.bench.httpclient.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node with JWT authentication, the five policies of {@link BenchPolicies} and their limits (as
 * the added-latency harness's {@code gw-jwt}), a loopback upstream with no delay that answers 1,536
 * bytes, and one keep-alive client; {@value #CALLERS} callers, each with its own token, take turns.
 * For the harnesses that time sequential calls through one node: {@link Wakeups} and {@link Pauses}.
 */
final class SecuredNode implements AutoCloseable {
    static final int CALLERS = 8;

    private final LoopbackServer upstream;
    private final BenchIssuer issuer;
    private final BenchClient client;
    private final NodeProcess node;
    private final List<String> authorizations = new ArrayList<>();
    private final byte[] body;

    private SecuredNode(
            LoopbackServer upstream, BenchIssuer issuer, BenchClient client, NodeProcess node, byte[] body) {
        this.upstream = upstream;
        this.issuer = issuer;
        this.client = client;
        this.node = node;
        this.body = body;
    }

    /** Starts the upstream, the issuer and the node ({@code name} names its files) and waits for it. */
    static SecuredNode start(AddedLatency.Settings settings, String name) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            LoopbackServer upstream = LoopbackServer.start(HttpClientCompare.Payloads.chatResponse(1536), 20, 10);
            started.add(upstream);
            BenchIssuer issuer = BenchIssuer.start();
            started.add(issuer);
            BenchClient client = new BenchClient();
            started.add(client);
            NodeProcess node = AddedLatency.startNode(settings, name, AddedLatency.securedConfig(upstream, issuer));
            started.add(node);
            node.awaitReady(client, settings.startTimeoutMillis());
            SecuredNode secured = new SecuredNode(
                    upstream, issuer, client, node, ChatBodies.chat(BenchPolicies.MODEL, settings.bodyBytes(), false));
            for (int i = 0; i < CALLERS; i++) {
                secured.authorizations.add(
                        "Bearer " + issuer.rs256("user" + i, BenchPolicies.GROUPS, Duration.ofHours(1)));
            }
            return secured;
        } catch (Exception | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    NodeProcess node() {
        return node;
    }

    URI viaNode() {
        return node.chatUri();
    }

    URI direct() {
        return upstream.chatUri();
    }

    /** The node's metrics, in Prometheus text format. */
    String metrics() throws Exception {
        Map.Entry<Integer, String> reply =
                client.getText(node.adminUri("/metrics"), "").get(30, TimeUnit.SECONDS);
        if (reply.getKey() != 200) {
            throw new IOException("status " + reply.getKey() + " from the node's /metrics");
        }
        return reply.getValue();
    }

    /** Call {@code n} to {@code uri}, by caller {@code n % CALLERS}: its latency in nanoseconds. */
    long call(URI uri, int n) throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            BenchClient.Reply reply =
                    client.post(uri, authorizations.get(n % CALLERS), body).get(30, TimeUnit.SECONDS);
            if (reply.status() != 200) {
                throw new IOException("status " + reply.status() + " from " + uri);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("call to " + uri + " failed", e);
        }
        return System.nanoTime() - start;
    }

    @Override
    public void close() throws Exception {
        try (upstream;
                issuer;
                client;
                node) {
            // closed in reverse order: the node first
        }
    }
}
