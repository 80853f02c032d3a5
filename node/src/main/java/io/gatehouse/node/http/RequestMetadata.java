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
        Map<String, String> metadata = new HashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                metadata.put(name.substring(PREFIX.length()), values.getFirst());
            }
        }
        return metadata;
    }
}
