package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.cluster.cache.SemanticIndex;
import io.gatehouse.cluster.limits.RateLimits;
import io.gatehouse.node.http.AccessLogHandler;
import io.gatehouse.node.http.ActiveConfig;
import io.gatehouse.node.http.AdmitHandler;
import io.gatehouse.node.http.AuthenticateHandler;
import io.gatehouse.node.http.CacheHandler;
import io.gatehouse.node.http.ChatCompletionHandler;
import io.gatehouse.node.http.ClientDialect;
import io.gatehouse.node.http.ClientDialectHandler;
import io.gatehouse.node.http.DecideHandler;
import io.gatehouse.node.http.DrainHandler;
import io.gatehouse.node.http.EmbeddingsHandler;
import io.gatehouse.node.http.EndpointHandler;
import io.gatehouse.node.http.ErrorGuardHandler;
import io.gatehouse.node.http.Fallbacks;
import io.gatehouse.node.http.HealthHandler;
import io.gatehouse.node.http.LimitScope;
import io.gatehouse.node.http.ModelsHandler;
import io.gatehouse.node.http.ParseChatHandler;
import io.gatehouse.node.http.ParseEmbeddingsHandler;
import io.gatehouse.node.http.PinConfigHandler;
import io.gatehouse.node.http.ReceiveJsonHandler;
import io.gatehouse.node.http.RequestIdHandler;
import io.gatehouse.node.http.RouteHandler;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.node.semantic.PromptEmbedder;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.anthropic.AnthropicToOpenAiRequest;
import io.gatehouse.providers.tokens.TokenCounter;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The data plane's request pipeline, assembled in one place so it reads top to bottom: every
 * request gets an id and an access log line; a model request is received, authenticated, parsed,
 * decided by the policies, admitted by the caller's cluster-wide limits, answered from the response
 * cache if it can be (chat), routed to a deployment, admitted by that deployment's quota, and
 * relayed.
 * {@code /v1/messages} runs the chat chain in Anthropic's dialect.
 */
final class DataPlane {
    private DataPlane() {}

    /** What the pipeline is built from. Immutable. */
    record Parts(
            String nodeName,
            long maxRequestBytes,
            Supplier<ActiveConfig> config,
            TokenCounter tokens,
            RateLimits limits,
            ResponseCache cache,
            SemanticIndex prompts,
            PromptEmbedder embedder,
            String leasePrefix,
            GatewayMetrics metrics,
            boolean writeAccessLog,
            BooleanSupplier ready,
            Supplier<@Nullable String> degraded) {
        Parts {
            requireNonNull(nodeName, "nodeName");
            requireNonNull(config, "config");
            requireNonNull(tokens, "tokens");
            requireNonNull(limits, "limits");
            requireNonNull(cache, "cache");
            requireNonNull(prompts, "prompts");
            requireNonNull(embedder, "embedder");
            requireNonNull(leasePrefix, "leasePrefix");
            requireNonNull(metrics, "metrics");
            requireNonNull(ready, "ready");
            requireNonNull(degraded, "degraded");
        }
    }

    /** The assembled pipeline and the handler that counts requests in flight, for draining. */
    record Pipeline(HttpHandler root, GracefulShutdownHandler inFlight) {}

    static Pipeline handler(Parts parts) {
        // After parsing, every model request takes the same path: decide, admit the caller, (for chat)
        // answer from the cache, route, admit the deployment, relay.
        HttpHandler answerChat = decideAndAdmit(
                parts,
                new CacheHandler(
                        parts.cache(),
                        parts.prompts(),
                        parts.embedder(),
                        parts.metrics(),
                        routeAndRelay(parts, new ChatCompletionHandler())));
        HttpHandler answerEmbeddings = decideAndAdmit(parts, routeAndRelay(parts, new EmbeddingsHandler()));

        HttpHandler chatCompletions = receive(parts, new ParseChatHandler(ChatRequest::parse, answerChat));
        // Anthropic's Messages API: parsed into the canonical request, so any provider can serve it;
        // the dialect turns answers, streams and errors back into Anthropic's shape.
        HttpHandler messages = new ClientDialectHandler(
                ClientDialect.anthropic(),
                receive(parts, new ParseChatHandler(AnthropicToOpenAiRequest::parse, answerChat)));
        HttpHandler embeddings = receive(parts, new ParseEmbeddingsHandler(answerEmbeddings));

        HttpHandler models = new AuthenticateHandler(new ModelsHandler(System.currentTimeMillis() / 1000));

        HttpHandler paths = Handlers.routing()
                .post("/v1/chat/completions", new EndpointHandler("chat", chatCompletions))
                .post("/v1/messages", new EndpointHandler("messages", messages))
                .post("/v1/embeddings", new EndpointHandler("embeddings", embeddings))
                .get("/v1/models", new EndpointHandler("models", models))
                .get("/v1/models/{model}", new EndpointHandler("models", models))
                .setFallbackHandler(Fallbacks.notFound())
                .setInvalidMethodHandler(Fallbacks.methodNotAllowed());
        // Requests in flight are counted so shutdown can wait for them; once draining, new ones get
        // a 503 in OpenAI's shape. Health checks stay outside both: liveness must answer throughout.
        // Each request runs on the configuration of the moment it arrived, whatever changes meanwhile.
        GracefulShutdownHandler inFlight = Handlers.gracefulShutdown(new PinConfigHandler(parts.config(), paths));
        HttpHandler routes = Handlers.path(new DrainHandler(parts.ready(), inFlight))
                .addExactPath("/livez", new EndpointHandler(HealthHandler.ENDPOINT, HealthHandler.liveness()))
                .addExactPath(
                        "/readyz",
                        new EndpointHandler(
                                HealthHandler.ENDPOINT, HealthHandler.readiness(parts.ready(), parts.degraded())));

        HttpHandler root = new ErrorGuardHandler(new RequestIdHandler(
                parts.nodeName(), new AccessLogHandler(parts.writeAccessLog(), parts.metrics(), routes)));
        return new Pipeline(root, inFlight);
    }

    /** Receive the JSON body, then authenticate the caller. */
    private static HttpHandler receive(Parts parts, HttpHandler next) {
        return new ReceiveJsonHandler(parts.maxRequestBytes(), new AuthenticateHandler(next));
    }

    private static HttpHandler decideAndAdmit(Parts parts, HttpHandler next) {
        return new DecideHandler(parts.tokens(), admit(parts, LimitScope.ofDecision(), next));
    }

    private static HttpHandler routeAndRelay(Parts parts, HttpHandler relay) {
        return new RouteHandler(admit(parts, LimitScope.ofDeployment(), relay));
    }

    private static HttpHandler admit(
            Parts parts, Function<HttpServerExchange, @Nullable LimitScope> scope, HttpHandler next) {
        return new AdmitHandler(scope, parts.limits(), parts.leasePrefix(), parts.tokens(), parts.metrics(), next);
    }
}
