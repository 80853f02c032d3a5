package io.gatehouse.node;

import io.gatehouse.node.http.AccessLogHandler;
import io.gatehouse.node.http.AuthenticateHandler;
import io.gatehouse.node.http.ChatCompletionHandler;
import io.gatehouse.node.http.ClientDialect;
import io.gatehouse.node.http.ClientDialectHandler;
import io.gatehouse.node.http.DecideHandler;
import io.gatehouse.node.http.EmbeddingsHandler;
import io.gatehouse.node.http.EndpointHandler;
import io.gatehouse.node.http.ErrorGuardHandler;
import io.gatehouse.node.http.Fallbacks;
import io.gatehouse.node.http.HealthHandler;
import io.gatehouse.node.http.ModelsHandler;
import io.gatehouse.node.http.ParseAnthropicMessagesHandler;
import io.gatehouse.node.http.ParseChatHandler;
import io.gatehouse.node.http.ParseEmbeddingsHandler;
import io.gatehouse.node.http.ReceiveJsonHandler;
import io.gatehouse.node.http.RequestIdHandler;
import io.gatehouse.node.http.RouteHandler;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.providers.tokens.TokenCounter;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The data plane's request pipeline, assembled in one place so it reads top to bottom: every
 * request gets an id and an access log line; a model request is received, authenticated, parsed,
 * decided by the policies, routed to a deployment and relayed. {@code /v1/messages} runs the chat
 * chain in Anthropic's dialect.
 */
final class DataPlane {
    private DataPlane() {}

    static HttpHandler handler(
            String nodeName,
            long maxRequestBytes,
            Authenticator authenticator,
            Supplier<PolicyEngine> policies,
            TokenCounter tokens,
            Supplier<ModelCatalog> catalog,
            GatewayMetrics metrics,
            BooleanSupplier ready) {

        HttpHandler chatCompletions = new ReceiveJsonHandler(
                maxRequestBytes,
                new AuthenticateHandler(
                        authenticator,
                        new ParseChatHandler(new DecideHandler(
                                policies, tokens, new RouteHandler(catalog, new ChatCompletionHandler())))));

        // Anthropic's Messages API: parsed into the canonical request, so any provider can serve it;
        // the dialect turns answers, streams and errors back into Anthropic's shape.
        HttpHandler messages = new ClientDialectHandler(
                ClientDialect.anthropic(),
                new ReceiveJsonHandler(
                        maxRequestBytes,
                        new AuthenticateHandler(
                                authenticator,
                                new ParseAnthropicMessagesHandler(new DecideHandler(
                                        policies, tokens, new RouteHandler(catalog, new ChatCompletionHandler()))))));

        HttpHandler embeddings = new ReceiveJsonHandler(
                maxRequestBytes,
                new AuthenticateHandler(
                        authenticator,
                        new ParseEmbeddingsHandler(new DecideHandler(
                                policies, tokens, new RouteHandler(catalog, new EmbeddingsHandler())))));

        HttpHandler models = new AuthenticateHandler(
                authenticator, new ModelsHandler(catalog, policies, System.currentTimeMillis() / 1000));

        HttpHandler paths = Handlers.routing()
                .post("/v1/chat/completions", new EndpointHandler("chat", chatCompletions))
                .post("/v1/messages", new EndpointHandler("messages", messages))
                .post("/v1/embeddings", new EndpointHandler("embeddings", embeddings))
                .get("/v1/models", new EndpointHandler("models", models))
                .get("/v1/models/{model}", new EndpointHandler("models", models))
                .get("/livez", new EndpointHandler(HealthHandler.ENDPOINT, HealthHandler.liveness()))
                .get("/readyz", new EndpointHandler(HealthHandler.ENDPOINT, HealthHandler.readiness(ready)))
                .setFallbackHandler(Fallbacks.notFound())
                .setInvalidMethodHandler(Fallbacks.methodNotAllowed());

        return new ErrorGuardHandler(new RequestIdHandler(nodeName, new AccessLogHandler(metrics, paths)));
    }
}
