package io.gatehouse.providers.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one canonical stream (OpenAI {@code chat.completion.chunk} objects) into Anthropic's event
 * sequence for clients of the Anthropic-compatible endpoint: {@code message_start} with the first
 * chunk; a text content block for content deltas and a {@code tool_use} block per tool call, each
 * opened with {@code content_block_start}, fed with {@code text_delta} or {@code input_json_delta}
 * and closed with {@code content_block_stop} when the next block begins or the answer finishes;
 * then, at the end, {@code message_delta} with the stop reason and usage, and {@code message_stop}.
 * Not thread-safe: one stream, fed in order.
 */
public final class OpenAiStreamToAnthropic {
    /** OpenAI tool call index to Anthropic content block index. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();

    private boolean started;
    private int openBlock = -1;
    private boolean openBlockIsText;
    private int nextBlock;
    private @Nullable String stopReason;

    /**
     * Appends the events for one canonical chunk to {@code out} (none for a chunk that carries only
     * usage).
     */
    public void chunk(byte[] chunk, List<SseEvent> out) {
        requireNonNull(chunk, "chunk");
        ObjectNode in = JsonSupport.upstreamObject(chunk, "a stream chunk");
        start(in.path("id").asText(""), in.path("model").asText(""), out);
        JsonNode choice = in.path("choices").path(0);
        if (!choice.isObject()) {
            return;
        }
        JsonNode delta = choice.path("delta");
        text(delta.path("content").asText(""), out);
        String refusal = delta.path("refusal").asText("");
        if (!refusal.isEmpty()) {
            text(refusal, out);
            stopReason = "refusal";
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call, out);
        }
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null) {
            closeBlock(out);
            if (stopReason == null) {
                stopReason = OpenAiToAnthropicResponse.stopReason(finish);
            }
        }
    }

    /** Appends the closing events of a stream that ended normally, having used {@code usage}. */
    public void end(Usage usage, List<SseEvent> out) {
        requireNonNull(usage, "usage");
        start("", "", out);
        closeBlock(out);
        ObjectNode messageDelta = event("message_delta");
        ObjectNode delta = messageDelta.putObject("delta");
        delta.put("stop_reason", stopReason == null ? "end_turn" : stopReason);
        delta.putNull("stop_sequence");
        ObjectNode usageNode = messageDelta.putObject("usage");
        usageNode.put("input_tokens", usage.promptTokens());
        usageNode.put("output_tokens", usage.completionTokens());
        out.add(new SseEvent("message_delta", writeString(messageDelta)));
        out.add(new SseEvent("message_stop", writeString(event("message_stop"))));
    }

    /** The event that reports a failure after the stream began; nothing follows it. */
    public static SseEvent error(ApiError error) {
        return new SseEvent("error", new String(ApiErrorToAnthropic.body(error), StandardCharsets.UTF_8));
    }

    private void start(String id, String model, List<SseEvent> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode start = event("message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id.isEmpty() ? "msg_gatehouse" : id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // Canonical streams report usage only at their end; message_delta carries it.
        ObjectNode usage = message.putObject("usage");
        usage.put("input_tokens", 0);
        usage.put("output_tokens", 0);
        out.add(new SseEvent("message_start", writeString(start)));
    }

    private void text(String text, List<SseEvent> out) {
        if (text.isEmpty()) {
            return;
        }
        if (openBlock < 0 || !openBlockIsText) {
            closeBlock(out);
            ObjectNode block = Json.MAPPER.createObjectNode();
            block.put("type", "text");
            block.put("text", "");
            openBlock(block, true, out);
        }
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("type", "text_delta");
        delta.put("text", text);
        out.add(blockDelta(openBlock, delta));
    }

    private void toolCall(JsonNode call, List<SseEvent> out) {
        int toolIndex = call.path("index").asInt(0);
        Integer blockIndex = toolBlocks.get(toolIndex);
        if (blockIndex == null) {
            closeBlock(out);
            ObjectNode block = Json.MAPPER.createObjectNode();
            block.put("type", "tool_use");
            block.put("id", call.path("id").asText("toolu_gatehouse_" + toolIndex));
            block.put("name", call.path("function").path("name").asText(""));
            block.putObject("input");
            blockIndex = openBlock(block, false, out);
            toolBlocks.put(toolIndex, blockIndex);
        }
        String arguments = call.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.put("type", "input_json_delta");
            delta.put("partial_json", arguments);
            // Tool calls stream one after another; were an upstream to interleave them, the pieces
            // still go to the right block, which Anthropic's clients assemble by index.
            out.add(blockDelta(blockIndex, delta));
        }
    }

    private int openBlock(ObjectNode block, boolean isText, List<SseEvent> out) {
        int index = nextBlock++;
        ObjectNode start = event("content_block_start");
        start.put("index", index);
        start.set("content_block", block);
        out.add(new SseEvent("content_block_start", writeString(start)));
        openBlock = index;
        openBlockIsText = isText;
        return index;
    }

    private void closeBlock(List<SseEvent> out) {
        if (openBlock < 0) {
            return;
        }
        ObjectNode stop = event("content_block_stop");
        stop.put("index", openBlock);
        out.add(new SseEvent("content_block_stop", writeString(stop)));
        openBlock = -1;
    }

    private static SseEvent blockDelta(int index, ObjectNode delta) {
        ObjectNode event = event("content_block_delta");
        event.put("index", index);
        event.set("delta", delta);
        return new SseEvent("content_block_delta", writeString(event));
    }

    private static ObjectNode event(String type) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("type", type);
        return event;
    }

    private static String writeString(ObjectNode node) {
        return JsonSupport.writeString(node);
    }
}
