package io.gatehouse.providers.transport;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Call;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shared HTTP client for upstream calls: pooled keep-alive connections with a limit per
 * upstream host, HTTP/2 negotiated by ALPN where the provider offers it, TLS with the JVM's trust
 * store, no redirects, and non-blocking, demand-driven response bodies. Built on Jetty's client
 * (see docs/decisions/0001-upstream-http-client.md). A {@link DirectTransport}, when given, is
 * offered every call first (docs/decisions/0003-upstream-calls-on-io-threads.md). Thread-safe.
 */
public final class UpstreamClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);

    private final HttpClient http;
    private final Scheduler scheduler;
    private final @Nullable DirectTransport direct;

    /**
     * Settings of the shared client.
     *
     * @param connectTimeout how long a TCP (and TLS) connect may take
     * @param maxConnectionsPerHost connections kept per upstream scheme, host and port
     * @param maxQueuedPerHost requests waiting for a connection per upstream before new ones fail
     */
    public record Settings(Duration connectTimeout, int maxConnectionsPerHost, int maxQueuedPerHost) {
        public Settings {
            requireNonNull(connectTimeout, "connectTimeout");
            if (maxConnectionsPerHost < 1) {
                throw new IllegalArgumentException(
                        "maxConnectionsPerHost: " + maxConnectionsPerHost + " (expected: >= 1)");
            }
            if (maxQueuedPerHost < 0) {
                throw new IllegalArgumentException("maxQueuedPerHost: " + maxQueuedPerHost + " (expected: >= 0)");
            }
        }
    }

    private UpstreamClient(HttpClient http, Scheduler scheduler, @Nullable DirectTransport direct) {
        this.http = http;
        this.scheduler = scheduler;
        this.direct = direct;
    }

    /** Starts a client; close it to release its threads and connections. */
    public static UpstreamClient start(Settings settings) {
        return start(settings, null);
    }

    /**
     * Starts a client that offers every call to {@code direct} first and sends those it declines
     * itself; close it to release its threads and connections (not {@code direct}'s).
     */
    public static UpstreamClient start(Settings settings, @Nullable DirectTransport direct) {
        requireNonNull(settings, "settings");
        ClientConnector connector = new ClientConnector();
        connector.setTCPNoDelay(true);
        HTTP2Client http2 = new HTTP2Client(connector);
        HttpClientTransport transport = new HttpClientTransportDynamic(
                connector, HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(http2));
        // Every listener of a call is non-blocking (it buffers, translates, or writes to the client
        // without waiting), so the selector thread that reads a response may run them itself
        // instead of waking another thread to do it.
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient http = new HttpClient(transport);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("upstream");
        threads.setDaemon(true);
        http.setExecutor(threads);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("upstream-timer", true);
        http.setScheduler(scheduler);
        http.setConnectTimeout(settings.connectTimeout().toMillis());
        http.setMaxConnectionsPerDestination(settings.maxConnectionsPerHost());
        http.setMaxRequestsQueuedPerDestination(settings.maxQueuedPerHost());
        http.setFollowRedirects(false);
        http.setUserAgentField(null);
        // Upstream compression costs CPU on both ends for small JSON and delays stream events.
        http.getContentDecoderFactories().clear();
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the upstream HTTP client", e);
        }
        // start() installs these: provider errors such as 401 are answers to relay, not
        // authentication challenges or redirects for the gateway to act on.
        http.getProtocolHandlers().clear();
        return new UpstreamClient(http, scheduler, direct);
    }

    /**
     * Sends a request. The listener receives the response as it streams in; the returned call aborts
     * it.
     */
    public Call send(UpstreamRequest request, UpstreamListener listener) {
        requireNonNull(request, "request");
        requireNonNull(listener, "listener");
        if (direct != null) {
            Call call = direct.trySend(request, listener);
            if (call != null) {
                return call;
            }
        }
        Exchange exchange = new Exchange(scheduler, request.firstByteTimeout(), request.idleTimeout());
        // Jetty's own idle timeout would also run while the provider thinks before answering, so it
        // is only a backstop; the first-byte and idle timers below decide.
        long backstop = Math.max(
                        request.firstByteTimeout().toMillis(),
                        request.idleTimeout().toMillis())
                + 1_000;
        Request jetty = http.newRequest(request.uri())
                .method(HttpMethod.POST)
                .idleTimeout(backstop, TimeUnit.MILLISECONDS)
                .headers(headers -> {
                    headers.remove(HttpHeader.ACCEPT_ENCODING);
                    request.headers().forEach(headers::put);
                })
                .body(new BytesRequestContent("application/json", request.body()));
        exchange.request = jetty;
        exchange.startTimer();
        jetty.onResponseHeaders(response -> {
                    exchange.responseBegan();
                    listener.onHeaders(
                            response.getStatus(), name -> response.getHeaders().get(name));
                })
                .onResponseContentAsync((response, chunk, demander) -> {
                    exchange.moreArrived();
                    if (!exchange.ended.get()) {
                        listener.onContent(chunk.getByteBuffer(), demander);
                    }
                })
                .send(result -> {
                    exchange.stopTimer();
                    if (!exchange.ended.compareAndSet(false, true)) {
                        return;
                    }
                    if (result.isSucceeded()) {
                        listener.onComplete();
                    } else {
                        log.debug("upstream exchange failed", result.getFailure());
                        listener.onFailure(classify(result.getFailure()));
                    }
                });
        return exchange::cancel;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            log.warn("upstream HTTP client did not stop cleanly", e);
        }
    }

    static UpstreamFailure classify(Throwable failure) {
        Throwable cause = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FirstByteTimeout
                    || t instanceof IdleTimeout
                    || t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException
                    || t instanceof TimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof CancellationException) {
                cause = t;
                break;
            }
        }
        String detail = cause.getClass().getSimpleName();
        if (cause instanceof IdleTimeout) {
            return new UpstreamFailure(UpstreamFailure.Kind.IDLE_TIMEOUT, detail);
        }
        if (cause instanceof FirstByteTimeout) {
            return new UpstreamFailure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT, detail);
        }
        if (cause instanceof CancellationException) {
            return new UpstreamFailure(UpstreamFailure.Kind.CANCELLED, detail);
        }
        if (cause instanceof ConnectException
                || cause instanceof UnknownHostException
                || cause instanceof UnresolvedAddressException) {
            return new UpstreamFailure(UpstreamFailure.Kind.CONNECT_FAILED, detail);
        }
        if (cause instanceof SocketTimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.CONNECT_TIMEOUT, detail);
        }
        if (cause instanceof TimeoutException) {
            return new UpstreamFailure(UpstreamFailure.Kind.IDLE_TIMEOUT, detail);
        }
        return new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_LOST, detail);
    }

    /** Marks an abort caused by the idle timer. */
    private static final class IdleTimeout extends TimeoutException {
        static final IdleTimeout INSTANCE = new IdleTimeout();

        private IdleTimeout() {
            super("the response stayed silent past the idle timeout");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Marks an abort caused by the first-byte timer. */
    private static final class FirstByteTimeout extends TimeoutException {
        static final FirstByteTimeout INSTANCE = new FirstByteTimeout();

        private FirstByteTimeout() {
            super("no response before the first-byte timeout");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * One exchange's timers and cancellation state. The first-byte and idle timeouts share one
     * scheduled task, which is not moved when the response is heard from: hearing from it only
     * writes a new deadline, and the task, when it fires before the deadline, sleeps again until it.
     * So a call schedules one task, not one per chunk, and the timer thread is woken about once per
     * call instead of at every chunk.
     */
    private static final class Exchange {
        final AtomicBoolean ended = new AtomicBoolean();
        final Scheduler scheduler;
        final long firstByteNanos;
        final long idleNanos;
        volatile Request request;
        /** When the call times out unless it is heard from again ({@link System#nanoTime}). */
        private volatile long deadline;
        /** What the deadline is for: the first byte, or more of the response. */
        private volatile TimeoutException timeout = FirstByteTimeout.INSTANCE;

        private volatile Scheduler.@Nullable Task timer;

        Exchange(Scheduler scheduler, Duration firstByte, Duration idle) {
            this.scheduler = scheduler;
            this.firstByteNanos = firstByte.toNanos();
            this.idleNanos = idle.toNanos();
        }

        void startTimer() {
            deadline = System.nanoTime() + firstByteNanos;
            // Never later than the idle timeout: the response may begin at once, and then the
            // deadline is the idle timeout from then. A deadline only ever moves later, so a check
            // that fires early just sleeps again.
            timer = scheduler.schedule(this::checkDeadline, Math.min(firstByteNanos, idleNanos), TimeUnit.NANOSECONDS);
        }

        /** The response began: from now on the deadline is the idle timeout's. */
        void responseBegan() {
            timeout = IdleTimeout.INSTANCE;
            moreArrived();
        }

        /** More of the response arrived: the idle timeout starts over. */
        void moreArrived() {
            deadline = System.nanoTime() + idleNanos;
        }

        void stopTimer() {
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
        }

        private void checkDeadline() {
            if (ended.get()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                abort(timeout);
            } else {
                timer = scheduler.schedule(this::checkDeadline, left, TimeUnit.NANOSECONDS);
            }
        }

        void abort(Throwable reason) {
            Request r = request;
            if (r != null) {
                r.abort(reason);
            }
        }

        /** Aborts without telling the listener: the caller no longer wants to hear about this call. */
        void cancel() {
            stopTimer();
            if (ended.compareAndSet(false, true)) {
                abort(new CancellationException("cancelled by the gateway"));
            }
        }
    }
}
