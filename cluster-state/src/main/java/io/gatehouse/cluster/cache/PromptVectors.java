package io.gatehouse.cluster.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One indexed prompt in bytes: the key of its answer and its embedding, each component scaled to a
 * signed byte (the largest to ±127). Cosine similarity does not depend on a vector's length, so the
 * scale is not kept; a byte per component keeps a 384-dimension embedding in 384 bytes, at a cost in
 * precision far below the gap between prompts that mean the same and prompts that do not.
 */
final class PromptVectors {
    private PromptVectors() {}

    /** {@code keyLength(2) key dimensions(2) components(1 each)}. */
    static byte[] encode(String answerKey, float[] embedding) {
        byte[] key = answerKey.getBytes(StandardCharsets.UTF_8);
        float largest = 0;
        for (float component : embedding) {
            largest = Math.max(largest, Math.abs(component));
        }
        ByteBuffer out = ByteBuffer.allocate(4 + key.length + embedding.length);
        out.putShort((short) key.length).put(key).putShort((short) embedding.length);
        for (float component : embedding) {
            out.put(largest == 0 ? 0 : (byte) Math.round(component / largest * 127));
        }
        return out.array();
    }

    /** The answer key of an encoded prompt. */
    static String answerKey(byte[] encoded) {
        return new String(encoded, 2, ByteBuffer.wrap(encoded).getShort(0), StandardCharsets.UTF_8);
    }

    /**
     * The cosine similarity of an encoded prompt's embedding and {@code embedding}, or {@code NaN}
     * when their dimensions differ (an embedding of another model), either is all zeros, or the
     * encoding is damaged.
     */
    static double similarity(byte[] encoded, float[] embedding) {
        if (encoded.length < 4) {
            return Double.NaN;
        }
        int keyLength = ByteBuffer.wrap(encoded).getShort(0);
        int offset = 4 + keyLength;
        if (keyLength < 0
                || encoded.length != offset + embedding.length
                || ByteBuffer.wrap(encoded).getShort(2 + keyLength) != embedding.length) {
            return Double.NaN;
        }
        double dot = 0;
        double stored = 0;
        double asked = 0;
        for (int i = 0; i < embedding.length; i++) {
            int component = encoded[offset + i];
            dot += component * embedding[i];
            stored += component * component;
            asked += embedding[i] * embedding[i];
        }
        return stored == 0 || asked == 0 ? Double.NaN : dot / Math.sqrt(stored * asked);
    }
}
