package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Usage;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a request ends, writes its access log line (one JSON object: id, principal, model,
 * provider, status, latency, tokens; never credentials or prompt text) and records its metrics.
 * The line goes through an asynchronous appender, so the thread that ended the request does not
 * wait for the console.
 */
public final class AccessLogHandler implements HttpHandler {
    private static final Logger access = LoggerFactory.getLogger("gatehouse.access");

    private final boolean writeLines;
    private final GatewayMetrics metrics;
    private final HttpHandler next;

    /** With {@code writeLines} false ({@code node.access_log: off}) it records metrics only. */
    public AccessLogHandler(boolean writeLines, GatewayMetrics metrics, HttpHandler next) {
        this.writeLines = writeLines;
        this.metrics = requireNonNull(metrics, "metrics");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                record(ex);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private void record(HttpServerExchange exchange) {
        long end = System.nanoTime();
        long start = exchange.getAttachment(Attachments.START_NANOS);
        String endpoint = orNone(exchange.getAttachment(Attachments.ENDPOINT));
        Route route = exchange.getAttachment(Attachments.ROUTE);
        Target target = exchange.getAttachment(Attachments.TARGET);
        String model = route == null ? GatewayMetrics.NONE : route.model();
        String provider = target == null ? GatewayMetrics.NONE : target.providerName();
        Usage usage = exchange.getAttachment(Attachments.USAGE);
        ApiError error = exchange.getAttachment(Attachments.ERROR);
        Long firstEvent = exchange.getAttachment(Attachments.FIRST_EVENT_NANOS);
        boolean clientGone = Boolean.TRUE.equals(exchange.getAttachment(Attachments.CLIENT_GONE));
        int status = clientGone && !exchange.isResponseStarted() ? 499 : exchange.getStatusCode();

        metrics.request(endpoint, model, provider, status, end - start);
        if (firstEvent != null) {
            metrics.timeToFirstToken(model, provider, firstEvent - start);
        }
        if (usage != null) {
            metrics.tokens(model, provider, usage.promptTokens(), usage.completionTokens());
        }
        if (error != null && target != null && (error.status() >= 500 || error.status() == 429)) {
            metrics.upstreamError(model, provider, upstreamErrorKind(error.status()));
        }
        if (!writeLines || !access.isInfoEnabled() || HealthHandler.ENDPOINT.equals(endpoint)) {
            return;
        }
        // Written by hand rather than through a Jackson tree: this runs on the I/O thread for every
        // request, and the tree plus its serialisation cost several times more than the line.
        JsonLine line = new JsonLine();
        line.put("ts", Instant.now());
        line.put("request_id", exchange.getAttachment(Attachments.REQUEST_ID));
        line.put("method", exchange.getRequestMethod().toString());
        line.put("path", exchange.getRequestPath());
        line.put("status", status);
        Principal principal = exchange.getAttachment(Attachments.PRINCIPAL);
        if (principal != null) {
            line.put("principal", principal.subject());
            line.put("tenant", principal.tenant());
        }
        if (route != null) {
            line.put("model", model);
        }
        Decision decision = exchange.getAttachment(Attachments.DECISION);
        if (decision != null) {
            line.put("policy", decision.policy());
        }
        if (target != null) {
            line.put("provider", provider);
            line.put("upstream_model", target.upstreamModel());
        }
        String cache = exchange.getResponseHeaders().getFirst(CacheHandler.CACHE);
        if (cache != null) {
            line.put("cache", cache);
        }
        line.put("latency_ms", (end - start) / 1_000_000.0);
        if (firstEvent != null) {
            line.put("ttft_ms", (firstEvent - start) / 1_000_000.0);
        }
        if (usage != null) {
            line.put("prompt_tokens", usage.promptTokens());
            line.put("completion_tokens", usage.completionTokens());
        }
        if (error != null) {
            line.put("error_type", error.type());
            line.put("error_code", error.code());
        }
        if (clientGone) {
            line.put("client_gone", true);
        }
        access.info(line.toString());
    }

    /** One JSON object written field by field, as Jackson would write it. Not thread-safe. */
    static final class JsonLine {
        private final StringBuilder json = new StringBuilder(512).append('{');

        void put(String name, @Nullable String value) {
            name(name);
            if (value == null) {
                json.append("null");
                return;
            }
            json.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    case '\b' -> json.append("\\b");
                    case '\f' -> json.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            json.append(String.format("\\u%04X", (int) c));
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            json.append('"');
        }

        /** An instant in UTC with nanoseconds, such as {@code "2026-11-22T01:12:42.783504249Z"}. */
        void put(String name, Instant instant) {
            name(name);
            json.append('"').append(UtcSeconds.of(instant.getEpochSecond()));
            String nanos = Integer.toString(instant.getNano());
            json.repeat('0', 9 - nanos.length()).append(nanos).append("Z\"");
        }

        void put(String name, long value) {
            name(name);
            json.append(value);
        }

        void put(String name, double value) {
            name(name);
            json.append(value);
        }

        void put(String name, boolean value) {
            name(name);
            json.append(value);
        }

        private void name(String name) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(name).append("\":");
        }

        @Override
        public String toString() {
            String line = json.append('}').toString(); // one copy, where `json + "}"` makes two
            json.setLength(json.length() - 1);
            return line;
        }
    }

    /**
     * The text of a second, up to its fraction ({@code "2026-11-22T01:12:42."}), kept for the next
     * line of the same second. Unlike {@code Instant.toString}, which drops trailing zeros, every
     * stamp has the same width, so the lines' stamps sort as text.
     */
    private record UtcSeconds(long epochSecond, String text) {
        private static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
        private static volatile UtcSeconds last = new UtcSeconds(Long.MIN_VALUE, "");

        static String of(long epochSecond) {
            UtcSeconds seen = last;
            if (seen.epochSecond != epochSecond) {
                seen = new UtcSeconds(epochSecond, FORMAT.format(Instant.ofEpochSecond(epochSecond)));
                last = seen;
            }
            return seen.text;
        }
    }

    private static String upstreamErrorKind(int status) {
        return switch (status) {
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            case 504 -> "timeout";
            default -> "failed";
        };
    }

    private static String orNone(String value) {
        return value == null ? GatewayMetrics.NONE : value;
    }
}
