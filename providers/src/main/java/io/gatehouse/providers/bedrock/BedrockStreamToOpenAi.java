package io.gatehouse.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Translates one ConverseStream response, binary AWS event-stream frames, into OpenAI {@code
 * chat.completion.chunk} objects: {@code messageStart} opens the assistant message, text deltas
 * become content deltas, a {@code toolUse} block start and its partial-JSON input deltas become
 * {@code tool_calls} deltas, {@code messageStop} gives the finish reason and {@code metadata} the
 * usage (sent as the final usage chunk when the client asked for it). An exception message fails the
 * stream with a 502 that names the exception. Not thread-safe: one stream, fed in order.
 */
final class BedrockStreamToOpenAi implements StreamTranslator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private final boolean clientWantsUsage;
    private final String model;
    private final String id = BedrockToOpenAi.completionId();
    private final long created;
    /** Converse content block index to OpenAI tool call index. */
    private final Map<Integer, Integer> toolCallIndex = new HashMap<>();

    private Usage usage = Usage.NONE;
    private boolean stopped;
    private boolean sawMetadata;

    BedrockStreamToOpenAi(ChatRequest request, Clock clock) {
        this.clientWantsUsage = request.includeUsage();
        this.model = request.model();
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    public void feed(ByteBuffer content, List<byte[]> out) {
        decoder.feed(content, message -> onMessage(message, out));
    }

    private void onMessage(EventStreamMessage message, List<byte[]> out) {
        String messageType = message.stringHeader(":message-type");
        if ("exception".equals(messageType)) {
            throw new ApiException(BedrockErrors.midStream(message.stringHeader(":exception-type")));
        }
        if ("error".equals(messageType)) {
            throw new ApiException(BedrockErrors.midStream(message.stringHeader(":error-code")));
        }
        String eventType = message.stringHeader(":event-type");
        if (eventType == null || sawMetadata) {
            return;
        }
        JsonNode event = BedrockToOpenAi.readObject(message.payload());
        switch (eventType) {
            case "messageStart" -> {
                ObjectNode delta = NODES.objectNode();
                delta.put("role", event.path("role").asText("assistant"));
                delta.put("content", "");
                out.add(chunk(delta, null));
            }
            case "contentBlockStart" -> {
                JsonNode toolUse = event.path("start").path("toolUse");
                if (toolUse.isObject()) {
                    int index = toolCallIndex.size();
                    toolCallIndex.put(event.path("contentBlockIndex").asInt(), index);
                    ObjectNode call = NODES.objectNode();
                    call.put("index", index);
                    call.put("id", toolUse.path("toolUseId").asText());
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", toolUse.path("name").asText());
                    function.put("arguments", "");
                    out.add(chunk(toolCalls(call), null));
                }
            }
            case "contentBlockDelta" -> {
                JsonNode delta = event.path("delta");
                JsonNode text = delta.get("text");
                if (text != null && text.isTextual()) {
                    ObjectNode content = NODES.objectNode();
                    content.put("content", text.asText());
                    out.add(chunk(content, null));
                    return;
                }
                JsonNode input = delta.path("toolUse").get("input");
                Integer index =
                        toolCallIndex.get(event.path("contentBlockIndex").asInt());
                if (input != null && input.isTextual() && index != null) {
                    ObjectNode call = NODES.objectNode();
                    call.put("index", index);
                    call.putObject("function").put("arguments", input.asText());
                    out.add(chunk(toolCalls(call), null));
                }
                // Reasoning and citation deltas have no place in OpenAI's chat chunks.
            }
            case "messageStop" -> {
                stopped = true;
                out.add(chunk(
                        NODES.objectNode(),
                        BedrockToOpenAi.finishReason(event.path("stopReason").asText(""))));
            }
            case "metadata" -> {
                sawMetadata = true;
                JsonNode bedrockUsage = event.get("usage");
                usage = BedrockToOpenAi.usage(bedrockUsage);
                if (clientWantsUsage) {
                    ObjectNode chunk = base();
                    chunk.putArray("choices");
                    chunk.set("usage", BedrockToOpenAi.usageJson(bedrockUsage, usage));
                    out.add(write(chunk));
                }
            }
            default -> {
                // contentBlockStop, and event types added later, carry nothing for the client.
            }
        }
    }

    private static ObjectNode toolCalls(ObjectNode call) {
        ObjectNode delta = NODES.objectNode();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    private byte[] chunk(ObjectNode delta, @Nullable String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return write(chunk);
    }

    private ObjectNode base() {
        ObjectNode chunk = NODES.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    private static byte[] write(ObjectNode chunk) {
        try {
            return Json.MAPPER.writeValueAsBytes(chunk);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a chat completion chunk", e);
        }
    }

    @Override
    public boolean finished() {
        return stopped && decoder.atMessageBoundary();
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
