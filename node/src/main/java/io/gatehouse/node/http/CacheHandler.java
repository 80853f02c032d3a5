package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.CacheConfig;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.cluster.cache.SemanticIndex;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.Route;
import io.gatehouse.node.semantic.PromptEmbedder;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>When the policy's mode is {@code semantic}, a request that is not the same as one answered
 * before may still mean the same: everything but its last message's text is the same, and that
 * text's embedding is at least {@code cache.semantic.threshold} alike to one answered before
 * ({@link PromptToMatch}). Such a request is answered with {@code semantic-hit}. Every answer of a
 * semantic policy is stored, with its prompt indexed.
 */
public final class CacheHandler implements HttpHandler {
    static final HttpString CACHE = HttpString.tryFromString("x-gatehouse-cache");

    private static final byte[] NONE = new byte[0];
    private static final CompletableFuture<Found> MISSED = CompletableFuture.completedFuture(Found.MISS);

    private final ResponseCache cache;
    private final SemanticIndex prompts;
    private final PromptEmbedder embedder;
    private final RequestSightings sightings = new RequestSightings();
    private final GatewayMetrics metrics;
    private final HttpHandler next;

    public CacheHandler(
            ResponseCache cache,
            SemanticIndex prompts,
            PromptEmbedder embedder,
            GatewayMetrics metrics,
            HttpHandler next) {
        this.cache = requireNonNull(cache, "cache");
        this.prompts = requireNonNull(prompts, "prompts");
        this.embedder = requireNonNull(embedder, "embedder");
        this.metrics = requireNonNull(metrics, "metrics");
        this.next = requireNonNull(next, "next");
    }

    /** What a lookup found: an answer and how ({@code hit}, {@code semantic-hit}), or none. */
    private record Found(byte[] answer, String how) {
        static final Found MISS = new Found(NONE, "miss");
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
        Principal caller = requireNonNull(exchange.getAttachment(Attachments.PRINCIPAL), "principal");
        String key = CacheKeys.answer(caller, decision, request);
        PromptToMatch prompt =
                decision.cache().mode().equals("semantic") ? PromptToMatch.of(caller, decision, request) : null;
        if (prompt != null) {
            exchange.putAttachment(
                    Attachments.CACHE_STORE,
                    new CacheStore(cache, key, settings, new CacheStore.Indexing(prompts, prompt)));
        } else if (sightings.seenEnough(key, settings.minUses())) {
            exchange.putAttachment(Attachments.CACHE_STORE, new CacheStore(cache, key, settings, null));
        }
        if (control.contains("no-cache")) {
            if (prompt != null) {
                prompt.embedding(embedder); // to index the prompt with the answer
            }
            bypass(exchange);
            next.handleRequest(exchange);
            return;
        }
        CompletableFuture<Found> lookup =
                cache.get(key).thenApply(found -> found.length == 0 ? Found.MISS : new Found(found, "hit"));
        if (prompt != null) {
            lookup = lookup.thenCompose(found ->
                    found.answer().length > 0 ? CompletableFuture.completedFuture(found) : nearest(prompt, settings));
        }
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            // Answered at once (most often a request never stored): no hand-off, no timer.
            answer(exchange, request, lookup.join(), null);
            return;
        }
        IoThreadWait.await(
                exchange,
                lookup,
                settings.lookupTimeout().toMillis(),
                (found, failure) -> answer(exchange, request, found, failure));
    }

    /** The answer to the prompt nearest {@code prompt} in its scope, if one is near enough. */
    private CompletableFuture<Found> nearest(PromptToMatch prompt, CacheConfig settings) {
        return prompt.embedding(embedder).thenCompose(embedding -> {
            if (embedding == null) {
                metrics.promptNotEmbedded();
                return MISSED;
            }
            return prompts.nearest(
                            prompt.scope(), embedding, settings.semantic().threshold())
                    .thenCompose(this::answerFoundByMeaning);
        });
    }

    private CompletableFuture<Found> answerFoundByMeaning(String answerKey) {
        if (answerKey.isEmpty()) {
            return MISSED;
        }
        return cache.get(answerKey)
                .thenApply(found -> found.length == 0 ? Found.MISS : new Found(found, "semantic-hit"));
    }

    private void answer(
            HttpServerExchange exchange, ChatRequest request, @Nullable Found found, @Nullable Throwable failure) {
        CachedAnswer answer = found == null || found.answer().length == 0 ? null : CachedAnswer.decode(found.answer());
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
        metrics.cacheLookup(found.how());
        exchange.removeAttachment(Attachments.CACHE_STORE);
        exchange.getResponseHeaders().put(CACHE, found.how());
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
}
