package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.sse.SseDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Translates a Gemini stream ({@code streamGenerateContent?alt=sse}: each {@code data:} event a
 * whole {@code GenerateContentResponse}) into OpenAI {@code chat.completion.chunk} objects: the
 * first delta of each choice carries the role, text parts become content deltas, and each {@code
 * functionCall} part (Gemini sends it whole, never in pieces) becomes one {@code tool_calls} delta
 * with the complete arguments. A finish reason is sent in a chunk of its own, as OpenAI does; once
 * every choice has finished, the usage chunk follows if the client asked for it.
 *
 * <p>Gemini marks the end of a stream only with the finish reasons (there is no {@code [DONE]}),
 * so {@link #finished()} is true once every choice seen has one. Not thread-safe: one stream, fed
 * in order.
 */
final class GeminiStreamToOpenAi implements StreamTranslator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final SseDecoder decoder = new SseDecoder(MAX_EVENT_BYTES);
    private final ChatRequest request;
    private final Ids ids;
    private final long created;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private @Nullable String id;
    private String model;
    private Usage usage = Usage.NONE;
    private @Nullable JsonNode usageMetadata;
    private boolean usageSent;

    /** What has been sent for one choice. */
    private static final class Choice {
        boolean started;
        int toolCalls;
        boolean finished;
    }

    GeminiStreamToOpenAi(ChatRequest request, Ids ids, Clock clock) {
        this.request = request;
        this.ids = ids;
        this.created = clock.instant().getEpochSecond();
        this.model = request.model();
    }

    @Override
    public void feed(ByteBuffer content, List<byte[]> out) {
        decoder.feed(content, event -> onEvent(event.data(), out));
    }

    private void onEvent(String data, List<byte[]> out) {
        if (data.isBlank()) {
            return;
        }
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw new ApiException(ApiError.upstreamFailed("The provider sent a stream event that is not JSON."));
        }
        if (event == null || !event.isObject()) {
            throw new ApiException(ApiError.upstreamFailed("The provider sent a stream event that is not an object."));
        }
        if (event.has("error")) {
            throw new ApiException(midStreamError(event.get("error")));
        }
        if (id == null) {
            id = GeminiToOpenAi.completionId(event, ids);
            model = GeminiToOpenAi.model(event, request);
        }
        JsonNode metadata = event.get("usageMetadata");
        if (metadata != null && metadata.isObject()) {
            usageMetadata = metadata;
            usage = GeminiToOpenAi.usageOf(metadata);
        }
        JsonNode candidates = event.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            if (!event.path("promptFeedback").path("blockReason").asText("").isEmpty()) {
                throw new ApiException(GeminiToOpenAi.blocked(event));
            }
            return;
        }
        for (JsonNode candidate : GeminiToOpenAi.sorted(candidates)) {
            onCandidate(candidate, out);
        }
        if (request.includeUsage() && !usageSent && finished()) {
            usageSent = true;
            ObjectNode chunk = chunk();
            chunk.putArray("choices");
            chunk.set("usage", GeminiToOpenAi.usage(usageMetadata));
            out.add(GeminiToOpenAi.write(chunk));
        }
    }

    private void onCandidate(JsonNode candidate, List<byte[]> out) {
        int index = candidate.path("index").asInt(0);
        Choice choice = choices.computeIfAbsent(index, i -> new Choice());
        GeminiToOpenAi.Output output = GeminiToOpenAi.Output.of(candidate, ids);
        if (output.text.length() > 0 || !output.toolCalls.isEmpty()) {
            ObjectNode delta = delta(choice);
            if (output.text.length() > 0) {
                delta.put("content", output.text.toString());
            }
            if (!output.toolCalls.isEmpty()) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (JsonNode call : output.toolCalls) {
                    ObjectNode indexed = calls.addObject();
                    indexed.put("index", choice.toolCalls++);
                    indexed.setAll((ObjectNode) call);
                }
            }
            out.add(GeminiToOpenAi.write(choiceChunk(index, delta, null)));
        }
        String reason = candidate.path("finishReason").asText("");
        if (!reason.isEmpty() && !choice.finished) {
            choice.finished = true;
            String finish = GeminiToOpenAi.finishReason(reason, choice.toolCalls > 0);
            out.add(GeminiToOpenAi.write(choiceChunk(index, delta(choice), finish)));
        }
    }

    /** An empty delta, with the role if it is the choice's first. */
    private static ObjectNode delta(Choice choice) {
        ObjectNode delta = NODES.objectNode();
        if (!choice.started) {
            choice.started = true;
            delta.put("role", "assistant");
        }
        return delta;
    }

    private ObjectNode choiceChunk(int index, ObjectNode delta, @Nullable String finishReason) {
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode chunk() {
        ObjectNode chunk = NODES.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    /**
     * An error Google reported inside the stream. As for every provider, it becomes a 502 without
     * Google's message (which could describe the gateway's account); its canonical status, a short
     * identifier, is kept for diagnosis.
     */
    static ApiError midStreamError(JsonNode error) {
        String status = error.path("status").asText("");
        String hint = status.matches("[A-Z_]{1,64}") ? " (" + status + ")" : "";
        return ApiError.upstreamFailed("The provider failed while streaming the answer" + hint + ".");
    }

    @Override
    public boolean finished() {
        if (choices.isEmpty()) {
            return false;
        }
        for (Choice choice : choices.values()) {
            if (!choice.finished) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
