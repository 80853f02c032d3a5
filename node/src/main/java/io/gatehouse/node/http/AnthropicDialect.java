package io.gatehouse.node.http;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.anthropic.ApiErrorToAnthropic;
import io.gatehouse.providers.anthropic.OpenAiStreamToAnthropic;
import io.gatehouse.providers.anthropic.OpenAiToAnthropicResponse;
import io.gatehouse.providers.sse.SseEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API shape: answers become a {@code message}, streams Anthropic's named
 * events (without a {@code [DONE]} marker), errors {@code {"type":"error","error":{...}}}, also as
 * an {@code event: error} mid-stream. The translations live in the providers module; this is the
 * glue. Stateless and thread-safe.
 */
final class AnthropicDialect implements ClientDialect {
    static final AnthropicDialect INSTANCE = new AnthropicDialect();

    private AnthropicDialect() {}

    @Override
    public byte[] errorBody(ApiError error) {
        return ApiErrorToAnthropic.body(error);
    }

    @Override
    public byte[] response(byte[] completion) {
        return OpenAiToAnthropicResponse.translate(completion);
    }

    @Override
    public StreamEncoder stream() {
        return new Encoder();
    }

    /** One stream's state: which content blocks are open. Not thread-safe. */
    private static final class Encoder implements StreamEncoder {
        private final OpenAiStreamToAnthropic translator = new OpenAiStreamToAnthropic();

        @Override
        public ByteBuffer chunks(List<byte[]> chunks) {
            List<SseEvent> events = new ArrayList<>();
            for (byte[] chunk : chunks) {
                translator.chunk(chunk, events);
            }
            return SseFrames.named(events);
        }

        @Override
        public ByteBuffer end(Usage usage) {
            List<SseEvent> events = new ArrayList<>();
            translator.end(usage, events);
            return SseFrames.named(events);
        }

        @Override
        public ByteBuffer error(ApiError error) {
            return SseFrames.named(List.of(OpenAiStreamToAnthropic.error(error)));
        }
    }
}
