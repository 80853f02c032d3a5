package io.gatehouse.bench.latency;

import io.gatehouse.bench.fixtures.ChatBodies;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one HTTP/1.1 keep-alive client of the latency harness (Jetty 12), used for every target so
 * that client costs are the same on both sides of a comparison. Thread-safe.
 */
final class BenchClient implements AutoCloseable {
    private final HttpClient http;
    private final AtomicLong serial = new AtomicLong();
    /** {@code -Dbench.sameRequests=true}: requests keep their bodies, so a response cache answers them. */
    private final boolean sameRequests = Boolean.getBoolean("bench.sameRequests");

    BenchClient() {
        this(64);
    }

    /**
     * A client that opens at most {@code maxConnectionsPerTarget} connections to each host and port
     * and queues further requests (up to 100,000) until one is free.
     */
    BenchClient(int maxConnectionsPerTarget) {
        ClientConnector connector = new ClientConnector();
        connector.setTCPNoDelay(true);
        http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setMaxConnectionsPerDestination(maxConnectionsPerTarget);
        http.setMaxRequestsQueuedPerDestination(100_000);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("bench-client");
        threads.setDaemon(true);
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        http.setUserAgentField(null);
        http.getContentDecoderFactories().clear();
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty client did not start", e);
        }
        http.getProtocolHandlers().clear();
    }

    /** POSTs a JSON body; completes with the status, body length and {@code x-gatehouse-policy}. */
    CompletableFuture<Reply> post(URI uri, String authorization, byte[] body) {
        return post(uri, authorization, Map.of(), body);
    }

    /** POSTs a JSON body with extra request headers; completes as {@link #post(URI, String, byte[])}. */
    CompletableFuture<Reply> post(URI uri, String authorization, Map<String, String> headers, byte[] body) {
        CompletableFuture<Reply> done = new CompletableFuture<>();
        int[] length = new int[1];
        request(uri, authorization, headers, body)
                .onResponseContentAsync((response, chunk, demand) -> {
                    length[0] += chunk.getByteBuffer().remaining();
                    demand.run();
                })
                .send(result -> {
                    if (result.isFailed()) {
                        done.completeExceptionally(result.getFailure());
                    } else {
                        done.complete(new Reply(
                                result.getResponse().getStatus(),
                                length[0],
                                result.getResponse().getHeaders().get("x-gatehouse-policy")));
                    }
                });
        return done;
    }

    /**
     * POSTs a streaming request, handing each body chunk to {@code chunks} as it arrives (valid only
     * during the call); completes with the status when the body ends.
     */
    CompletableFuture<Integer> stream(URI uri, String authorization, byte[] body, Consumer<ByteBuffer> chunks) {
        return stream(uri, authorization, Map.of(), body, chunks);
    }

    /** A streaming POST with extra request headers, as {@link #stream(URI, String, byte[], Consumer)}. */
    CompletableFuture<Integer> stream(
            URI uri, String authorization, Map<String, String> headers, byte[] body, Consumer<ByteBuffer> chunks) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        request(uri, authorization, headers, body)
                .headers(h -> h.put(HttpHeader.ACCEPT, "text/event-stream"))
                .onResponseContentAsync((response, chunk, demand) -> {
                    chunks.accept(chunk.getByteBuffer());
                    demand.run();
                })
                .send(result -> {
                    if (result.isFailed()) {
                        done.completeExceptionally(result.getFailure());
                    } else {
                        done.complete(result.getResponse().getStatus());
                    }
                });
        return done;
    }

    /** A GET that completes with the status only, for readiness probes. */
    CompletableFuture<Integer> get(URI uri) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        http.newRequest(uri).method(HttpMethod.GET).send(result -> {
            if (result.isFailed()) {
                done.completeExceptionally(result.getFailure());
            } else {
                done.complete(result.getResponse().getStatus());
            }
        });
        return done;
    }

    /** A GET that completes with the status and the body as text, for readiness and cluster checks. */
    CompletableFuture<Map.Entry<Integer, String>> getText(URI uri, String authorization) {
        CompletableFuture<Map.Entry<Integer, String>> done = new CompletableFuture<>();
        Request request = http.newRequest(uri).method(HttpMethod.GET);
        if (!authorization.isEmpty()) {
            request.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, authorization));
        }
        request.send(new BufferingResponseListener() {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    done.completeExceptionally(result.getFailure());
                } else {
                    done.complete(Map.entry(result.getResponse().getStatus(), getContentAsString()));
                }
            }
        });
        return done;
    }

    private Request request(URI uri, String authorization, Map<String, String> extra, byte[] body) {
        Request request = http.newRequest(uri).method(HttpMethod.POST);
        if (!authorization.isEmpty()) {
            request.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, authorization));
        }
        if (!extra.isEmpty()) {
            request.headers(headers -> extra.forEach(headers::put));
        }
        // Every request differs (its user's serial), so a system with a response cache misses it as a
        // new request would, unless the same requests are asked for. Bounds every call, so a system
        // that stops answering cannot hold the harness.
        byte[] sent = sameRequests ? body : ChatBodies.numbered(body, serial.incrementAndGet());
        return request.timeout(60, TimeUnit.SECONDS).body(new BytesRequestContent("application/json", sent));
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty client did not stop", e);
        }
    }

    /** What a non-streaming call returned. */
    record Reply(int status, int length, String policy) {}
}
