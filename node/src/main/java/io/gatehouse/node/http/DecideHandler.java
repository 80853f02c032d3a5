package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.policy.RequestFacts;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.tokens.TokenCounter;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * Asks the policy engine about the request: a refusal answers 403 with the policy's message; an
 * allowed request carries the decision on, with the output cap applied to the request. Either way
 * {@code x-gatehouse-policy} names the policy that decided.
 */
public final class DecideHandler implements HttpHandler {
    static final HttpString POLICY = HttpString.tryFromString("x-gatehouse-policy");

    private final TokenCounter tokens;
    private final HttpHandler next;

    public DecideHandler(TokenCounter tokens, HttpHandler next) {
        this.tokens = requireNonNull(tokens, "tokens");
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Principal principal = exchange.getAttachment(Attachments.PRINCIPAL);
        ChatRequest chat = exchange.getAttachment(Attachments.CHAT_REQUEST);
        EmbeddingRequest embedding = exchange.getAttachment(Attachments.EMBEDDING_REQUEST);
        RequestFacts facts = chat != null ? facts(exchange, chat) : facts(exchange, requireNonNull(embedding));
        Decision decision = ActiveConfig.of(exchange).policies().decide(principal, facts);
        exchange.getResponseHeaders().put(POLICY, decision.policy());
        exchange.putAttachment(Attachments.DECISION, decision);
        if (!decision.allowed()) {
            Responses.error(exchange, ApiError.forbidden(requireNonNull(decision.message())));
            return;
        }
        if (chat != null && decision.maxTokens() != null) {
            exchange.putAttachment(Attachments.CHAT_REQUEST, capped(chat, decision.maxTokens()));
        }
        next.handleRequest(exchange);
    }

    private RequestFacts facts(HttpServerExchange exchange, ChatRequest request) {
        return new RequestFacts(
                request.model(),
                exchange.getAttachment(Attachments.ENDPOINT),
                request.stream(),
                request.maxTokens(),
                () -> tokens.estimatePrompt(request),
                RequestMetadata.of(exchange),
                Instant.now());
    }

    private RequestFacts facts(HttpServerExchange exchange, EmbeddingRequest request) {
        IntSupplier promptTokens =
                () -> request.inputs().stream().mapToInt(tokens::estimate).sum();
        return new RequestFacts(
                request.model(),
                exchange.getAttachment(Attachments.ENDPOINT),
                false,
                null,
                promptTokens,
                RequestMetadata.of(exchange),
                Instant.now());
    }

    /** The request with its output limited to {@code cap} tokens, in the field the client used. */
    static ChatRequest capped(ChatRequest request, int cap) {
        if (request.maxTokens() != null && request.maxTokens() <= cap) {
            return request;
        }
        ObjectNode body = request.body().deepCopy();
        if (body.has("max_completion_tokens")) {
            body.put("max_completion_tokens", cap);
        } else {
            body.put("max_tokens", cap);
        }
        // The body changed, so it is written anew for the upstream rather than relayed as sent.
        return new ChatRequest(body, request.model(), request.stream(), request.includeUsage(), cap, null);
    }
}
