package io.gatehouse.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.sse.SseDecoder;
import io.gatehouse.providers.sse.SseEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Translates an Anthropic Messages API event stream into OpenAI {@code chat.completion.chunk}
 * objects: {@code message_start} gives the role chunk, text deltas become content deltas, each
 * {@code tool_use} block becomes a tool call (its id and name when it starts, then its arguments
 * piece by piece from {@code input_json_delta}), {@code message_delta} gives the finish reason and
 * the output usage, {@code message_stop} ends the answer (followed by the usage chunk when the
 * client asked for it), and an {@code error} event fails the stream. Pings and event types this
 * version does not know are skipped, as Anthropic asks of clients. Not thread-safe.
 */
final class AnthropicStreamToOpenAi implements StreamTranslator {
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final boolean clientWantsUsage;
    private final SseDecoder decoder = new SseDecoder(MAX_EVENT_BYTES);
    /** Anthropic content block index to OpenAI tool call index, for tool_use blocks. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();

    private String id = "";
    private String model = "";
    private long created = System.currentTimeMillis() / 1000;
    private long inputTokens;
    private long cacheCreationTokens;
    private long cacheReadTokens;
    private long outputTokens;
    private boolean stopped;

    AnthropicStreamToOpenAi(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public void feed(ByteBuffer content, List<byte[]> out) {
        decoder.feed(content, event -> onEvent(event, out));
    }

    private void onEvent(SseEvent event, List<byte[]> out) {
        if (stopped) {
            return;
        }
        ObjectNode data = JsonSupport.upstreamObject(event.data().getBytes(StandardCharsets.UTF_8), "a stream event");
        String type = data.path("type").asText(event.event());
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText("");
                model = message.path("model").asText("");
                created = System.currentTimeMillis() / 1000;
                readUsage(message.get("usage"));
                ObjectNode delta = Json.MAPPER.createObjectNode();
                delta.put("role", "assistant");
                delta.put("content", "");
                out.add(chunk(delta, null));
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                String blockType = block.path("type").asText();
                if (blockType.equals("text") && !block.path("text").asText("").isEmpty()) {
                    out.add(content(block.get("text").asText()));
                } else if (blockType.equals("tool_use")) {
                    int toolIndex = toolIndexes.size();
                    toolIndexes.put(data.path("index").asInt(), toolIndex);
                    ObjectNode call = Json.MAPPER.createObjectNode();
                    call.put("index", toolIndex);
                    call.put("id", block.path("id").asText(""));
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", block.path("name").asText(""));
                    JsonNode input = block.get("input");
                    // The input arrives through input_json_delta; a non-empty one here is whole.
                    function.put(
                            "arguments",
                            input != null && input.isObject() && !input.isEmpty()
                                    ? JsonSupport.writeString(input)
                                    : "");
                    out.add(toolCall(call));
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.add(content(delta.path("text").asText("")));
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexes.get(data.path("index").asInt());
                        String partial = delta.path("partial_json").asText("");
                        if (toolIndex != null && !partial.isEmpty()) {
                            ObjectNode call = Json.MAPPER.createObjectNode();
                            call.put("index", toolIndex);
                            call.putObject("function").put("arguments", partial);
                            out.add(toolCall(call));
                        }
                    }
                    default -> {
                        // thinking, signature and citation deltas are only sent when asked for
                    }
                }
            }
            case "message_delta" -> {
                readUsage(data.get("usage"));
                String finish = AnthropicToOpenAi.finishReason(
                        data.path("delta").path("stop_reason").asText(null));
                if (finish != null) {
                    out.add(chunk(Json.MAPPER.createObjectNode(), finish));
                }
            }
            case "message_stop" -> {
                stopped = true;
                if (clientWantsUsage) {
                    ObjectNode chunk = envelope();
                    chunk.putArray("choices");
                    chunk.set("usage", AnthropicToOpenAi.openAiUsage(usage(), cacheReadTokens));
                    out.add(JsonSupport.write(chunk));
                }
            }
            case "error" -> throw new ApiException(AnthropicErrors.midStream(data.get("error")));
            default -> {
                // ping, content_block_stop, and event types added after this version
            }
        }
    }

    /** Usage figures are cumulative: each report replaces the last. */
    private void readUsage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        inputTokens = usage.path("input_tokens").asLong(inputTokens);
        cacheCreationTokens = usage.path("cache_creation_input_tokens").asLong(cacheCreationTokens);
        cacheReadTokens = usage.path("cache_read_input_tokens").asLong(cacheReadTokens);
        outputTokens = usage.path("output_tokens").asLong(outputTokens);
    }

    private byte[] content(String text) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("content", text);
        return chunk(delta, null);
    }

    private byte[] toolCall(ObjectNode call) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return chunk(delta, null);
    }

    private byte[] chunk(ObjectNode delta, @Nullable String finishReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (clientWantsUsage) {
            chunk.putNull("usage");
        }
        return JsonSupport.write(chunk);
    }

    private ObjectNode envelope() {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    @Override
    public boolean finished() {
        return stopped;
    }

    @Override
    public Usage usage() {
        return new Usage(inputTokens + cacheCreationTokens + cacheReadTokens, outputTokens);
    }
}
