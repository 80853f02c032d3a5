package io.gatehouse.node.http;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * How the clients of one endpoint expect to be answered: the error body, the whole answer and the
 * stream, each turned from the gateway's canonical (OpenAI) shape into the client's. Chosen per
 * endpoint by {@link ClientDialectHandler}; endpoints without one speak {@link #openAi()}.
 * Implementations are stateless and thread-safe; each {@link StreamEncoder} serves one stream.
 */
public sealed interface ClientDialect permits OpenAiDialect, AnthropicDialect {

    /** OpenAI's chat-completions shape: the canonical shape, passed through. */
    static ClientDialect openAi() {
        return OpenAiDialect.INSTANCE;
    }

    /** Anthropic's Messages API shape, for {@code POST /v1/messages}. */
    static ClientDialect anthropic() {
        return AnthropicDialect.INSTANCE;
    }

    /** The body that carries {@code error} (sent with the error's status). */
    byte[] errorBody(ApiError error);

    /**
     * The client's answer for a canonical {@code chat.completion}.
     *
     * @throws io.gatehouse.providers.ApiException if the completion cannot be translated
     */
    byte[] response(byte[] completion);

    /** A new encoder for one stream. */
    StreamEncoder stream();

    /**
     * Turns one canonical stream into the client's server-sent events. Not thread-safe: called one
     * at a time, in stream order, as a stream listener is.
     */
    interface StreamEncoder {

        /** The events for some canonical {@code chat.completion.chunk} objects; may be empty. */
        ByteBuffer chunks(List<byte[]> chunks);

        /** The events that end a stream that completed normally. */
        ByteBuffer end(Usage usage);

        /** The event that reports a failure after the stream began; nothing follows it. */
        ByteBuffer error(ApiError error);
    }
}
