package io.gatehouse.node.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code x-gatehouse-meta-*} request headers that policies read as {@code request.metadata}. */
final class RequestMetadata {
    private static final String PREFIX = "x-gatehouse-meta-";

    private RequestMetadata() {}

    /** The metadata headers of {@code exchange}, by the rest of their (lower-case) name. */
    static Map<String, String> of(HttpServerExchange exchange) {
        Map<String, String> metadata = null; // most requests have none
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            if (name.length() > PREFIX.length() && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                if (metadata == null) {
                    metadata = new HashMap<>();
                }
                metadata.put(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT), values.getFirst());
            }
        }
        return metadata == null ? Map.of() : metadata;
    }
}
