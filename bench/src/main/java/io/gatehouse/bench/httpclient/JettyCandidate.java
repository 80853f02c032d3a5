package io.gatehouse.bench.httpclient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12's {@link HttpClient}, set up as the gateway's upstream client is: HTTP/1.1 and HTTP/2
 * over one dynamic transport, a bounded pool per destination, responses read with {@code
 * onResponseContentAsync} and finished by a {@code CompleteListener}.
 */
final class JettyCandidate implements Candidate {
    private final HttpClient http;

    JettyCandidate(int maxConnectionsPerHost) {
        ClientConnector connector = new ClientConnector();
        connector.setTCPNoDelay(true);
        HTTP2Client http2 = new HTTP2Client(connector);
        http = new HttpClient(new HttpClientTransportDynamic(
                connector, HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(http2)));
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("bench-jetty");
        threads.setDaemon(true);
        http.setExecutor(threads);
        http.setMaxConnectionsPerDestination(maxConnectionsPerHost);
        http.setMaxRequestsQueuedPerDestination(1024);
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

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public CompletableFuture<Integer> post(URI uri, byte[] body) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        BodyAccumulator content = new BodyAccumulator();
        http.newRequest(uri)
                .method(HttpMethod.POST)
                .headers(headers -> headers.put(HttpHeader.AUTHORIZATION, "Bearer bench"))
                .body(new BytesRequestContent("application/json", body))
                .onResponseContentAsync((response, chunk, demand) -> {
                    content.add(chunk.getByteBuffer());
                    demand.run();
                })
                .send(result -> {
                    if (result.isFailed()) {
                        done.completeExceptionally(result.getFailure());
                    } else if (result.getResponse().getStatus() != 200) {
                        done.completeExceptionally(
                                Candidate.badStatus(result.getResponse().getStatus()));
                    } else {
                        done.complete(content.size());
                    }
                });
        return done;
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, Consumer<ByteBuffer> chunks) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Request request = http.newRequest(uri)
                .method(HttpMethod.GET)
                .headers(headers -> headers.put(HttpHeader.ACCEPT, "text/event-stream"));
        request.onResponseContentAsync((response, chunk, demand) -> {
                    chunks.accept(chunk.getByteBuffer());
                    demand.run();
                })
                .send(result -> {
                    if (result.isFailed()) {
                        done.completeExceptionally(result.getFailure());
                    } else if (result.getResponse().getStatus() != 200) {
                        done.completeExceptionally(
                                Candidate.badStatus(result.getResponse().getStatus()));
                    } else {
                        done.complete(null);
                    }
                });
        return done;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty client did not stop", e);
        }
    }
}
