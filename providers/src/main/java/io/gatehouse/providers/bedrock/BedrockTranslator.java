package io.gatehouse.providers.bedrock;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.StreamTranslator;
import java.time.Clock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Chat translation for Bedrock's Converse and ConverseStream operations, composed of the
 * translation pairs of this package. Stateless and thread-safe; per-stream state lives in the
 * stream translator it creates.
 */
public final class BedrockTranslator implements ChatTranslator {
    private final Clock clock;

    public BedrockTranslator() {
        this(Clock.systemUTC());
    }

    BedrockTranslator(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public byte[] requestBody(ChatRequest request, String upstreamModel) {
        return OpenAiToBedrock.translate(request);
    }

    @Override
    public Translated response(byte[] upstreamBody, ChatRequest request) {
        return BedrockToOpenAi.translate(upstreamBody, request, clock);
    }

    @Override
    public StreamTranslator stream(ChatRequest request) {
        return new BedrockStreamToOpenAi(request, clock);
    }

    @Override
    public ApiError error(int status, byte[] upstreamBody, String provider) {
        return BedrockErrors.map(status, null, upstreamBody, provider);
    }

    @Override
    public ApiError error(
            int status, Function<String, @Nullable String> headers, byte[] upstreamBody, String provider) {
        return BedrockErrors.map(status, headers.apply("x-amzn-ErrorType"), upstreamBody, provider);
    }
}
