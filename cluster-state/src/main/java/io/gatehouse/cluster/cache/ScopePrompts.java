package io.gatehouse.cluster.cache;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The value a scope's prompts are stored as: each prompt sealed on its own, oldest first, as {@code
 * count(4) then length(4) bytes for each}. Sealed one by one so that the member owning the scope can
 * append a prompt and drop the oldest without the key to open them.
 */
final class ScopePrompts {
    private ScopePrompts() {}

    /** The sealed prompts of {@code value}, oldest first; none for an absent or damaged value. */
    static List<byte[]> sealed(byte @Nullable [] value) {
        if (value == null || value.length < 4) {
            return List.of();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        int count = in.getInt();
        List<byte[]> prompts = new ArrayList<>(Math.min(count, 4096));
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 4) {
                return List.of();
            }
            int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                return List.of();
            }
            byte[] prompt = new byte[length];
            in.get(prompt);
            prompts.add(prompt);
        }
        return prompts;
    }

    /** {@code value} with {@code prompt} added as the newest, keeping the newest {@code max}. */
    static byte[] append(byte @Nullable [] value, byte[] prompt, int max) {
        List<byte[]> prompts = new ArrayList<>(sealed(value));
        prompts.add(prompt);
        List<byte[]> kept = prompts.subList(Math.max(0, prompts.size() - max), prompts.size());
        int bytes = 4;
        for (byte[] each : kept) {
            bytes += 4 + each.length;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).putInt(kept.size());
        for (byte[] each : kept) {
            out.putInt(each.length).put(each);
        }
        return out.array();
    }
}
