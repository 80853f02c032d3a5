package io.gatehouse.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.sse.SseDecoder;
import io.gatehouse.providers.sse.SseEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An OpenAI-compatible stream: chunks pass through byte for byte, the usage chunk is read (and
 * dropped when the client did not ask for it), {@code [DONE]} ends the stream, and an {@code
 * error} event fails it. Not thread-safe.
 */
final class OpenAiStreamTranslator implements StreamTranslator {
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final boolean clientWantsUsage;
    private final SseDecoder decoder = new SseDecoder(MAX_EVENT_BYTES);
    private Usage usage = Usage.NONE;
    private boolean done;
    private boolean sawFinishReason;

    OpenAiStreamTranslator(boolean clientWantsUsage) {
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public void feed(ByteBuffer content, List<byte[]> out) {
        decoder.feed(content, event -> onEvent(event, out));
    }

    private void onEvent(SseEvent event, List<byte[]> out) {
        String data = event.data();
        if (done) {
            return;
        }
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        JsonNode chunk = OpenAiTranslator.readObject(bytes);
        if (event.event().equals("error") || chunk.has("error")) {
            throw new ApiException(midStreamError(chunk.has("error") ? chunk.get("error") : chunk));
        }
        JsonNode usageNode = chunk.get("usage");
        boolean hasUsage = usageNode != null && usageNode.isObject();
        if (hasUsage) {
            usage = OpenAiTranslator.usageOf(usageNode);
        }
        JsonNode choices = chunk.get("choices");
        boolean noChoices = choices == null || (choices.isArray() && choices.isEmpty());
        if (!noChoices) {
            for (JsonNode choice : choices) {
                if (!choice.path("finish_reason").isNull() && choice.has("finish_reason")) {
                    sawFinishReason = true;
                }
            }
        }
        if (hasUsage && noChoices && !clientWantsUsage) {
            return;
        }
        out.add(bytes);
    }

    /**
     * An error the upstream reported after the answer began. Like any upstream failure it becomes a
     * 502 without the provider's message (which could reveal its configuration); its error type or
     * code, a short identifier, is kept for diagnosis.
     */
    static ApiError midStreamError(JsonNode error) {
        String kind = error.path("type").asText(error.path("code").asText(""));
        String hint = kind.matches("[A-Za-z0-9_.-]{1,64}") ? " (" + kind + ")" : "";
        return ApiError.upstreamFailed("The provider failed while streaming the answer" + hint + ".");
    }

    @Override
    public boolean finished() {
        return done || sawFinishReason;
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
