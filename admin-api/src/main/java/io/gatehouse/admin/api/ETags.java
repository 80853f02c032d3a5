package io.gatehouse.admin.api;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.OptionalLong;

/**
 * Entity tags of the admin API: a resource's is its revision ({@code "7"}), the whole document's
 * its config version ({@code "v42"}). {@code If-Match} makes a write conditional on them.
 */
final class ETags {
    private ETags() {}

    static String of(long revision) {
        return "\"" + revision + "\"";
    }

    static String ofVersion(long version) {
        return "\"v" + version + "\"";
    }

    /** The revision {@code If-Match} names; empty when absent or {@code *}. */
    static OptionalLong ifMatch(HttpServerExchange exchange, boolean version) {
        String header = exchange.getRequestHeaders().getFirst(Headers.IF_MATCH);
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return OptionalLong.empty();
        }
        String value = header.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        if (version && value.startsWith("v")) {
            value = value.substring(1);
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new BadRequestException(
                    400,
                    "invalid_if_match",
                    "If-Match: " + header + " (expected: an ETag this API returned, e.g. "
                            + (version ? ofVersion(3) : of(3)) + ")");
        }
    }
}
