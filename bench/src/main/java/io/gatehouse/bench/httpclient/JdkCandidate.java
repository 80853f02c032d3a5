package io.gatehouse.bench.httpclient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The JDK's {@link HttpClient} with {@code sendAsync}: whole bodies through {@code ofByteArray},
 * streams through a {@link Flow.Subscriber} that requests one list of buffers at a time.
 */
final class JdkCandidate implements Candidate {
    private final HttpClient http;

    JdkCandidate() {
        // HTTP/1.1 pinned: on a clear-text URI the default (HTTP/2) would send h2c upgrade headers.
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public CompletableFuture<Integer> post(URI uri, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer bench")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw Candidate.badStatus(response.statusCode());
            }
            return response.body().length;
        });
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, Consumer<ByteBuffer> chunks) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        ChunkSubscriber subscriber = new ChunkSubscriber(chunks);
        http.sendAsync(request, HttpResponse.BodyHandlers.fromSubscriber(subscriber))
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        subscriber.done.completeExceptionally(failure);
                    } else if (response.statusCode() != 200) {
                        subscriber.done.completeExceptionally(Candidate.badStatus(response.statusCode()));
                    }
                });
        return subscriber.done;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /** Passes each received buffer on, then asks for the next list: demand one at a time. */
    private static final class ChunkSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Consumer<ByteBuffer> chunks;
        private Flow.Subscription subscription;

        ChunkSubscriber(Consumer<ByteBuffer> chunks) {
            this.chunks = chunks;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            buffers.forEach(chunks);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
