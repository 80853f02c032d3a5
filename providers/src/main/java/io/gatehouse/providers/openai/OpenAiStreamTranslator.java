package io.gatehouse.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
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
        if (event.event().equals("error") && !chunk.has("error")) {
            throw new ApiException(OpenAiErrors.fromErrorObject(chunk, 502, "the provider"));
        }
        if (chunk.has("error")) {
            throw new ApiException(OpenAiErrors.fromErrorObject(chunk.get("error"), 502, "the provider"));
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

    @Override
    public boolean finished() {
        return done || sawFinishReason;
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
