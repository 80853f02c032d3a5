package io.gatehouse.providers.anthropic;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.StreamTranslator;

/**
 * Translation for the Anthropic Messages API as an upstream: {@link OpenAiToAnthropic} for the
 * request, {@link AnthropicToOpenAi} for the answer, {@link AnthropicStreamToOpenAi} for streams
 * and {@link AnthropicErrors} for errors. Anthropic streams always report usage, so nothing has to
 * be asked for. Stateless and thread-safe.
 */
public final class AnthropicTranslator implements ChatTranslator {

    @Override
    public byte[] requestBody(ChatRequest request, String upstreamModel) {
        return JsonSupport.write(OpenAiToAnthropic.translate(request, upstreamModel));
    }

    @Override
    public Translated response(byte[] upstreamBody, ChatRequest request) {
        return AnthropicToOpenAi.translate(upstreamBody);
    }

    @Override
    public StreamTranslator stream(ChatRequest request) {
        return new AnthropicStreamToOpenAi(request.includeUsage());
    }

    @Override
    public ApiError error(int status, byte[] upstreamBody, String provider) {
        return AnthropicErrors.map(status, upstreamBody, provider);
    }
}
