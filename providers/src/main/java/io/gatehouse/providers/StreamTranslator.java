package io.gatehouse.providers;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Translates one streamed upstream response, as raw bytes in the provider's framing, into OpenAI
 * {@code chat.completion.chunk} objects, and counts its usage. Not thread-safe: one stream, fed in
 * order.
 */
public interface StreamTranslator {

    /**
     * Decodes the bytes in {@code content} and appends each complete chunk to {@code out}.
     *
     * @throws ApiException if the upstream sent an error event or a malformed stream
     */
    void feed(ByteBuffer content, List<byte[]> out);

    /** Whether the upstream marked the end of the answer (so a close afterwards is normal). */
    boolean finished();

    /** The usage counted so far. */
    Usage usage();
}
