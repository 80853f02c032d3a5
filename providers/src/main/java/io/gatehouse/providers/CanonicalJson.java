package io.gatehouse.providers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Parsed JSON values in a form of their own, for digests: a tag for each kind of value, and a count
 * or length before every object, array, name, string and number, so that two values digest alike
 * only if they are the same JSON value, members in the same order. Cheaper than writing the value
 * as JSON, which looks at every character of every string for what to escape. Stateless and
 * thread-safe.
 */
public final class CanonicalJson {
    private CanonicalJson() {}

    /** Adds {@code value} to {@code digest} in the canonical form. */
    public static void update(MessageDigest digest, JsonNode value) {
        Writer canonical = new Writer(digest);
        canonical.value(value);
        canonical.flush();
    }

    /**
     * Writes the canonical form to a digest through a small buffer; a string longer than what is
     * left of it goes to the digest directly.
     */
    private static final class Writer {
        private final MessageDigest digest;
        private final byte[] buffer = new byte[1024];
        private int size;

        Writer(MessageDigest digest) {
            this.digest = digest;
        }

        void value(JsonNode value) {
            switch (value.getNodeType()) {
                case OBJECT -> {
                    header('{', value.size());
                    for (Map.Entry<String, JsonNode> member : value.properties()) {
                        text('"', member.getKey());
                        value(member.getValue());
                    }
                }
                case ARRAY -> {
                    header('[', value.size());
                    for (JsonNode element : value) {
                        value(element);
                    }
                }
                case STRING -> text('s', value.textValue());
                case NUMBER -> text('n', value.asText());
                case BOOLEAN -> header(value.booleanValue() ? 't' : 'f', 0);
                case NULL -> header('z', 0);
                default -> throw new IllegalArgumentException("not a parsed JSON value: " + value.getNodeType());
            }
        }

        void flush() {
            digest.update(buffer, 0, size);
            size = 0;
        }

        private void text(char tag, String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            header(tag, utf8.length);
            if (utf8.length > buffer.length - size) {
                flush();
                digest.update(utf8);
            } else {
                System.arraycopy(utf8, 0, buffer, size, utf8.length);
                size += utf8.length;
            }
        }

        private void header(char tag, int count) {
            if (buffer.length - size < 5) {
                flush();
            }
            buffer[size] = (byte) tag;
            buffer[size + 1] = (byte) (count >>> 24);
            buffer[size + 2] = (byte) (count >>> 16);
            buffer[size + 3] = (byte) (count >>> 8);
            buffer[size + 4] = (byte) count;
            size += 5;
        }
    }
}
