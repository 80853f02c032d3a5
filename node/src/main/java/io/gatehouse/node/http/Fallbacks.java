package io.gatehouse.node.http;

import io.gatehouse.providers.ApiError;
import io.undertow.server.HttpHandler;

/** Answers for paths nobody serves and methods a path does not take, in OpenAI's error shape. */
public final class Fallbacks {
    private Fallbacks() {}

    public static HttpHandler notFound() {
        return exchange -> Responses.error(
                exchange,
                ApiError.notFound(
                        "No endpoint " + exchange.getRequestMethod() + " " + exchange.getRequestPath() + "."));
    }

    public static HttpHandler methodNotAllowed() {
        return exchange -> Responses.error(
                exchange, ApiError.methodNotAllowed(exchange.getRequestMethod().toString()));
    }
}
