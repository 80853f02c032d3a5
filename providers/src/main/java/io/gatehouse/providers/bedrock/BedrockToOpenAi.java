package io.gatehouse.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator.Translated;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.Usage;
import java.io.IOException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Translates a Bedrock Converse response into OpenAI's {@code chat.completion}: the text blocks of
 * {@code output.message} become the message content, {@code toolUse} blocks become {@code
 * tool_calls}, {@code stopReason} becomes {@code finish_reason}, and {@code usage} becomes OpenAI's
 * usage, where prompt tokens include those read from and written to the prompt cache (Bedrock counts
 * them apart from {@code inputTokens}). Reasoning blocks, which OpenAI's chat shape has no place
 * for, are left out. Stateless.
 */
final class BedrockToOpenAi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BedrockToOpenAi() {}

    static Translated translate(byte[] upstreamBody, ChatRequest request, Clock clock) {
        JsonNode response = readObject(upstreamBody);
        JsonNode message = response.path("output").path("message");
        if (!message.isObject()) {
            throw new ApiException(ApiError.upstreamFailed("The provider sent a Converse response without a message."));
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = NODES.arrayNode();
        for (JsonNode block : message.path("content")) {
            JsonNode blockText = block.get("text");
            if (blockText != null && blockText.isTextual()) {
                text.append(blockText.asText());
                hasText = true;
            }
            JsonNode toolUse = block.get("toolUse");
            if (toolUse != null && toolUse.isObject()) {
                ObjectNode call = toolCalls.addObject();
                call.put("id", toolUse.path("toolUseId").asText());
                call.put("type", "function");
                ObjectNode function = call.putObject("function");
                function.put("name", toolUse.path("name").asText());
                JsonNode input = toolUse.get("input");
                function.put("arguments", input == null || input.isNull() ? "{}" : input.toString());
            }
        }
        ObjectNode completion = NODES.objectNode();
        completion.put("id", completionId());
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", request.model());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        if (hasText) {
            out.put("content", text.toString());
        } else {
            out.putNull("content");
        }
        out.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls);
        }
        choice.put("finish_reason", finishReason(response.path("stopReason").asText("")));
        choice.putNull("logprobs");
        Usage usage = usage(response.get("usage"));
        completion.set("usage", usageJson(response.get("usage"), usage));
        try {
            return new Translated(Json.MAPPER.writeValueAsBytes(completion), usage);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a chat completion", e);
        }
    }

    /** OpenAI's {@code finish_reason} for a Converse {@code stopReason}. */
    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, and any reason added later
        };
    }

    /** The usage for accounting: cache reads and writes are prompt tokens too. */
    static Usage usage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        long prompt = usage.path("inputTokens").asLong(0)
                + usage.path("cacheReadInputTokens").asLong(0)
                + usage.path("cacheWriteInputTokens").asLong(0);
        return new Usage(prompt, usage.path("outputTokens").asLong(0));
    }

    /** OpenAI's usage object, with the cached share of the prompt when Bedrock reported one. */
    static ObjectNode usageJson(@Nullable JsonNode bedrock, Usage usage) {
        ObjectNode out = NODES.objectNode();
        out.put("prompt_tokens", usage.promptTokens());
        out.put("completion_tokens", usage.completionTokens());
        out.put("total_tokens", usage.totalTokens());
        if (bedrock != null && bedrock.has("cacheReadInputTokens")) {
            out.putObject("prompt_tokens_details")
                    .put("cached_tokens", bedrock.path("cacheReadInputTokens").asLong(0));
        }
        return out;
    }

    static String completionId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "chatcmpl-" + HexFormat.of().toHexDigits(random.nextLong())
                + HexFormat.of().toHexDigits(random.nextLong());
    }

    static JsonNode readObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new ApiException(ApiError.upstreamFailed("The provider sent a response that is not JSON."));
    }
}
