package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id (the client's {@code x-request-id} when it is sane, else a new one),
 * notes its arrival time, and names the id and this node in the response headers.
 */
public final class RequestIdHandler implements HttpHandler {
    static final HttpString REQUEST_ID = HttpString.tryFromString("x-request-id");
    static final HttpString NODE = HttpString.tryFromString("x-gatehouse-node");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private final String nodeName;
    private final HttpHandler next;

    public RequestIdHandler(String nodeName, HttpHandler next) {
        this.nodeName = requireNonNull(nodeName, "nodeName");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(Attachments.START_NANOS, System.nanoTime());
        String id = exchange.getRequestHeaders().getFirst(REQUEST_ID);
        if (id == null || !SANE_ID.matcher(id).matches()) {
            id = newId();
        }
        exchange.putAttachment(Attachments.REQUEST_ID, id);
        exchange.getResponseHeaders().put(REQUEST_ID, id);
        exchange.getResponseHeaders().put(NODE, nodeName);
        next.handleRequest(exchange);
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
                + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
