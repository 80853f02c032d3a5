package io.gatehouse.node.upstream;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Call;
import io.gatehouse.providers.transport.DirectTransport;
import io.gatehouse.providers.transport.UpstreamFailure;
import io.gatehouse.providers.transport.UpstreamListener;
import io.gatehouse.providers.transport.UpstreamRequest;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Sends upstream calls made on one of the server's IO threads over connections owned by that same
 * thread, as nginx's workers do: the request to the provider, its response and the answer to the
 * client are all handled by the thread that read the client's request, with no hand-off to another
 * thread and no other thread woken. Each IO thread keeps its own keep-alive connections per upstream
 * (Undertow's HTTP/1.1 client), so nothing here is shared between threads but the address cache.
 *
 * <p>It takes plain {@code http://} calls made on an IO thread, to hosts whose address is known.
 * It declines the rest, which the shared client then sends: {@code https://} (TLS and HTTP/2 by
 * ALPN stay with the shared client), calls made on other threads (a credential fetching a token, say), and the
 * first calls to a host name, whose address is looked up on another thread and kept fresh there
 * ({@link UpstreamAddresses}), so an IO thread never waits for DNS.
 *
 * <p>Thread-safe; each connection pool and exchange is confined to its IO thread.
 */
public final class IoThreadTransport implements DirectTransport, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IoThreadTransport.class);
    /** How often the address of a host in use is looked up again (in the background). */
    static final Duration ADDRESS_TTL = Duration.ofSeconds(30);

    private static final HttpString HOST = new HttpString("Host");
    private static final HttpString CONTENT_LENGTH = new HttpString("Content-Length");

    private final int maxConnectionsPerHost;
    private final int maxQueuedPerHost;
    private final long connectTimeoutMillis;
    private final ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024, 256, 8);
    private final OptionMap options = OptionMap.create(Options.TCP_NODELAY, true);
    private final Map<XnioIoThread, Map<InetSocketAddress, Pool>> pools = new ConcurrentHashMap<>();
    private final UpstreamAddresses addresses = new UpstreamAddresses(ADDRESS_TTL);
    private volatile boolean closed;

    /**
     * @param connectTimeout how long a TCP connect may take
     * @param maxConnectionsPerHost connections per upstream host and port, shared out among the IO
     *     threads (each keeps at least one)
     * @param maxQueuedPerHost calls that may wait for a connection per host and IO thread
     */
    public IoThreadTransport(Duration connectTimeout, int maxConnectionsPerHost, int maxQueuedPerHost) {
        this.connectTimeoutMillis =
                requireNonNull(connectTimeout, "connectTimeout").toMillis();
        this.maxConnectionsPerHost = maxConnectionsPerHost;
        this.maxQueuedPerHost = maxQueuedPerHost;
    }

    @Override
    public @Nullable Call trySend(UpstreamRequest request, UpstreamListener listener) {
        XnioIoThread thread = XnioIoThread.currentThread();
        URI uri = request.uri();
        if (thread == null || closed || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return null;
        }
        InetSocketAddress address = addresses.of(uri);
        if (address == null) {
            return null;
        }
        // By address: when a name moves to another address, new calls go there. Names on one
        // address share its connections; each request carries its own Host header.
        Pool pool =
                pools.computeIfAbsent(thread, t -> new HashMap<>()).computeIfAbsent(address, a -> new Pool(thread, a));
        Exchange exchange = new Exchange(pool, request, listener);
        exchange.start();
        return exchange::cancel;
    }

    /** Closes every idle connection; calls in flight end with a lost connection. */
    @Override
    public void close() {
        closed = true;
        addresses.close();
        pools.forEach((thread, byHost) -> {
            try {
                thread.execute(() -> byHost.values().forEach(Pool::close));
            } catch (RejectedExecutionException e) {
                // the server has stopped its IO threads, and their connections with them
            }
        });
        buffers.close();
    }

    /** One IO thread's connections to one upstream. Touched only by that thread. */
    private final class Pool {
        final XnioIoThread thread;
        final URI uri;
        final int maxConnections;
        final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
        final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
        int open;

        Pool(XnioIoThread thread, InetSocketAddress address) {
            this.thread = thread;
            // By address, so that connecting never looks up a name on the IO thread.
            try {
                this.uri = new URI(
                        "http", null, address.getAddress().getHostAddress(), address.getPort(), null, null, null);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(e);
            }
            int threads = Math.max(1, thread.getWorker().getIoThreadCount());
            this.maxConnections = Math.max(1, maxConnectionsPerHost / threads);
        }

        void acquire(Exchange exchange) {
            while (!idle.isEmpty()) {
                ClientConnection connection = idle.pollLast();
                if (connection.isOpen()) {
                    exchange.send(connection);
                    return;
                }
                open--;
            }
            if (open < maxConnections) {
                open++;
                connect(exchange);
            } else if (waiting.size() < maxQueuedPerHost) {
                waiting.add(exchange);
            } else {
                exchange.fail(UpstreamFailure.Kind.CONNECTION_LOST, "too many calls waiting for a connection");
            }
        }

        private void connect(Exchange exchange) {
            boolean[] settled = new boolean[1];
            XnioExecutor.Key timeout = thread.executeAfter(
                    () -> {
                        if (!settled[0]) {
                            settled[0] = true;
                            open--;
                            exchange.fail(UpstreamFailure.Kind.CONNECT_TIMEOUT, "connect timed out");
                        }
                    },
                    connectTimeoutMillis,
                    TimeUnit.MILLISECONDS);
            UndertowClient.getInstance()
                    .connect(
                            new ClientCallback<>() {
                                @Override
                                public void completed(ClientConnection connection) {
                                    timeout.remove();
                                    if (settled[0]) {
                                        IoUtils.safeClose(connection); // too late: the call gave up
                                        return;
                                    }
                                    settled[0] = true;
                                    if (exchange.ended) {
                                        release(connection);
                                    } else {
                                        exchange.send(connection);
                                    }
                                }

                                @Override
                                public void failed(IOException e) {
                                    timeout.remove();
                                    if (!settled[0]) {
                                        settled[0] = true;
                                        open--;
                                        log.debug("upstream connect failed", e);
                                        exchange.fail(
                                                UpstreamFailure.Kind.CONNECT_FAILED,
                                                e.getClass().getSimpleName());
                                        startWaiting();
                                    }
                                }
                            },
                            uri,
                            thread,
                            buffers,
                            options);
        }

        /** A connection's exchange is over: it serves the next waiting call, or waits idle. */
        void release(ClientConnection connection) {
            if (!connection.isOpen() || closed) {
                IoUtils.safeClose(connection);
                open--;
                startWaiting();
                return;
            }
            Exchange next;
            while ((next = waiting.poll()) != null) {
                if (!next.ended) {
                    next.send(connection);
                    return;
                }
            }
            idle.add(connection);
        }

        /** A connection went away: a waiting call may open a new one. */
        void discarded() {
            open--;
            startWaiting();
        }

        private void startWaiting() {
            Exchange next;
            while ((next = waiting.poll()) != null) {
                if (!next.ended) {
                    acquire(next);
                    return;
                }
            }
        }

        void close() {
            idle.forEach(IoUtils::safeClose);
            idle.clear();
        }
    }

    /** One call, from taking a connection to the end of the response. Confined to its IO thread. */
    private final class Exchange {
        final Pool pool;
        final XnioIoThread thread;
        final UpstreamRequest request;
        final UpstreamListener listener;

        @Nullable
        ClientConnection connection;

        @Nullable
        StreamSourceChannel body;

        XnioExecutor.@Nullable Key timer;

        boolean ended;
        boolean requestWritten;
        boolean responseRead;
        /** Set while the listener holds a piece of content and has not asked for more yet. */
        boolean awaitingDemand;
        /** How deep in {@code onContent} calls this exchange is (a demand may come from inside). */
        int handingOver;
        /** When the call times out unless it is heard from again ({@link System#nanoTime}). */
        long deadline;
        /** What the deadline is for: the first byte, or more of the response. */
        UpstreamFailure.Kind timeout = UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT;

        Exchange(Pool pool, UpstreamRequest request, UpstreamListener listener) {
            this.pool = pool;
            this.thread = pool.thread;
            this.request = request;
            this.listener = listener;
        }

        void start() {
            long firstByte = request.firstByteTimeout().toNanos();
            deadline = System.nanoTime() + firstByte;
            // One timer for both timeouts, as in UpstreamClient: hearing from the response only
            // moves the deadline, and a timer that fires early sleeps again until it.
            timer = thread.executeAfter(
                    this::checkDeadline,
                    Math.min(firstByte, request.idleTimeout().toNanos()),
                    TimeUnit.NANOSECONDS);
            // Never on the caller's stack: the caller has not seen the call yet.
            thread.execute(() -> {
                if (!ended) {
                    pool.acquire(this);
                }
            });
        }

        void send(ClientConnection connection) {
            this.connection = connection;
            URI uri = request.uri();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            ClientRequest upstream = new ClientRequest()
                    .setMethod(Methods.POST)
                    .setPath(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
            upstream.getRequestHeaders()
                    .put(HOST, uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
            request.headers()
                    .forEach((name, value) -> upstream.getRequestHeaders().put(new HttpString(name), value));
            upstream.getRequestHeaders().put(CONTENT_LENGTH, request.body().length);
            connection.sendRequest(upstream, new ClientCallback<>() {
                @Override
                public void completed(ClientExchange exchange) {
                    exchange.setResponseListener(new ClientCallback<>() {
                        @Override
                        public void completed(ClientExchange result) {
                            responseBegan(result);
                        }

                        @Override
                        public void failed(IOException e) {
                            lost(e);
                        }
                    });
                    writeBody(exchange.getRequestChannel(), ByteBuffer.wrap(request.body()));
                }

                @Override
                public void failed(IOException e) {
                    lost(e);
                }
            });
        }

        private void writeBody(StreamSinkChannel sink, ByteBuffer bytes) {
            try {
                while (bytes.hasRemaining()) {
                    if (sink.write(bytes) == 0) {
                        sink.getWriteSetter().set(s -> {
                            s.suspendWrites();
                            writeBody(s, bytes);
                        });
                        sink.resumeWrites();
                        return;
                    }
                }
                sink.shutdownWrites();
                if (!sink.flush()) {
                    sink.getWriteSetter().set(s -> {
                        try {
                            if (s.flush()) {
                                s.suspendWrites();
                                requestDone();
                            }
                        } catch (IOException e) {
                            lost(e);
                        }
                    });
                    sink.resumeWrites();
                    return;
                }
                requestDone();
            } catch (IOException e) {
                lost(e);
            }
        }

        private void requestDone() {
            requestWritten = true;
            releaseIfDone();
        }

        private void responseBegan(ClientExchange exchange) {
            if (ended) {
                return;
            }
            timeout = UpstreamFailure.Kind.IDLE_TIMEOUT;
            heardFrom();
            var headers = exchange.getResponse().getResponseHeaders();
            listener.onHeaders(exchange.getResponse().getResponseCode(), headers::getFirst);
            body = exchange.getResponseChannel();
            read();
        }

        /** Reads and hands over content until the listener wants to wait or nothing is left to read. */
        private void read() {
            StreamSourceChannel source = requireNonNull(body, "body");
            while (!ended && !awaitingDemand) {
                int read;
                try (PooledByteBuffer pooled = buffers.allocate()) {
                    ByteBuffer buffer = pooled.getBuffer();
                    read = source.read(buffer);
                    if (read > 0) {
                        heardFrom();
                        buffer.flip();
                        awaitingDemand = true;
                        handingOver++;
                        try {
                            listener.onContent(buffer, this::demand);
                        } finally {
                            handingOver--;
                        }
                        continue;
                    }
                } catch (IOException e) {
                    lost(e);
                    return;
                }
                if (read == 0) {
                    source.getReadSetter().set(s -> {
                        s.suspendReads();
                        read();
                    });
                    source.resumeReads();
                    return;
                }
                responseRead = true;
                finish();
                return;
            }
        }

        /**
         * The listener wants more. Asked from inside {@code onContent}, the loop in {@link #read}
         * goes on; asked later on this thread, reading starts again; asked on another thread, it hops
         * here first.
         */
        private void demand() {
            if (thread != XnioIoThread.currentThread()) {
                thread.execute(this::demand);
                return;
            }
            awaitingDemand = false;
            if (handingOver == 0 && !ended) {
                read();
            }
        }

        private void finish() {
            stopTimer();
            if (ended) {
                return;
            }
            ended = true;
            releaseIfDone();
            listener.onComplete();
        }

        private void releaseIfDone() {
            ClientConnection c = connection;
            if (c != null && requestWritten && responseRead) {
                connection = null;
                pool.release(c);
            }
        }

        private void lost(IOException e) {
            log.debug("upstream exchange failed", e);
            fail(UpstreamFailure.Kind.CONNECTION_LOST, e.getClass().getSimpleName());
        }

        private void heardFrom() {
            deadline = System.nanoTime() + request.idleTimeout().toNanos();
        }

        private void checkDeadline() {
            timer = null;
            if (ended) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                timer = thread.executeAfter(this::checkDeadline, left, TimeUnit.NANOSECONDS);
            } else {
                fail(timeout, timeout == UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT ? "first byte" : "idle");
            }
        }

        /** Ends the call with a failure reported to the listener; its connection is closed. */
        void fail(UpstreamFailure.Kind kind, String detail) {
            if (ended) {
                return;
            }
            abandon();
            listener.onFailure(new UpstreamFailure(kind, detail));
        }

        /** Ends the call without telling the listener: the caller no longer wants to hear of it. */
        void cancel() {
            if (thread != XnioIoThread.currentThread()) {
                thread.execute(this::cancel);
                return;
            }
            if (!ended) {
                abandon();
            }
        }

        private void abandon() {
            ended = true;
            stopTimer();
            ClientConnection c = connection;
            if (c != null) {
                connection = null;
                IoUtils.safeClose(c);
                pool.discarded();
            }
        }

        private void stopTimer() {
            XnioExecutor.Key t = timer;
            if (t != null) {
                t.remove();
                timer = null;
            }
        }
    }
}
