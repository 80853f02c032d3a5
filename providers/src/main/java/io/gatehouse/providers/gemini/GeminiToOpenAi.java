package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.Usage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Translates a Gemini {@code GenerateContentResponse} into OpenAI's {@code chat.completion}:
 * candidates become choices, {@code functionCall} parts become {@code tool_calls} with ids the
 * gateway makes (see {@link ToolCallIds}), thought summaries are left out, finish reasons and
 * usage (with cached and reasoning tokens) are mapped, and a blocked prompt is a 400 {@code
 * content_filter}. Stateless and thread-safe.
 */
final class GeminiToOpenAi {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GeminiToOpenAi() {}

    static ChatTranslator.Translated response(byte[] upstreamBody, ChatRequest request, Ids ids, Clock clock) {
        JsonNode response = readObject(upstreamBody);
        JsonNode candidates = response.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            throw new ApiException(blocked(response));
        }
        ObjectNode out = NODES.objectNode();
        out.put("id", completionId(response, ids));
        out.put("object", "chat.completion");
        out.put("created", clock.instant().getEpochSecond());
        out.put("model", model(response, request));
        ArrayNode choices = out.putArray("choices");
        for (JsonNode candidate : sorted(candidates)) {
            Output output = Output.of(candidate, ids);
            ObjectNode choice = choices.addObject();
            choice.put("index", candidate.path("index").asInt(0));
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (output.text.isEmpty() && (!output.toolCalls.isEmpty() || output.textless)) {
                message.putNull("content");
            } else {
                message.put("content", output.text.toString());
            }
            message.putNull("refusal");
            if (!output.toolCalls.isEmpty()) {
                message.set("tool_calls", output.toolCalls);
            }
            choice.putNull("logprobs");
            choice.put(
                    "finish_reason",
                    finishReason(candidate.path("finishReason").asText(""), !output.toolCalls.isEmpty()));
        }
        JsonNode usageMetadata = response.get("usageMetadata");
        out.set("usage", usage(usageMetadata));
        return new ChatTranslator.Translated(write(out), usageOf(usageMetadata));
    }

    /** What one candidate said: its text (thought summaries excluded) and its function calls. */
    static final class Output {
        final StringBuilder text = new StringBuilder();
        final ArrayNode toolCalls = NODES.arrayNode();
        /** True when the candidate had no text part at all (not even an empty one). */
        boolean textless = true;

        static Output of(JsonNode candidate, Ids ids) {
            Output output = new Output();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                JsonNode text = part.get("text");
                if (text != null && text.isTextual()) {
                    output.text.append(text.asText());
                    output.textless = false;
                }
                JsonNode call = part.get("functionCall");
                if (call != null && call.isObject()) {
                    output.toolCalls.add(toolCall(call, part, ids));
                }
            }
            return output;
        }
    }

    static ObjectNode toolCall(JsonNode functionCall, JsonNode part, Ids ids) {
        JsonNode signature = part.get("thoughtSignature");
        ObjectNode toolCall = NODES.objectNode();
        toolCall.put(
                "id", ToolCallIds.create(ids, signature != null && signature.isTextual() ? signature.asText() : null));
        toolCall.put("type", "function");
        ObjectNode function = toolCall.putObject("function");
        function.put("name", functionCall.path("name").asText());
        JsonNode args = functionCall.get("args");
        function.put("arguments", args == null || args.isNull() ? "{}" : args.toString());
        return toolCall;
    }

    /**
     * OpenAI's finish reason for Gemini's. A candidate that called functions and stopped normally
     * finished with {@code tool_calls}, which is what OpenAI clients look for to run the tools.
     */
    static String finishReason(String reason, boolean calledTools) {
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> calledTools ? "tool_calls" : "stop";
        };
    }

    /** The client-facing error for a response without candidates. */
    static ApiError blocked(JsonNode response) {
        String reason = response.path("promptFeedback").path("blockReason").asText("");
        if (reason.isEmpty()) {
            return ApiError.upstreamFailed("The provider sent a response without any candidate.");
        }
        return new ApiError(
                400,
                "invalid_request_error",
                "content_filter",
                "The provider's safety filters blocked the prompt (" + reason + "); rephrase the request.",
                "messages");
    }

    /** OpenAI's usage object, with cached prompt tokens and reasoning (thinking) tokens in the details. */
    static ObjectNode usage(@Nullable JsonNode metadata) {
        Usage usage = usageOf(metadata);
        ObjectNode out = NODES.objectNode();
        out.put("prompt_tokens", usage.promptTokens());
        out.put("completion_tokens", usage.completionTokens());
        long total = metadata == null ? 0 : metadata.path("totalTokenCount").asLong(0);
        out.put("total_tokens", total > 0 ? total : usage.totalTokens());
        out.putObject("prompt_tokens_details")
                .put(
                        "cached_tokens",
                        metadata == null
                                ? 0
                                : metadata.path("cachedContentTokenCount").asLong(0));
        out.putObject("completion_tokens_details")
                .put(
                        "reasoning_tokens",
                        metadata == null
                                ? 0
                                : metadata.path("thoughtsTokenCount").asLong(0));
        return out;
    }

    /**
     * Prompt tokens include the cached ones (as in OpenAI's count); completion tokens include the
     * thinking tokens, which Gemini bills as output but counts apart.
     */
    static Usage usageOf(@Nullable JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return Usage.NONE;
        }
        return new Usage(
                metadata.path("promptTokenCount").asLong(0)
                        + metadata.path("toolUsePromptTokenCount").asLong(0),
                metadata.path("candidatesTokenCount").asLong(0)
                        + metadata.path("thoughtsTokenCount").asLong(0));
    }

    static String completionId(JsonNode response, Ids ids) {
        String responseId = response.path("responseId").asText("");
        return "chatcmpl-" + (responseId.isEmpty() ? ids.next() : responseId);
    }

    static String model(JsonNode response, ChatRequest request) {
        String version = response.path("modelVersion").asText("");
        return version.isEmpty() ? request.model() : version;
    }

    static List<JsonNode> sorted(JsonNode candidates) {
        List<JsonNode> list = new ArrayList<>();
        candidates.forEach(list::add);
        list.sort(Comparator.comparingInt(c -> c.path("index").asInt(0)));
        return list;
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

    static byte[] write(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a response", e);
        }
    }
}
