package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.CacheConfig;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.Route;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Answers a chat request from the cluster's response cache when the same request was answered
 * before in the decision's cache scope, without touching a provider; otherwise lets it through and
 * has its answer stored ({@link CacheStore}) once this node has seen the request {@code
 * cache.min_uses} times ({@link RequestSightings}). Says which in {@code x-gatehouse-cache}: {@code hit},
 * {@code miss}, or {@code bypass} when the policy's mode is {@code off} or the client sent {@code
 * cache-control: no-cache} (no lookup, the answer is stored) or {@code no-store} (neither). With the
 * cache turned off ({@code cache} absent or {@code enabled: false}) it does nothing and sends no
 * header.
 *
 * <p>Two requests are the same when they have the same scope (the caller's tenant, or tenant and
 * subject), the same decided model and output cap, and the same canonical request, which includes
 * {@code stream}: a streamed request is answered from a streamed answer, as events. A lookup that
 * fails or takes longer than {@code cache.lookup_timeout} counts as a miss.
 */
public final class CacheHandler implements HttpHandler {
    static final HttpString CACHE = HttpString.tryFromString("x-gatehouse-cache");
    private static final MessageDigest SHA_256 = prototype();

    private final ResponseCache cache;
    private final RequestSightings sightings = new RequestSightings();
    private final GatewayMetrics metrics;
    private final HttpHandler next;

    public CacheHandler(ResponseCache cache, GatewayMetrics metrics, HttpHandler next) {
        this.cache = requireNonNull(cache, "cache");
        this.metrics = requireNonNull(metrics, "metrics");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        CacheConfig settings = ActiveConfig.of(exchange).cache();
        if (!settings.enabled()) {
            next.handleRequest(exchange);
            return;
        }
        Decision decision = requireNonNull(exchange.getAttachment(Attachments.DECISION), "decision");
        String control = requestCacheControl(exchange);
        boolean noStore = control.contains("no-store");
        if (decision.cache().mode().equals("off") || noStore) {
            bypass(exchange);
            next.handleRequest(exchange);
            return;
        }
        ChatRequest request = requireNonNull(exchange.getAttachment(Attachments.CHAT_REQUEST), "chat request");
        String key = key(requireNonNull(exchange.getAttachment(Attachments.PRINCIPAL), "principal"), decision, request);
        if (sightings.seenEnough(key, settings.minUses())) {
            exchange.putAttachment(Attachments.CACHE_STORE, new CacheStore(cache, key, settings));
        }
        if (control.contains("no-cache")) {
            bypass(exchange);
            next.handleRequest(exchange);
            return;
        }
        CompletableFuture<byte[]> lookup = cache.get(key);
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            // Answered at once (most often a request never stored): no hand-off, no timer.
            answer(exchange, request, lookup.join(), null);
            return;
        }
        CompletableFuture<byte[]> timed =
                lookup.orTimeout(settings.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        exchange.dispatch(
                SameThreadExecutor.INSTANCE,
                () -> timed.whenComplete((found, failure) ->
                        exchange.getIoThread().execute(() -> answer(exchange, request, found, failure))));
    }

    private void answer(
            HttpServerExchange exchange, ChatRequest request, byte @Nullable [] found, @Nullable Throwable failure) {
        CachedAnswer answer = found == null || found.length == 0 ? null : CachedAnswer.decode(found);
        if (answer == null || answer.stream() != request.stream()) {
            metrics.cacheLookup(failure != null ? "error" : "miss");
            exchange.getResponseHeaders().put(CACHE, "miss");
            try {
                next.handleRequest(exchange);
            } catch (Exception e) {
                ErrorGuardHandler.fail(exchange, e);
            }
            return;
        }
        metrics.cacheLookup("hit");
        exchange.removeAttachment(Attachments.CACHE_STORE);
        exchange.getResponseHeaders().put(CACHE, "hit");
        // No deployment answers a hit, but the model that would have is named in logs and metrics.
        Decision decision = requireNonNull(exchange.getAttachment(Attachments.DECISION), "decision");
        Route route = ActiveConfig.of(exchange).catalog().route(decision.model());
        if (route != null) {
            exchange.putAttachment(Attachments.ROUTE, route);
        }
        ClientDialect dialect = Responses.dialect(exchange);
        try {
            if (answer.stream()) {
                ClientDialect.StreamEncoder encoder = dialect.stream();
                ByteBuffer events = encoder.chunks(answer.parts());
                ByteBuffer end = encoder.end(answer.usage());
                ByteBuffer all = ByteBuffer.allocate(events.remaining() + end.remaining());
                all.put(events).put(end).flip();
                exchange.putAttachment(Attachments.FIRST_EVENT_NANOS, System.nanoTime());
                exchange.setStatusCode(200);
                exchange.getResponseHeaders()
                        .put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                        .put(Headers.CACHE_CONTROL, "no-cache");
                exchange.getResponseSender().send(all);
            } else {
                Responses.json(exchange, 200, dialect.response(answer.parts().getFirst()));
            }
        } catch (ApiException e) {
            Responses.error(exchange, e.error());
        }
    }

    private void bypass(HttpServerExchange exchange) {
        metrics.cacheLookup("bypass");
        exchange.getResponseHeaders().put(CACHE, "bypass");
    }

    /** The client's {@code cache-control} directives, lower case, or an empty string. */
    private static String requestCacheControl(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(Headers.CACHE_CONTROL);
        if (values == null) {
            return "";
        }
        return String.join(",", values).toLowerCase(Locale.ROOT);
    }

    /**
     * The entry's key: a digest of the decision's cache scope, the decided model and cap, and the
     * canonical request, so that it carries no prompt and no two scopes share an entry.
     */
    static String key(Principal caller, Decision decision, ChatRequest request) {
        String scope = decision.cache().scope();
        MessageDigest digest = sha256();
        update(digest, scope);
        update(digest, caller.tenant());
        update(digest, scope.equals("subject") ? caller.subject() : "");
        update(digest, decision.model());
        update(digest, decision.maxTokens() == null ? "" : decision.maxTokens().toString());
        try {
            digest.update(Json.MAPPER.writeValueAsBytes(request.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a parsed tree always serializes
        }
        return "v1:" + HexFormat.of().formatHex(digest.digest());
    }

    /** Adds {@code value}, length first, so that no two sequences of values digest alike. */
    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(0, bytes.length));
        digest.update(bytes);
    }

    /** A copy of a prepared digest: cheaper than looking the algorithm up among the providers. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of this JVM cannot be copied", e);
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
