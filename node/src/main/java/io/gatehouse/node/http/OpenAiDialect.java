package io.gatehouse.node.http;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OpenAI's shape, which is the canonical one: answers and chunks pass through, errors are {@code
 * {"error":{...}}}, and a stream ends with {@code data: [DONE]}. Stateless and thread-safe.
 */
final class OpenAiDialect implements ClientDialect {
    static final OpenAiDialect INSTANCE = new OpenAiDialect();

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private OpenAiDialect() {}

    @Override
    public byte[] errorBody(ApiError error) {
        return Responses.errorBody(error);
    }

    @Override
    public byte[] response(byte[] completion) {
        return completion;
    }

    @Override
    public StreamEncoder stream() {
        return Encoder.INSTANCE;
    }

    /** Stateless, so one serves every stream. */
    private static final class Encoder implements StreamEncoder {
        static final Encoder INSTANCE = new Encoder();

        @Override
        public ByteBuffer chunks(List<byte[]> chunks) {
            return SseFrames.data(chunks);
        }

        @Override
        public ByteBuffer end(Usage usage) {
            return ByteBuffer.wrap(DONE);
        }

        @Override
        public ByteBuffer error(ApiError error) {
            return SseFrames.data(List.of(Responses.errorBody(error)));
        }
    }
}
