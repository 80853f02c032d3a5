package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Receives a JSON request body: answers 415 for another content type and 413 for a body over the
 * limit (before reading it when its length is declared), then reads it whole without blocking and
 * attaches it.
 */
public final class ReceiveJsonHandler implements HttpHandler {
    private final long maxBytes;
    private final HttpHandler next;

    public ReceiveJsonHandler(long maxBytes, HttpHandler next) {
        this.maxBytes = maxBytes;
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (!isJson(contentType)) {
            Responses.error(exchange, ApiError.unsupportedMediaType(contentType));
            return;
        }
        if (exchange.getRequestContentLength() > maxBytes) {
            Responses.error(exchange, ApiError.tooLarge(maxBytes));
            return;
        }
        exchange.getRequestReceiver().setMaxBufferSize((int) Math.min(maxBytes, Integer.MAX_VALUE));
        exchange.getRequestReceiver()
                .receiveFullBytes(
                        (ex, body) -> {
                            // The receiver enforces its limit only on data that arrives late, so a
                            // chunked body that arrived at once is checked here.
                            if (body.length > maxBytes) {
                                Responses.error(ex, ApiError.tooLarge(maxBytes));
                                return;
                            }
                            ex.putAttachment(Attachments.BODY, body);
                            try {
                                next.handleRequest(ex);
                            } catch (Throwable t) {
                                ErrorGuardHandler.fail(ex, t);
                            }
                        },
                        (ex, failure) -> {
                            if (failure instanceof Receiver.RequestToLargeException) {
                                Responses.error(ex, ApiError.tooLarge(maxBytes));
                            } else {
                                // The client went away or broke the framing: nobody to answer.
                                ex.putAttachment(Attachments.CLIENT_GONE, true);
                                ex.endExchange();
                            }
                        });
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.equalsIgnoreCase("application/json");
    }
}
