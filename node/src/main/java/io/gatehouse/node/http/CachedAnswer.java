package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An answer as the response cache keeps it: in the gateway's canonical (OpenAI) shape, so a client
 * of any dialect can be answered from it. Immutable by convention (the arrays are not copied).
 *
 * @param stream whether it was streamed: {@code parts} are then the {@code chat.completion.chunk}
 *     objects in order, else the one {@code chat.completion}
 * @param usage the tokens the provider reported for it
 * @param parts the canonical answer's JSON objects
 */
record CachedAnswer(boolean stream, Usage usage, List<byte[]> parts) {
    private static final int FORMAT = 1;

    CachedAnswer {
        requireNonNull(usage, "usage");
        parts = List.copyOf(parts);
    }

    /** The answer's bytes for the cache. */
    byte[] encode() {
        int size = 32;
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(stream);
            out.writeLong(usage.promptTokens());
            out.writeLong(usage.completionTokens());
            out.writeInt(parts.size());
            for (byte[] part : parts) {
                out.writeInt(part.length);
                out.write(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not thrown by an in-memory stream
        }
        return bytes.toByteArray();
    }

    /** The answer in {@code bytes}, or null if they are not an answer of this format. */
    static @Nullable CachedAnswer decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readByte() != FORMAT) {
                return null;
            }
            boolean stream = in.readBoolean();
            Usage usage = new Usage(in.readLong(), in.readLong());
            int count = in.readInt();
            if (count < 0 || count > bytes.length) {
                return null;
            }
            List<byte[]> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    return null;
                }
                parts.add(in.readNBytes(length));
            }
            return in.available() == 0 ? new CachedAnswer(stream, usage, parts) : null;
        } catch (IOException e) {
            return null; // cut short
        }
    }
}
