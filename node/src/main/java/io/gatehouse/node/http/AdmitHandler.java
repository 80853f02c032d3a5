package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.cluster.limits.BucketResult;
import io.gatehouse.cluster.limits.RateLimits;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.tokens.TokenCounter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Enforces one scope of cluster-wide limits (the caller's, from the policy decision, or a
 * deployment's quota) before the call: takes one request from the requests-per-minute bucket and
 * reserves the estimated tokens from the tokens-per-minute bucket, both in one cluster operation
 * (all or nothing; for a busy scope, usually answered at once from this node's local lease, see
 * {@link io.gatehouse.cluster.limits.LeasedRateLimits}), and takes a concurrency slot. The token estimate is rough on purpose (a quarter
 * of the prompt's UTF-8 bytes plus the output allowed, see {@link TokenCounter#roughPrompt}): it
 * runs on the I/O thread for every request, and the reservation is settled with the real usage. A refusal is a 429 with OpenAI's rate-limit headers and {@code retry-after} from the real
 * refill time, and whatever was already taken is given back. When the request ends, however it
 * ends, the token reservation is settled with the actual usage and the slot is released. If the
 * limits cannot be checked in time, the request passes or gets a 503, as configured.
 */
public final class AdmitHandler implements HttpHandler {
    private static final HttpString LIMIT_REQUESTS = HttpString.tryFromString("x-ratelimit-limit-requests");
    private static final HttpString REMAINING_REQUESTS = HttpString.tryFromString("x-ratelimit-remaining-requests");
    private static final HttpString RESET_REQUESTS = HttpString.tryFromString("x-ratelimit-reset-requests");
    private static final HttpString LIMIT_TOKENS = HttpString.tryFromString("x-ratelimit-limit-tokens");
    private static final HttpString REMAINING_TOKENS = HttpString.tryFromString("x-ratelimit-remaining-tokens");
    private static final HttpString RESET_TOKENS = HttpString.tryFromString("x-ratelimit-reset-tokens");
    private static final HttpString RETRY_AFTER = HttpString.tryFromString("retry-after");
    private static final HttpString RETRY_AFTER_MS = HttpString.tryFromString("retry-after-ms");

    private final Function<HttpServerExchange, @Nullable LimitScope> scopes;
    private final RateLimits limits;
    private final String leasePrefix;
    private final TokenCounter tokens;
    private final GatewayMetrics metrics;
    private final HttpHandler next;

    public AdmitHandler(
            Function<HttpServerExchange, @Nullable LimitScope> scopes,
            RateLimits limits,
            String leasePrefix,
            TokenCounter tokens,
            GatewayMetrics metrics,
            HttpHandler next) {
        this.scopes = requireNonNull(scopes, "scopes");
        this.limits = requireNonNull(limits, "limits");
        this.leasePrefix = requireNonNull(leasePrefix, "leasePrefix");
        this.tokens = requireNonNull(tokens, "tokens");
        this.metrics = requireNonNull(metrics, "metrics");
        this.next = requireNonNull(next, "next");
    }

    /**
     * What a limit check took, to give back or settle later: bucket {@code bucket} of the buckets kept
     * under {@code key} (with {@code capacities}), or, for a concurrency slot, bucket -1.
     */
    private record Check(
            String kind,
            String key,
            int bucket,
            long[] capacities,
            long amount,
            CompletableFuture<BucketResult> result) {}

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        LimitScope limit = scopes.apply(exchange);
        if (limit == null) {
            next.handleRequest(exchange);
            return;
        }
        String scope = limit.key();
        long started = System.nanoTime();
        List<Check> checks = new ArrayList<>(3);
        int buckets = (limit.rpm() != null ? 1 : 0) + (limit.tpm() != null ? 1 : 0);
        if (buckets > 0) {
            // Both buckets of the scope live under one key: one operation, one hop to its owner.
            String key = "rt:" + scope;
            long[] capacities = new long[buckets];
            long[] amounts = new long[buckets];
            String[] kinds = new String[buckets];
            int b = 0;
            if (limit.rpm() != null) {
                capacities[b] = limit.rpm();
                amounts[b] = 1;
                kinds[b++] = "requests";
            }
            if (limit.tpm() != null) {
                capacities[b] = limit.tpm();
                amounts[b] = estimate(exchange);
                kinds[b] = "tokens";
            }
            CompletableFuture<List<BucketResult>> taken = limits.takeAll(key, capacities, amounts);
            for (int i = 0; i < buckets; i++) {
                int at = i;
                checks.add(new Check(kinds[i], key, i, capacities, amounts[i], taken.thenApply(r -> r.get(at))));
            }
        }
        if (limit.concurrent() != null) {
            String key = "cc:" + scope;
            String lease = leasePrefix + exchange.getAttachment(Attachments.REQUEST_ID);
            checks.add(new Check(
                    "concurrent",
                    key,
                    -1,
                    new long[] {limit.concurrent()},
                    1,
                    limits.acquireSlot(key, limit.concurrent(), lease)));
        }
        CompletableFuture<?> answered =
                CompletableFuture.allOf(checks.stream().map(Check::result).toArray(CompletableFuture[]::new));
        if (answered.isDone() && !answered.isCompletedExceptionally()) {
            // Answered already (from a local lease): no hand-off, no timer.
            admit(exchange, limit, checks, null, started);
            return;
        }
        IoThreadWait.await(
                exchange,
                answered,
                ActiveConfig.of(exchange).limits().timeout().toMillis(),
                (ignored, failure) -> admit(exchange, limit, checks, failure, started));
    }

    private void admit(
            HttpServerExchange exchange,
            LimitScope scope,
            List<Check> checks,
            @Nullable Throwable failure,
            long started) {
        metrics.limitCheck(System.nanoTime() - started);
        if (failure != null) {
            // Whatever is granted later is given back: this request is not counted against it.
            checks.forEach(check -> check.result().thenAccept(result -> giveBack(check, result, exchange)));
            boolean failOpen = ActiveConfig.of(exchange).limits().failOpen();
            metrics.limitsUnavailable(failOpen);
            if (failOpen) {
                proceed(exchange);
            } else {
                Responses.error(
                        exchange,
                        new ApiError(
                                503,
                                "service_unavailable",
                                "limits_unavailable",
                                "Rate limits cannot be checked right now; try again shortly.",
                                null));
            }
            return;
        }
        Check refused = null;
        HeaderMap headers = exchange.getResponseHeaders();
        for (Check check : checks) {
            BucketResult result = check.result().join();
            metrics.limitDecision(check.kind(), scope.name(), !lacked(check, result));
            if (lacked(check, result) && refused == null) {
                refused = check;
            }
            if (!scope.caller() && result.granted()) {
                continue; // a deployment's quota is not the caller's to see, unless it refuses them
            }
            if (check.kind().equals("requests")) {
                headers.put(LIMIT_REQUESTS, result.limit())
                        .put(REMAINING_REQUESTS, result.remaining())
                        .put(RESET_REQUESTS, duration(result.resetMillis()));
            } else if (check.kind().equals("tokens")) {
                headers.put(LIMIT_TOKENS, result.limit())
                        .put(REMAINING_TOKENS, result.remaining())
                        .put(RESET_TOKENS, duration(result.resetMillis()));
            }
        }
        if (refused != null) {
            for (Check check : checks) {
                giveBack(check, check.result().join(), exchange);
            }
            BucketResult result = refused.result().join();
            long retryMillis = Math.max(1, result.retryAfterMillis());
            headers.put(RETRY_AFTER, (retryMillis + 999) / 1000).put(RETRY_AFTER_MS, retryMillis);
            Responses.error(exchange, ApiError.rateLimited(message(refused, result, scope)));
            return;
        }
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            settle(ex, checks);
            nextListener.proceed();
        });
        proceed(exchange);
    }

    private void proceed(HttpServerExchange exchange) {
        try {
            next.handleRequest(exchange);
        } catch (Exception e) {
            ErrorGuardHandler.fail(exchange, e);
        }
    }

    /**
     * Whether {@code check} itself refused: its bucket had less than the amount, or no slot was free.
     * A bucket that had enough is not taken from either when another bucket of its key refuses (all
     * or nothing); it answers not granted with no retry time.
     */
    private static boolean lacked(Check check, BucketResult result) {
        return !result.granted() && (check.bucket() < 0 || result.retryAfterMillis() > 0);
    }

    /** Puts back what a refused or abandoned request took. */
    private void giveBack(Check check, BucketResult result, HttpServerExchange exchange) {
        if (!result.granted()) {
            return;
        }
        if (check.bucket() < 0) {
            limits.releaseSlot(check.key(), leasePrefix + exchange.getAttachment(Attachments.REQUEST_ID));
        } else {
            limits.adjustAll(check.key(), check.capacities(), only(check, check.amount()));
        }
    }

    /** Settles the token reservation with the actual usage and frees the slot. */
    private void settle(HttpServerExchange exchange, List<Check> checks) {
        Usage usage = exchange.getAttachment(Attachments.USAGE);
        long actual = usage == null ? 0 : usage.totalTokens();
        for (Check check : checks) {
            switch (check.kind()) {
                case "tokens" ->
                    limits.adjustAll(check.key(), check.capacities(), only(check, check.amount() - actual));
                case "concurrent" ->
                    limits.releaseSlot(check.key(), leasePrefix + exchange.getAttachment(Attachments.REQUEST_ID));
                default -> {
                    // a request is a request, whatever it used
                }
            }
        }
    }

    /** Amounts for the buckets of {@code check}'s key: {@code amount} for its bucket, 0 for the others. */
    private static long[] only(Check check, long amount) {
        long[] amounts = new long[check.capacities().length];
        amounts[check.bucket()] = amount;
        return amounts;
    }

    /** Prompt tokens (roughly) plus the output the request may produce. */
    private long estimate(HttpServerExchange exchange) {
        ChatRequest chat = exchange.getAttachment(Attachments.CHAT_REQUEST);
        if (chat != null) {
            int output = chat.maxTokens() != null
                    ? chat.maxTokens()
                    : ActiveConfig.of(exchange).limits().defaultMaxOutputTokens();
            return (long) TokenCounter.roughPrompt(chat) + output;
        }
        EmbeddingRequest embedding = exchange.getAttachment(Attachments.EMBEDDING_REQUEST);
        if (embedding != null) {
            return embedding.inputs().stream().mapToLong(tokens::estimate).sum();
        }
        return 0;
    }

    private static String message(Check refused, BucketResult result, LimitScope scope) {
        String retry = duration(result.retryAfterMillis());
        String whose = scope.caller()
                ? "policy '" + scope.name() + "'"
                : "the quota of " + scope.name().substring("deployment:".length());
        return switch (refused.kind()) {
            case "requests" ->
                "Rate limit reached for requests per minute (limit " + result.limit() + ", " + whose
                        + "). Try again in " + retry + ".";
            case "tokens" ->
                refused.amount() > result.limit()
                        ? "Request too large: about " + refused.amount()
                                + " tokens (prompt plus max output) exceed the limit of " + result.limit()
                                + " tokens per minute (" + whose + "); lower max_tokens or shorten the prompt."
                        : "Rate limit reached for tokens per minute (limit " + result.limit() + ", " + whose
                                + "; this request needs about " + refused.amount() + "). Try again in " + retry + ".";
            default ->
                "Too many requests in flight (limit " + result.limit() + ", " + whose
                        + "). Try again when one finishes.";
        };
    }

    /**
     * A duration in the style of OpenAI's reset headers: {@code 250ms}, {@code 1.5s}, {@code 2m3s}.
     * Built by hand: it runs for every limited request, where a format string and a regular
     * expression cost microseconds.
     */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            long seconds = millis / 1000;
            int fraction = (int) (millis % 1000);
            if (fraction == 0) {
                return seconds + "s";
            }
            String digits = Integer.toString(1000 + fraction); // "1" and three digits, leading zeros kept
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            return seconds + "." + digits.substring(1, end) + "s";
        }
        return (millis / 60_000) + "m" + ((millis % 60_000) / 1000) + "s";
    }
}
