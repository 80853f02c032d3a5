package io.gatehouse.bench.httpclient;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Undertow's own client ({@link UndertowClient}) on its own XNIO worker. That client opens single
 * connections and has no pool, so this class keeps a minimal unbounded pool of idle keep-alive
 * connections for the one loopback host; bodies are read and written with XNIO channel listeners.
 */
final class UndertowCandidate implements Candidate {
    private final XnioWorker worker;
    private final ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024);
    private final OptionMap connectionOptions = OptionMap.create(Options.TCP_NODELAY, true);
    private final ConcurrentLinkedQueue<ClientConnection> idle = new ConcurrentLinkedQueue<>();

    UndertowCandidate() {
        try {
            worker = Xnio.getInstance()
                    .createWorker(OptionMap.builder()
                            .set(Options.WORKER_IO_THREADS, 2)
                            .set(Options.WORKER_NAME, "bench-undertow")
                            .set(Options.THREAD_DAEMON, true)
                            .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "undertow";
    }

    @Override
    public CompletableFuture<Integer> post(URI uri, byte[] body) {
        ClientRequest request = new ClientRequest().setMethod(Methods.POST).setPath(uri.getRawPath());
        request.getRequestHeaders()
                .put(Headers.HOST, uri.getHost() + ":" + uri.getPort())
                .put(Headers.CONTENT_TYPE, "application/json")
                .put(Headers.AUTHORIZATION, "Bearer bench")
                .put(Headers.CONTENT_LENGTH, body.length);
        BodyAccumulator content = new BodyAccumulator();
        return exchange(uri, request, ByteBuffer.wrap(body), content::add, content::size);
    }

    @Override
    public CompletableFuture<Void> stream(URI uri, Consumer<ByteBuffer> chunks) {
        ClientRequest request =
                new ClientRequest().setMethod(Methods.GET).setPath(uri.getRawPath() + "?" + uri.getRawQuery());
        request.getRequestHeaders()
                .put(Headers.HOST, uri.getHost() + ":" + uri.getPort())
                .put(Headers.ACCEPT, "text/event-stream");
        return exchange(uri, request, null, chunks, () -> null);
    }

    private <T> CompletableFuture<T> exchange(
            URI uri, ClientRequest request, ByteBuffer body, Consumer<ByteBuffer> chunks, Supplier<T> result) {
        CompletableFuture<T> done = new CompletableFuture<>();
        acquire(uri).whenComplete((connection, connectFailure) -> {
            if (connectFailure != null) {
                done.completeExceptionally(connectFailure);
                return;
            }
            // A connection is not thread-safe: drive it from its own I/O thread.
            connection
                    .getIoThread()
                    .execute(() -> connection.sendRequest(request, new ClientCallback<>() {
                        @Override
                        public void completed(ClientExchange exchange) {
                            exchange.setResponseListener(new ClientCallback<>() {
                                @Override
                                public void completed(ClientExchange response) {
                                    int status = response.getResponse().getResponseCode();
                                    Runnable onEnd = () -> {
                                        idle.add(connection);
                                        if (status != 200) {
                                            done.completeExceptionally(Candidate.badStatus(status));
                                        } else {
                                            done.complete(result.get());
                                        }
                                    };
                                    Consumer<IOException> onFailure = e -> {
                                        IoUtils.safeClose(connection);
                                        done.completeExceptionally(e);
                                    };
                                    new BodyReader(response.getResponseChannel(), chunks, onEnd, onFailure)
                                            .handleEvent(response.getResponseChannel());
                                }

                                @Override
                                public void failed(IOException e) {
                                    IoUtils.safeClose(connection);
                                    done.completeExceptionally(e);
                                }
                            });
                            if (body != null) {
                                new BodyWriter(body).handleEvent(exchange.getRequestChannel());
                            }
                        }

                        @Override
                        public void failed(IOException e) {
                            IoUtils.safeClose(connection);
                            done.completeExceptionally(e);
                        }
                    }));
        });
        return done;
    }

    private CompletableFuture<ClientConnection> acquire(URI uri) {
        for (ClientConnection c = idle.poll(); c != null; c = idle.poll()) {
            if (c.isOpen()) {
                return CompletableFuture.completedFuture(c);
            }
        }
        CompletableFuture<ClientConnection> connected = new CompletableFuture<>();
        UndertowClient.getInstance()
                .connect(
                        new ClientCallback<>() {
                            @Override
                            public void completed(ClientConnection connection) {
                                connected.complete(connection);
                            }

                            @Override
                            public void failed(IOException e) {
                                connected.completeExceptionally(e);
                            }
                        },
                        uri,
                        worker,
                        buffers,
                        connectionOptions);
        return connected;
    }

    @Override
    public void close() {
        for (ClientConnection c = idle.poll(); c != null; c = idle.poll()) {
            IoUtils.safeClose(c);
        }
        worker.shutdownNow();
        buffers.close();
    }

    /** Writes a request body, then ends and flushes the request; resumes on write readiness. */
    private static final class BodyWriter implements ChannelListener<StreamSinkChannel> {
        private final ByteBuffer body;
        private boolean ended;

        BodyWriter(ByteBuffer body) {
            this.body = body;
        }

        @Override
        public void handleEvent(StreamSinkChannel channel) {
            try {
                while (body.hasRemaining()) {
                    if (channel.write(body) == 0) {
                        waitForWritable(channel);
                        return;
                    }
                }
                if (!ended) {
                    channel.shutdownWrites();
                    ended = true;
                }
                if (!channel.flush()) {
                    waitForWritable(channel);
                    return;
                }
                channel.suspendWrites();
            } catch (IOException e) {
                IoUtils.safeClose(channel);
            }
        }

        private void waitForWritable(StreamSinkChannel channel) {
            channel.getWriteSetter().set(this);
            channel.resumeWrites();
        }
    }

    /** Reads a response body as it becomes readable, handing on each chunk. */
    private final class BodyReader implements ChannelListener<StreamSourceChannel> {
        private final StreamSourceChannel channel;
        private final Consumer<ByteBuffer> chunks;
        private final Runnable onEnd;
        private final Consumer<IOException> onFailure;

        BodyReader(
                StreamSourceChannel channel,
                Consumer<ByteBuffer> chunks,
                Runnable onEnd,
                Consumer<IOException> onFailure) {
            this.channel = channel;
            this.chunks = chunks;
            this.onEnd = onEnd;
            this.onFailure = onFailure;
        }

        @Override
        public void handleEvent(StreamSourceChannel ignored) {
            try (PooledByteBuffer pooled = buffers.allocate()) {
                ByteBuffer buffer = pooled.getBuffer();
                while (true) {
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read == -1) {
                        channel.suspendReads();
                        onEnd.run();
                        return;
                    }
                    if (read == 0) {
                        channel.getReadSetter().set(this);
                        channel.resumeReads();
                        return;
                    }
                    chunks.accept(buffer.flip());
                }
            } catch (IOException e) {
                onFailure.accept(e);
            }
        }
    }
}
