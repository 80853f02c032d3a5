package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.node.semantic.PromptEmbedder;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ChatRequest;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What the semantic match compares of a request: the text of its last message, a user's, within the
 * scope of everything else (the cache scope, the decided model and cap, the conversation before it
 * and every other parameter), which must be equal. Its embedding is made once, when first asked for.
 * Used by the threads that handle one request, one at a time.
 */
final class PromptToMatch {
    /** Longer prompts are matched exactly: their embedding would take longer than a lookup may. */
    static final int MAX_CHARS = 4_000;

    private final String scope;
    private final String text;
    private volatile @Nullable CompletableFuture<float @Nullable []> embedding;

    private PromptToMatch(String scope, String text) {
        this.scope = requireNonNull(scope, "scope");
        this.text = requireNonNull(text, "text");
    }

    /**
     * The prompt of {@code request}, or null when it has none to match by meaning: its last message
     * is not a user's text (an image, say), or is longer than {@value #MAX_CHARS} characters.
     */
    static @Nullable PromptToMatch of(Principal caller, Decision decision, ChatRequest request) {
        JsonNode messages = request.body().get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if (!"user".equals(last.path("role").asText())) {
            return null;
        }
        String text = text(last.get("content"));
        if (text == null || text.isBlank() || text.length() > MAX_CHARS) {
            return null;
        }
        ObjectNode withoutPrompt = request.body().deepCopy();
        ((ObjectNode) ((ArrayNode) withoutPrompt.get("messages")).get(messages.size() - 1)).put("content", "");
        return new PromptToMatch(CacheKeys.prompts(caller, decision, withoutPrompt), text);
    }

    /** A message's text: its content string, or its text parts joined; null if it has other parts. */
    private static @Nullable String text(@Nullable JsonNode content) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                return null;
            }
            text.append(text.isEmpty() ? "" : "\n").append(part.get("text").asText());
        }
        return text.toString();
    }

    /** The scope this prompt is indexed and looked up in. */
    String scope() {
        return scope;
    }

    /** The prompt's embedding, started now unless it was before; null when the embedder had none. */
    CompletableFuture<float @Nullable []> embedding(PromptEmbedder embedder) {
        CompletableFuture<float @Nullable []> started = embedding;
        if (started == null) {
            started = embedder.embed(text);
            embedding = started;
        }
        return started;
    }

    /** The embedding if it was started, to index the prompt with its answer. */
    @Nullable
    CompletableFuture<float @Nullable []> embeddingIfStarted() {
        return embedding;
    }
}
