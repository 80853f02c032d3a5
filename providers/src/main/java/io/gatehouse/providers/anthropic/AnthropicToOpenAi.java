package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatTranslator.Translated;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Translates an Anthropic Messages API response (a {@code message}) into OpenAI's {@code
 * chat.completion}: text blocks become the message content, {@code tool_use} blocks its tool calls,
 * the stop reason a finish reason, and the usage OpenAI's, where prompt tokens include the tokens
 * read from and written to Anthropic's prompt cache (Anthropic counts them apart) and the tokens
 * read from it are the cached tokens. Stateless and thread-safe.
 */
final class AnthropicToOpenAi {
    private AnthropicToOpenAi() {}

    static Translated translate(byte[] body) {
        ObjectNode message = JsonSupport.upstreamObject(body, "a response");
        JsonNode content = message.get("content");
        if (!message.path("type").asText().equals("message") || content == null || !content.isArray()) {
            throw new ApiException(ApiError.upstreamFailed("The provider sent a response that is not a message."));
        }
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", message.path("id").asText(""));
        completion.put("object", "chat.completion");
        completion.put("created", System.currentTimeMillis() / 1000);
        completion.put("model", message.path("model").asText(""));
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(block.path("text").asText(""));
                    hasText = true;
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asText(""));
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", block.path("name").asText(""));
                    JsonNode input = block.get("input");
                    function.put("arguments", input == null || input.isNull() ? "{}" : JsonSupport.writeString(input));
                }
                default -> {
                    // thinking and server-tool blocks are only sent when asked for, which this
                    // translation never does
                }
            }
        }
        if (hasText) {
            out.put("content", text.toString());
        } else {
            out.putNull("content");
        }
        out.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls);
        }
        choice.putNull("logprobs");
        String finish = finishReason(message.path("stop_reason").asText(null));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        Usage usage = usage(message.get("usage"));
        completion.set("usage", openAiUsage(usage, cachedTokens(message.get("usage"))));
        return new Translated(JsonSupport.write(completion), usage);
    }

    /** OpenAI's finish reason for an Anthropic stop reason (null while not yet known). */
    static @Nullable String finishReason(@Nullable String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** The usage of an Anthropic {@code usage} object; prompt tokens include cache reads and writes. */
    static Usage usage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(
                usage.path("input_tokens").asLong(0)
                        + usage.path("cache_creation_input_tokens").asLong(0)
                        + cachedTokens(usage),
                usage.path("output_tokens").asLong(0));
    }

    static long cachedTokens(@Nullable JsonNode usage) {
        return usage == null ? 0 : usage.path("cache_read_input_tokens").asLong(0);
    }

    static ObjectNode openAiUsage(Usage usage, long cachedTokens) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        return node;
    }
}
