package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.Json;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Translates a canonical answer (OpenAI's {@code chat.completion}) into an Anthropic {@code
 * message} for clients of the Anthropic-compatible endpoint: the content becomes a text block, each
 * tool call a {@code tool_use} block, the finish reason a stop reason, and the usage Anthropic's
 * (input tokens without the cached ones, which are reported as cache reads). Stateless and
 * thread-safe.
 */
public final class OpenAiToAnthropicResponse {
    private OpenAiToAnthropicResponse() {}

    /**
     * The Anthropic message for {@code completion}.
     *
     * @throws ApiException (502) if the completion cannot be understood
     */
    public static byte[] translate(byte[] completion) {
        ObjectNode in = JsonSupport.upstreamObject(completion, "a response");
        JsonNode choice = in.path("choices").path(0);
        if (!choice.isObject()) {
            throw new ApiException(ApiError.upstreamFailed("The provider sent a response without a choice."));
        }
        JsonNode message = choice.path("message");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", in.path("id").asText(""));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", in.path("model").asText(""));
        ArrayNode content = out.putArray("content");
        JsonNode toolCalls = message.path("tool_calls");
        String text = message.path("content").asText(null);
        String refusal = message.path("refusal").asText(null);
        if (refusal != null && !refusal.isEmpty()) {
            text = text == null || text.isEmpty() ? refusal : text + refusal;
        }
        if (text != null && (!text.isEmpty() || toolCalls.isEmpty())) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : toolCalls) {
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", call.path("id").asText(""));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", arguments(call.path("function").path("arguments").asText("")));
        }
        String finish = choice.path("finish_reason").asText(null);
        out.put("stop_reason", refusal != null && !refusal.isEmpty() ? "refusal" : stopReason(finish));
        out.putNull("stop_sequence");
        JsonNode usage = in.path("usage");
        long prompt = usage.path("prompt_tokens").asLong(0);
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        ObjectNode anthropicUsage = out.putObject("usage");
        anthropicUsage.put("input_tokens", Math.max(0, prompt - cached));
        anthropicUsage.put("cache_creation_input_tokens", 0);
        anthropicUsage.put("cache_read_input_tokens", cached);
        anthropicUsage.put("output_tokens", usage.path("completion_tokens").asLong(0));
        return JsonSupport.write(out);
    }

    /** Anthropic's stop reason for an OpenAI finish reason. */
    static String stopReason(@Nullable String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Tool call arguments, a JSON object in a string, as the object Anthropic's input is. */
    static JsonNode arguments(String arguments) {
        if (arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode input = Json.MAPPER.readTree(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new ApiException(
                ApiError.upstreamFailed("The model produced tool call arguments that are not a JSON object."));
    }
}
