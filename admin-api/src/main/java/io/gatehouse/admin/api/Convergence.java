package io.gatehouse.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.time.Duration;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Answers a committed write: says which config version holds it ({@code x-gatehouse-config-version})
 * and, when the caller asked with {@code ?wait=converged[&timeout=10s]}, first waits until every live
 * node runs that version, saying whether they did ({@code x-gatehouse-converged}).
 */
final class Convergence {
    static final HttpString CONFIG_VERSION = new HttpString("x-gatehouse-config-version");
    static final HttpString CONVERGED = new HttpString("x-gatehouse-converged");
    static final HttpString STALE = new HttpString("x-gatehouse-stale");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(120);

    private Convergence() {}

    /** What a write asked to wait for: read before the write, so a bad parameter changes nothing. */
    record Wait(boolean converged, Duration timeout) {}

    /** The write's {@code wait} and {@code timeout} parameters. */
    static Wait requested(HttpServerExchange exchange) {
        String wait = parameter(exchange, "wait");
        Duration timeout = timeout(parameter(exchange, "timeout"));
        if (wait != null && !wait.equals("converged")) {
            throw new BadRequestException(400, "invalid_parameter", "wait: \"" + wait + "\" (expected: converged)");
        }
        return new Wait(wait != null, timeout);
    }

    static void respond(
            HttpServerExchange exchange,
            ConfigEditor editor,
            Wait wait,
            long version,
            int status,
            @Nullable JsonNode body) {
        exchange.getResponseHeaders().put(CONFIG_VERSION, version);
        if (wait.converged()) {
            exchange.getResponseHeaders()
                    .put(CONVERGED, String.valueOf(editor.awaitConverged(version, wait.timeout())));
        }
        if (body == null) {
            exchange.setStatusCode(status);
            exchange.endExchange();
        } else {
            AdminResponses.json(exchange, status, body);
        }
    }

    /** Marks an answer read from the node's running configuration because the database is down. */
    static void markStale(HttpServerExchange exchange, ConfigEditor.Reading reading) {
        exchange.getResponseHeaders().put(CONFIG_VERSION, reading.config().version());
        if (reading.stale()) {
            exchange.getResponseHeaders().put(STALE, "true");
        }
    }

    private static Duration timeout(@Nullable String value) {
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        try {
            Duration timeout = value.endsWith("ms")
                    ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                    : Duration.ofMillis((long)
                            (Double.parseDouble(value.endsWith("s") ? value.substring(0, value.length() - 1) : value)
                                    * 1000));
            if (!timeout.isNegative() && timeout.compareTo(MAX_TIMEOUT) <= 0) {
                return timeout;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(
                400,
                "invalid_parameter",
                "timeout: \"" + value + "\" (expected: a duration such as 500ms or 5s, at most 120s)");
    }

    private static @Nullable String parameter(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
